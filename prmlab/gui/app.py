"""Entry point: ``python main.py [--panel NAME] [--data FILE.csv] [--seed N] [--screenshot DIR]
[--session FILE.prmlab] [--save-session FILE.prmlab] [--record FILE.mp4|FILE.gif [--seconds S]
[--fps F]]``.

This module imports nothing heavy at load time: ``main()`` first tunes the process
(``prmlab._process``), which must happen before NumPy loads.
"""

from __future__ import annotations

import argparse
import ctypes.util
import gc
import importlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from prmlab._process import tune_process
from prmlab.gui.command_line import build_parser
from prmlab.gui.panels import PANEL_NAMES, PANELS

if TYPE_CHECKING:  # imported in main(), after the process is tuned
    from PySide6.QtCore import QObject

    from prmlab.gui.jobs import Job

log = logging.getLogger("prmlab")
SCREENSHOT_SIZE = (1440, 900)
# What Qt 6's xcb plugin links against, by library name -> Debian/Ubuntu package.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
}


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def platform_problem() -> str | None:
    """Why Qt's platform plugin would fail to load, in words with the fix; None if it should load.

    Qt aborts the process when the plugin cannot load, so this is checked before any window.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform not in ("", "xcb"):
        return None
    if not _has_display():
        return (
            "prmlab: no display found (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "Run it from a desktop session, or make screenshots headless with\n"
            "  python main.py --screenshot DIR\n"
            "or force the offscreen platform with QT_QPA_PLATFORM=offscreen."
        )
    uses_xcb = platform == "xcb" or not os.environ.get("WAYLAND_DISPLAY")
    if not (os.environ.get("DISPLAY") and uses_xcb):
        return None
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if missing:
        return (
            "prmlab: Qt's xcb platform plugin cannot load: these system libraries are missing:\n"
            f"  {' '.join(missing)}\n"
            f"Install them, e.g. on Debian/Ubuntu:  sudo apt-get install {' '.join(missing)}\n"
            "(on Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms), "
            "then start prmlab again."
        )
    return None


def wait_until_idle(
    panel, timeout_s: float = 90.0, settle_s: float = 0.4, poll_s: float = 0.01
) -> bool:
    """Process events every ``poll_s`` until ``panel`` has been idle for ``settle_s``; False
    on timeout."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    idle_since = None
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if panel.busy() or panel.equations.busy():  # the equations are typeset in a job too
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= settle_s:
            return True
        time.sleep(poll_s)
    return False


def take_screenshots(
    window, directory: str | Path, names: tuple[str, ...], demos: bool = True
) -> list[Path]:
    """Run each named panel's demo (or, ``demos=False``, the data it was given) to completion
    and save the window as DIR/<name>.png."""
    from PySide6.QtWidgets import QApplication

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    written = []
    for name in names:
        panel = window.show_panel(name)
        if demos:
            panel.load_demo()
        QApplication.processEvents()
        if not wait_until_idle(panel):
            print(f"prmlab: the {name} demo did not finish in time; capturing it as it is")
            panel.shutdown()
        QApplication.processEvents()
        path = out / f"{name}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
        print(path)
    return written


def prepare_kernels(app: QObject, panel: str | None) -> Job:
    """A Job preparing the kernels of the panel shown first (``panel``, else the one the user
    left open last time), on a first start only (``prepare_first``: Numba's compiler and the
    panel's kernels). The main window adopts it (``warmup_job``)."""
    from PySide6.QtCore import QSettings

    from prmlab.engine.warmup import prepare_first
    from prmlab.gui.jobs import Job

    if panel is None:
        panel = QSettings("prmlab", "prmlab").value("panel")  # checked as the window checks it
    first = panel if isinstance(panel, str) and panel in PANELS else PANEL_NAMES[0]
    job = Job(app, label=f"Preparing kernels for {PANELS[first].title}…")
    job.run(prepare_first, PANELS[first].topics, on_error=lambda msg: log.warning("%s", msg))
    return job


def prepare_engine(panel: str | None) -> None:
    """Import the engine, lab and whiteboard modules of ``panel`` (if named) and the sessions'
    lab module, before Qt is imported; kernels load from the cache without Numba's compiler
    registries until the warm-up after the first demo (``defer_registries``).

    The first demo needs these modules anyway, and here they cost less: once PySide6 is
    imported, it reads and searches the source of every module imported after it (its
    ``__feature__`` check), and a worker importing them beside the GUI's own imports only
    took turns with them for the GIL."""
    from prmlab.engine.warmup import defer_registries

    defer_registries()
    modules = ["prmlab.lab.session"]  # the main window's sessions
    if panel in PANELS:
        modules += [f"prmlab.engine.{topic}" for topic in PANELS[panel].topics]
        # Qt-free too (a lab and a whiteboard module per panel, named as the panel)
        modules += [f"prmlab.lab.{panel}", f"prmlab.lab.whiteboard.{panel}"]
    for module in modules:
        importlib.import_module(module)


