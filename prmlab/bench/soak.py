"""``python -m prmlab.bench --soak [--minutes M]``: an hour in front of a class, compressed.

The real main window, offscreen, is driven round after round through every panel: its demo,
Play, drags of points (where a panel has a point editor), its heaviest job, a storm of panel
switches and the built-in data sets (Iris, Old Faithful, Wine) loaded into every panel. After
each round, once the app is idle, the process's resident memory and the live job workers are
counted. Memory settles after the first rounds (kernels compiled, caches filled); the soak
fails (exit code 1) if it then grows more than ``MAX_DRIFT_MB``, if workers stay alive, or if
an exception escaped.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_DRIFT_MB = 50.0
SETTLE_ROUNDS = 2  # memory is taken as settled after this many rounds (fewer in a short run)
DATASETS = ("Iris", "Old Faithful", "Wine")
PLAY_S = 1.5  # each playback plays this long
SWITCHES = 30  # panel switches per round
JOB_TIMEOUT_S = 180.0


@dataclass
class Sample:
    """The app, idle, after one round."""

    round: int
    elapsed_s: float
    rss_mb: float
    workers: int
    errors: int


def _return_free_heap() -> None:
    """Hand the heap's free pages back to the OS (glibc), so that resident memory counts what
    is in use: freed arrays of a heavy job otherwise stay resident in whichever thread's
    arena held them, and the figure swung by ~50 MB from round to round with no leak."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and name:
        libc = ctypes.CDLL(name)
        if hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)


def resident_mb() -> float:
    """This process's resident memory in MB (Linux: now, after returning free heap pages;
    elsewhere: the peak so far)."""
    _return_free_heap()
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux, B on macOS
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def live_workers() -> int:
    """Job workers still alive, after a collection."""
    from prmlab.gui.jobs import _JobWorker

    gc.collect()
    # type(), not isinstance(): isinstance reads __class__, which raises on a dead weakref proxy
    return sum(issubclass(type(o), _JobWorker) for o in gc.get_objects())


def _pump(seconds: float) -> None:
    """Let the event loop run for ``seconds``."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def _idle(panel) -> None:
    from prmlab.gui.app import wait_until_idle

    if not wait_until_idle(panel, JOB_TIMEOUT_S, settle_s=0.2):
        print(f"  {panel.name}: still busy after {JOB_TIMEOUT_S:.0f} s; going on", flush=True)


def _drag_points(panel) -> None:
    """Drag the right-most point of the panel's point editor left and back, as a mouse does,
    then undo the gesture (the data stay the same from round to round)."""
    from prmlab.bench.ui import PointDrag
    from prmlab.gui.widgets.point_editor import PointEditor

    editor = getattr(panel, "editor", None)
    if not isinstance(editor, PointEditor) or len(editor.points) == 0:
        return
    drag = PointDrag(editor)
    drag.press()
    for k in (*range(1, 11), *range(9, -1, -1)):
        drag.move_to(-k * drag.span / 40)
        _pump(0.02)
    drag.release()
    _idle(panel)
    panel.undo_stack.undo()
    _idle(panel)


def _play(panel) -> None:
    from prmlab.gui.widgets.playback import Playback

    for playback in panel.findChildren(Playback):
        playback.play()
        _pump(PLAY_S)
        playback.pause()
        _idle(panel)


def one_round(window) -> dict[str, float]:
    """Every panel: demo, Play, drags, heavy job; then switches and data set loads. Returns
    the seconds each part took."""
    from prmlab.gui.panels import PANEL_NAMES

    seconds: dict[str, float] = {}
    for name in PANEL_NAMES:
        start = time.monotonic()
        panel = window.show_panel(name)
        panel.load_demo()
        _idle(panel)
        _play(panel)
        _drag_points(panel)
        panel.heavy_job()
        _idle(panel)
        seconds[name] = time.monotonic() - start
    start = time.monotonic()
    for k in range(SWITCHES):
        window.show_panel(PANEL_NAMES[k % len(PANEL_NAMES)])
        _pump(0.01)
    for key in DATASETS:
        window.load_builtin(key)
        for name in PANEL_NAMES:
            _idle(window.panel(name))
    seconds["switches+loads"] = time.monotonic() - start
    return seconds


def soak(minutes: float = 10.0, report: Callable[[str], None] = print) -> int:
    """Run rounds until ``minutes`` have passed (the last round is finished); 0 if memory and
    workers stayed flat after settling and nothing escaped, else 1."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from prmlab.gui.excepthook import ExceptionHook
    from prmlab.gui.jobs import MainThreadGarbageCollector
    from prmlab.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    hook = ExceptionHook(show_dialog=False).install()
    collector = MainThreadGarbageCollector(app)
    with tempfile.TemporaryDirectory() as tmp:  # the user's settings stay as they are
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, warmup=False, autoload_demos=False)
        window.resize(1280, 800)
        window.show()
        collector.freeze()
        report(
            f"soak: {minutes:g} min; each round, every panel: demo, Play, drags, heavy job; "
            f"{SWITCHES} switches; loads of {', '.join(DATASETS)}"
        )
        report(f"{'round':>5} {'time_s':>8} {'rss_mb':>9} {'workers':>8} {'errors':>7}")
        samples: list[Sample] = []
        start = time.monotonic()
        while not samples or time.monotonic() - start < 60 * minutes:
            seconds = one_round(window)
            _pump(0.5)
            s = Sample(
                len(samples) + 1,
                time.monotonic() - start,
                resident_mb(),
                live_workers(),
                len(hook.errors),
            )
            samples.append(s)
            parts = " ".join(f"{k} {v:.0f}s" for k, v in seconds.items())
            report(
                f"{s.round:>5} {s.elapsed_s:>8.1f} {s.rss_mb:>9.1f} {s.workers:>8} {s.errors:>7}"
                f"   ({parts})"
            )
        window.close()
    hook.uninstall()
    collector.stop()
    return verdict(samples, report)


def verdict(samples: list[Sample], report: Callable[[str], None] = print) -> int:
    """Print the settled memory, the largest drift after it and the workers; 0 if flat."""
    failed = False
    if len(samples) < 2:
        report("only 1 round: run longer to see memory after settling")
    else:
        # a short soak takes the round before its last as the settled one
        settled = samples[min(SETTLE_ROUNDS, len(samples) - 1) - 1]
        later = samples[settled.round :]
        drift = max(s.rss_mb for s in later) - settled.rss_mb
        end_drift = later[-1].rss_mb - settled.rss_mb
        report(
            f"memory settled at {settled.rss_mb:.1f} MB (round {settled.round}); after it: "
            f"max drift {drift:+.1f} MB, at the end {end_drift:+.1f} MB "
            f"(limit {MAX_DRIFT_MB:.0f} MB)"
        )
        if drift > MAX_DRIFT_MB:
            failed = True
            report("FAIL: memory grew")
        if max(s.workers for s in later) > settled.workers:
            failed = True
            report("FAIL: live workers grew")
    report(f"live workers: {' '.join(str(s.workers) for s in samples)}")
    if samples[-1].errors:
        failed = True
        report(f"FAIL: {samples[-1].errors} exception(s) escaped (see the log above)")
    report("FAIL" if failed else "PASS")
    return 1 if failed else 0
