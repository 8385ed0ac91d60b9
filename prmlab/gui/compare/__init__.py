"""Compare mode (issue #21): a window feature (``WINDOW_FEATURES``) giving every panel a
Compare menu: "Compare…" duplicates the panel's State into a second side, "Comparison
presets" open a classic contrast, "End comparison" removes the second side. Sessions keep
both sides (the extra "compare"); ``python main.py --panel mcmc --compare "MH vs HMC"``
opens a preset at start-up (``open_from_cli``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from prmlab.gui.compare.view import CompareView
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.panels.base import BasePanel
    from prmlab.lab.compare import Comparison

SESSION_KEY = "compare"
# a comparison rendered without a window (--screenshot, --save-session) is shown after this
# many ticks of its clock: a preset's first tick is often the same picture on both sides
HEADLESS_TICKS = 20


def install(window: MainWindow) -> None:
    """The Compare menu, and both sides of an open comparison in every session."""
    window.comparisons = {}  # panel name -> its CompareView
    menu = window.menu("compare", "&Compare")
    window.add_action(menu, "Compare…", lambda: duplicate(window), shortcut="Ctrl+Shift+K")
    presets = menu.addMenu("Comparison presets")
    presets.aboutToShow.connect(lambda: _fill_presets(window, presets))
    window.add_action(menu, "End comparison", lambda: end(window))
    add_extra = getattr(window.sessions, "add_extra", None)
    if add_extra is not None:
        from prmlab.gui.sessions import SessionExtra

        add_extra(SESSION_KEY, SessionExtra(lambda: saved(window), lambda t: checked(window, t)))


def _fill_presets(window: MainWindow, menu: Any) -> None:
    from prmlab.lab import compare

    menu.clear()
    name = window.current_panel().name
    for preset in compare.presets(name) if name in compare.TOPICS else ():
        window.add_action(menu, preset, lambda _=False, p=preset: open_preset(window, name, p))


def view_of(window: MainWindow, name: str) -> CompareView | None:
    """The comparison open in the panel ``name`` (None: none)."""
    return window.comparisons.get(name)


def show(window: MainWindow, panel: BasePanel, comparison: Comparison) -> CompareView:
    """``comparison`` in ``panel``: in its open comparison, else in a new one."""
    from prmlab.gui import theme
    from prmlab.gui.compare.view import CompareView

    view = window.comparisons.get(panel.name)
    if view is not None:
        view.show_comparison(comparison)
        return view
    view = CompareView(panel, comparison)
    view.destroyed.connect(lambda: window.comparisons.pop(panel.name, None))
    view.end_button.clicked.connect(lambda: window.comparisons.pop(panel.name, None))
    window.comparisons[panel.name] = view
    window.undo_group.addStack(view.panels[1].undo_stack)
    # Ctrl+Z undoes on the side last edited (the group's stack was the left panel's only)
    view.sigActiveSide.connect(
        lambda side: window.undo_group.setActiveStack(view.panels[side].undo_stack)
    )
    theme.style_plots(view.panels[1], window.theme, window.font_size)
    return view


def duplicate(window: MainWindow) -> CompareView | None:
    """Compare…: the current panel's State on both sides (then change one side's controls)."""
    from prmlab.lab.compare import TOPICS, Comparison

    panel = window.current_panel()
    state = panel.lab_state()
    if panel.name not in TOPICS or state is None:
        panel.messages.note("Nothing to compare yet: run the panel first, or pick a preset.")
        return None
    return show(window, panel, Comparison(state, state))


def open_preset(window: MainWindow, name: str, preset: str | None) -> CompareView:
    """The panel ``name`` shown with its comparison preset ``preset`` (matched by its start;
    None: the first) for the window's seed. ValueError listing the presets for another."""
    from prmlab.lab import compare

    panel = window.show_panel(name)
    return show(window, panel, compare.preset(name, preset, panel.seed()))


def end(window: MainWindow) -> None:
    """End the comparison of the current panel, if any."""
    view = window.comparisons.pop(window.current_panel().name, None)
    if view is not None:
        view.close_comparison()


def saved(window: MainWindow) -> dict[str, Any] | None:
    """The session's tree of the shown comparisons: {panel: Comparison.to_dict()}."""
    trees = {name: view.comparison.to_dict() for name, view in window.comparisons.items()}
    return trees or None


def checked(window: MainWindow, tree: dict[str, Any]):
    """A session's comparisons checked (``SessionError`` for a bad one); returns the
    function showing them."""
    from prmlab.gui.panels import PANELS, panel_class
    from prmlab.lab.compare import Comparison
    from prmlab.lab.session import SessionError

    comparisons = {}
    for name, data in tree.items():
        if name not in PANELS:
            raise SessionError(f"a comparison of an unknown panel {name!r}")
        try:
            comparisons[name] = Comparison.from_dict(data, panel_class(name).state_class)
        except ValueError as exc:
            raise SessionError(f"the {name} comparison: {exc}") from exc

    def show_all() -> None:
        current = window.current_panel().name
        for name, comparison in comparisons.items():
            show(window, window.panel(name), comparison)
        window.show_panel(current)

    return show_all


def render(window: MainWindow, name: str, preset: str | None, ticks: int = HEADLESS_TICKS) -> bool:
    """Headless: the panel ``name`` with the comparison ``preset`` after ``ticks`` ticks of
    its clock, drawn; False if it did not finish in time."""
    view = open_preset(window, name, preset)
    if not wait_idle(window):
        return False
    view.step_ticks(ticks)
    return wait_idle(window)


def wait_idle(window: MainWindow, timeout_s: float = 90.0) -> bool:
    """Process events until every open comparison is idle (screenshots); False on timeout."""
    return wait_views_idle(lambda: window.comparisons.values(), timeout_s)


def wait_views_idle(views: Any, timeout_s: float = 90.0, settle_s: float = 0.4) -> bool:
    """Process events until none of ``views()`` (CompareViews) has been busy for
    ``settle_s``; False on timeout."""
    import time

    deadline = time.monotonic() + timeout_s
    idle_since = None
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if any(v.busy() for v in views()):
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= settle_s:
            return True
        time.sleep(0.001)
    return False


def check_cli(panel: str, wanted: str) -> str | None:
    """``--compare``'s problem in words (an unknown preset, with the list), else None."""
    from prmlab.lab import compare

    if panel not in compare.TOPICS:
        return f"prmlab: the {panel} panel has no comparisons"
    try:
        compare.match_preset(compare.presets(panel), wanted)
    except ValueError as exc:
        return f"prmlab: {exc}"
    return None
