"""GUI fixtures: every test fails if an exception reached prmlab's hook (pytest-qt cannot see
exceptions in slots on PySide6 >= 6.5.2), panels are built in a minimal context."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QSettings, Qt

from prmlab.gui.excepthook import ExceptionHook
from prmlab.gui.jobs import JobMonitor, MainThreadGarbageCollector
from prmlab.gui.panels.base import PanelContext


@pytest.fixture(scope="session", autouse=True)
def gui_thread_gc(qapp):
    """As in the app: cyclic garbage (old widgets included) is collected on the GUI thread."""
    collector = MainThreadGarbageCollector()
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def app_look(qapp):
    """Each test starts from the default look (Fusion, the light theme, 11 pt fonts and
    pyqtgraph's colours): a test that left a bigger font, the dark theme or presenter fonts
    would otherwise change the layout, and so the view ranges and pixels, of later tests."""
    from prmlab.gui.theme import DEFAULT_POINT_SIZE, apply_app_theme

    apply_app_theme(qapp, "light", DEFAULT_POINT_SIZE)
    yield


@pytest.fixture(autouse=True)
def roomy_screen(monkeypatch):
    """Main windows open as on a screen with room for their default size: the offscreen
    screen is 800x800, and the GUI tests were written for the 1440x900 window a desktop
    gets (``test_first_window_size`` covers smaller screens)."""
    from prmlab.gui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "screen_room", lambda self: None)


@pytest.fixture(autouse=True)
def exception_hook(qapp):
    """Installs prmlab's hook; a test that let an exception escape into Qt fails."""
    hook = ExceptionHook(show_dialog=False).install()
    yield hook
    gc.collect()  # this test's widgets die here, on the GUI thread
    # What is still alive (modules and kernels loaded by the test, caches) is left out of
    # later collections, as the app does after its start-up: else each test's collection
    # scanned the whole grown heap again (~0.3 s a test, a tenth of the GUI tests' time)
    gc.freeze()
    hook.uninstall()
    assert not hook.errors, f"uncaught exceptions: {hook.errors}"


@pytest.fixture
def make_panel(qtbot):
    """``make_panel(PanelClass)`` -> a shown panel of 1280x800 with its own JobMonitor."""

    def make(cls, seed: int = 0):
        panel = cls(PanelContext(monitor=JobMonitor(), seed=seed))
        qtbot.addWidget(panel)  # closed (and its job awaited) at teardown
        panel.resize(1280, 800)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return make


@pytest.fixture
def wait_idle(qtbot):
    """``wait_idle(panel)`` waits until the panel's job has finished and its result is drawn
    (its equations too: the pane lays them out in a job of its own)."""

    def wait(panel, timeout: int = 30000) -> None:
        def idle() -> bool:
            return not (panel.job.running or panel.drawing() or panel.equations.busy())

        qtbot.waitUntil(idle, timeout=timeout)

    return wait


@pytest.fixture
def type_seed(qtbot):
    """``type_seed(panel, "123", key)`` types a seed into the panel's seed box as a user
    does, then presses ``key`` (Enter, Tab; None leaves it typed, not entered)."""

    def type_(panel, text: str, key=Qt.Key.Key_Return) -> None:
        edit = panel.seed_box.lineEdit()
        panel.seed_box.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, text)
        if key is not None:
            qtbot.keyClick(edit, key)

    return type_


@pytest.fixture
def drop_file():
    """``drop_file(widget, path)`` drops the local file ``path`` on ``widget``."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    def drop(widget, path) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        widget.dropEvent(event)

    return drop


@pytest.fixture
def main_window(qtbot, tmp_path):
    """The main window with throwaway settings, no warm-up and no demos (fast)."""
    from prmlab.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, warmup=False, autoload_demos=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