def main(argv: list[str] | None = None) -> int:
    """Run the app (or a headless screenshot, recording or session); the exit code.

    Start-up allocates most of the heap (Numba, SciPy, Qt, the window) and Python's automatic
    collections scanned it again and again meanwhile (~0.1-0.3 s); the app collects on the
    GUI thread once its window exists (``MainThreadGarbageCollector``), so none runs before.
    The caller's setting is restored on return, and Numba's cache loader
    (``prepare_engine``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        from prmlab.engine.warmup import restore_cache_loader

        restore_cache_loader()
        if was_enabled:
            gc.enable()


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    tune_process()
    prepare_engine(args.panel)
    if args.compare is not None:
        from prmlab.gui.compare import check_cli

        problem = check_cli(args.panel or PANEL_NAMES[0], args.compare)
        if problem:
            print(_one_line(problem), file=sys.stderr)
            return 2
    if args.record:
        problem = record_problem(args)
        if problem:
            print(_one_line(f"prmlab: {problem}"), file=sys.stderr)
            return 2
    session = None
    if args.session:
        from prmlab.gui.sessions import read
        from prmlab.lab.session import SessionError

        try:
            session = read(args.session)
        except SessionError as exc:
            print(
                _one_line(f"prmlab: cannot open the session {args.session}: {exc}"), file=sys.stderr
            )
            return 2
    headless = bool(args.screenshot or args.save_session or args.record)
    if headless and not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("prmlab")
    app.setOrganizationName("prmlab")
    # On a first start (nothing in Numba's cache) the first panel's kernels compile in a worker
    # while the GUI's modules are imported; the window warms the rest up later.
    early_warmup = prepare_kernels(app, args.panel) if not headless else None

    from prmlab.gui.excepthook import ExceptionHook
    from prmlab.gui.jobs import MainThreadGarbageCollector, exit_code
    from prmlab.gui.main_window import MainWindow

    hook = ExceptionHook(show_dialog=not headless).install()
    # What start-up built (modules, kernels, Qt's wrappers) lives as long as the app: left out
    # of every collection from here, the collector's first one scans only what comes next
    # (a full one took ~0.1 s; the few cycles that died during the imports stay)
    gc.freeze()
    collector = MainThreadGarbageCollector(app)
    autosave = None
    if not headless:  # a screenshot or a script neither offers nor overwrites the autosave
        from prmlab.gui.autosave import Autosave

        autosave = Autosave(interval_s=args.autosave_every)
        # a session given on the command line is what the user asked for: no offer then
        restored = autosave.claim_and_offer(args.restore_autosave if session is None else "no")
        session = session or restored
    window = MainWindow(
        seed=args.seed,
        start_panel=args.panel,
        warmup=not headless,
        # a comparison shows its own States: no demo over its left side
        autoload_demos=not (args.screenshot or args.compare is not None),
        warmup_job=early_warmup,
        session=session,
        # the same pixels on every machine: not the user's stored theme, fonts and size
        stored_look=not (headless or args.session),
        notes=not args.screenshot,
    )
    collector.freeze()
    if args.theme:
        window.set_theme(args.theme)
    if args.font_size:
        window.set_font_size(args.font_size)
    if args.data:
        window.load_data_file(args.data)
    if headless:
        code = _run_headless(window, args, session is not None)
        for panel in window.panels.values():  # --data started work in every panel
            wait_until_idle(panel, settle_s=0.0)
        window.shutdown()
        # hide, not close: closing saves the screenshot geometry as the user's; a window left
        # shown would sit over any later one when main() is called in-process
        window.hide()
        window.deleteLater()
        hook.uninstall()
        collector.stop()
        return 1 if hook.errors else code
    window.show()
    if args.compare is not None:
        from prmlab.gui import compare

        compare.open_preset(window, args.panel or PANEL_NAMES[0], args.compare)
    if autosave is not None:
        autosave.start(window)
        app.aboutToQuit.connect(autosave.stop)
    code = app.exec()
    hook.uninstall()
    collector.stop()
    return exit_code(code)  # at once if closing left uninterruptible work running


def _run_headless(window, args: argparse.Namespace, has_session: bool) -> int:
    """Screenshots and/or ``--save-session``; the exit code (2: the session not written)."""
    from prmlab.lab.session import SessionError, save_session

    if args.compare is not None:  # then shown and screenshotted as a session is: no demo
        from prmlab.gui import compare

        window.resize(*SCREENSHOT_SIZE)
        window.show()
        if not compare.render(window, args.panel or PANEL_NAMES[0], args.compare):
            print("prmlab: the comparison did not finish in time; showing it as it is")
        has_session = True
    shown = window.current_panel().name
    if args.record:
        from prmlab.gui.recording.headless import record_panel

        window.show_panel(args.panel or shown)
        # a session's State plays on from where it was saved; a demo from its start
        record_panel(
            window, args.record, seconds=args.seconds, fps=args.fps, from_start=not has_session
        )
    elif args.screenshot:
        names = (args.panel,) if args.panel else (shown,) if has_session else PANEL_NAMES
        take_screenshots(window, args.screenshot, names, demos=not (args.data or has_session))
    else:  # the shown panel's demo (or saved State), run to its end
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        if not wait_until_idle(window.current_panel()):
            print(f"prmlab: the {shown} panel did not finish in time; saving it as it is")
    if args.save_session:
        try:
            save_session(args.save_session, window.sessions.session())
        except SessionError as exc:
            print(_one_line(f"prmlab: cannot save the session: {exc}"), file=sys.stderr)
            return 2
    return 0


def record_problem(args: argparse.Namespace) -> str | None:
    """Why ``--record`` cannot run with these arguments (checked before any window and
    before anything is recorded); None when it can."""
    from prmlab.gui.recording.encode import check_output, unavailable_reason

    if args.screenshot:
        return "--record and --screenshot cannot be combined: run them one at a time"
    if not 0 < args.seconds <= 3600:
        return f"--seconds must be in (0, 3600], got {args.seconds}: pick e.g. 10"
    reason = unavailable_reason()
    if reason:
        return reason
    try:
        check_output(args.record, args.fps)
    except ValueError as exc:
        return str(exc).replace("fps must", "--fps must", 1)
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
