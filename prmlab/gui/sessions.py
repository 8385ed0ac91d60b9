"""Sessions in the main window: Save (Ctrl+S), Save as…, Open…, recent files, dropped files.

A session holds every panel's State: a built panel's ``session_state()``, and for a panel
not built since the session was opened, the State it was given (it is shown when the panel
is first built, instead of its demo). Opening checks every panel's state before showing
any, so a bad file leaves the current work as it was. The format is ``prmlab.lab.session``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from prmlab.gui.panels import PANELS, panel_class
from prmlab.gui.widgets.text import elide
from prmlab.lab._state import LabState
from prmlab.lab.session import (
    SUFFIX,
    PanelState,
    Session,
    SessionError,
    load_session,
    save_session,
)

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.panels.base import BasePanel

RECENT_KEY = "recent_sessions"
MAX_RECENT = 8
SESSION_FILTER = f"prmlab sessions (*{SUFFIX})"


@dataclass(frozen=True)
class SessionExtra:
    """A window feature's part of a session (presenter mode's pen strokes): ``save()`` gives
    its tree (None: nothing to keep); ``check(tree)`` raises ``SessionError`` for a bad tree
    and otherwise returns a function that shows it (called once the panels are shown)."""

    save: Callable[[], dict[str, Any] | None]
    check: Callable[[dict[str, Any]], Callable[[], None]]


def decode(session: Session) -> dict[str, LabState | PanelState]:
    """Every panel's saved state as a State of its panel (a panel that cannot read States
    yet keeps the saved form, to be written back unchanged). Raises ``SessionError`` for
    an unknown panel or a state its panel cannot read."""
    decoded: dict[str, LabState | PanelState] = {}
    for name, saved in session.panels.items():
        if name not in PANELS:
            raise SessionError(
                f"the session has a panel {name!r} this prmlab does not know "
                f"(it knows {', '.join(PANELS)}): update prmlab to open it"
            )
        cls = panel_class(name)
        decoded[name] = saved if cls.state_class is None else cls.state_from_saved(saved)
    if session.current is not None and session.current not in PANELS:
        raise SessionError(f"the session shows a panel {session.current!r} this prmlab lacks")
    return decoded


def read(path: str | Path) -> Session:
    """The session in ``path``, every panel's state checked (``SessionError`` otherwise)."""
    session = load_session(path)
    decode(session)
    return session


class Sessions(QObject):
    """The main window's sessions: menu actions, the file being worked on, recent files, and
    the States of panels not built yet."""

    def __init__(self, window: MainWindow, settings: QSettings, *, notes: bool = True) -> None:
        """``notes=False`` (screenshot mode) keeps "Session opened" out of the status bar."""
        super().__init__(window)
        self.window, self.settings, self.notes = window, settings, notes
        self.path: Path | None = None  # Ctrl+S writes here once a session was saved or opened
        self._pending: dict[str, LabState | PanelState] = {}
        self._extras: dict[str, SessionExtra] = {}

    def add_extra(self, key: str, extra: SessionExtra) -> None:
        """Keep a feature's tree under ``key`` in every session saved, show it from every
        session opened (a file without it opens as before)."""
        self._extras[key] = extra

    # -- menus ----------------------------------------------------------------------------
    def add_actions(self, menu: QMenu) -> None:
        """File ▸ Open session…, Open recent, Save session (Ctrl+S), Save session as…"""
        add = self.window.add_action
        add(menu, "Open &session…", lambda: self.open(), "Ctrl+Shift+O")
        self.recent_menu = menu.addMenu("Open &recent session")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        add(menu, "&Save session", lambda: self.save(), QKeySequence.StandardKey.Save)
        add(menu, "Save session &as…", lambda: self.save_as(), "Ctrl+Shift+S")

    def recent(self) -> list[str]:
        """Recently opened or saved sessions, newest first (files that still exist)."""
        value = self.settings.value(RECENT_KEY)
        if isinstance(value, str):  # QSettings gives one entry as a plain string
            value = [value]
        if not isinstance(value, list):
            return []
        return [p for p in value if isinstance(p, str) and Path(p).is_file()][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        self.path = path
        entry = str(path.resolve())
        self.settings.setValue(
            RECENT_KEY, [entry, *(p for p in self.recent() if p != entry)][:MAX_RECENT]
        )

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent():
            action = self.recent_menu.addAction(elide(path, 80))
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
        self.recent_menu.setEnabled(True)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent sessions").setEnabled(False)

    # -- saving ---------------------------------------------------------------------------
    def session(self) -> Session:
        """Every panel's State now and which panel is shown."""
        panels: dict[str, PanelState] = {}
        for name in PANELS:
            panel = self.window.panels.get(name)
            if panel is not None:
                saved = panel.session_state()
            else:
                saved = _as_saved(self._pending.get(name))
            if saved is not None:
                panels[name] = saved
        extras = {key: tree for key, e in self._extras.items() if (tree := e.save()) is not None}
        return Session(panels=panels, current=self.window.current_panel().name, extras=extras)

    def save(self, path: str | Path | None = None) -> Path | None:
        """Write the session to ``path`` (default: the file opened or saved last; else ask)."""
        target = Path(path) if path is not None else self.path
        return self.save_as(target) if target is None else self._write(target)

    def save_as(self, path: str | Path | None = None) -> Path | None:
        """Write the session to ``path``, asking for it when None."""
        if path is None:
            folder = Path(self.window._last_dir())
            suggested = str(self.path or folder / f"{self.window.current_panel().name}{SUFFIX}")
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Save session", suggested, SESSION_FILTER
            )
            if not path:
                return None
            if not path.endswith(SUFFIX):
                path += SUFFIX
        return self._write(Path(path))

    def _write(self, path: Path) -> Path | None:
        try:
            written = save_session(path, self.session())
        except SessionError as exc:
            self.window.current_panel().messages.error(f"Could not save the session: {exc}")
            return None
        self._remember(written)
        self.window._remember_dir(str(written))
        self._status(f"Session saved to {elide(str(written), 120)}")
        return written

    # -- opening --------------------------------------------------------------------------
    def open(self, path: str | Path | None = None) -> bool:
        """Open a session (asking for the file when None). A bad file is said in the current
        panel's message bar and changes nothing else."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Open session", self.window._last_dir(), SESSION_FILTER
            )
            if not path:
                return False
        path = Path(path)
        try:
            session = load_session(path)
            self.apply(session)
        except SessionError as exc:
            self.window.current_panel().messages.error(f"Could not open the session: {exc}")
            return False
        self._remember(path)
        self.window._remember_dir(str(path))
        self._status(f"Session opened: {elide(path.name, 80)}")
        return True

    def apply(self, session: Session) -> None:
        """Show ``session``: its States in the built panels, the others when first built,
        then the panel it showed. ``SessionError`` before anything changes if any is bad."""
        decoded = decode(session)
        # a key no feature here knows (a newer prmlab's) is left out, as an older app does
        show_extras = [
            self._extras[k].check(t) for k, t in session.extras.items() if k in self._extras
        ]
        for name, state in decoded.items():
            panel = self.window.panels.get(name)
            if panel is None:
                self._pending[name] = state
                self.window._demo_loaded.add(name)  # its saved State, not the demo
            elif isinstance(state, LabState):
                panel.clear_stale()
                panel.show_state(state)
        if session.current is not None:
            self.window.show_panel(session.current)
        for show in show_extras:
            show()

    def built(self, panel: BasePanel) -> None:
        """A panel was just built: show the State a session gave it, if any."""
        state = self._pending.pop(panel.name, None)
        if isinstance(state, LabState):
            panel.show_state(state)
        elif state is not None:  # a panel that cannot show States keeps them for saving
            self._pending[panel.name] = state

    def _status(self, text: str) -> None:
        if self.notes:
            self.window.statusBar().showMessage(text, 8000)


def _as_saved(state: LabState | PanelState | None) -> PanelState | None:
    if isinstance(state, LabState):
        return PanelState(state.VERSION, state.to_dict())
    return state


def is_session_file(path: str) -> bool:
    """True for a path that names a session file (by its suffix)."""
    return path.lower().endswith(SUFFIX)
