"""The main window: a tab per registered panel, menus, status bar with progress and Cancel,
settings.

A panel is built when its tab is first shown: importing and building all six took most of the
start-up (their modules pull in Numba, SciPy and the engine). The window's parts each have a
module: menus and look (``window_menus``), the status bar (``window_status``), data in
(``window_data``), export (``window_export``), sessions (``sessions``); features such as
presenter mode plug in through ``window_features`` with no edit here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from prmlab import __version__
from prmlab.engine.warmup import WarmupStep, warmup_all, warmup_order
from prmlab.gui import theme
from prmlab.gui.jobs import Job, JobMonitor, shutdown_jobs
from prmlab.gui.panels import PANELS, panel_class
from prmlab.gui.panels.base import BasePanel, PanelContext
from prmlab.gui.sessions import Sessions
from prmlab.gui.settings import SavedSettings, read_last_dir, read_settings
from prmlab.gui.widgets.equations import FoldSetting
from prmlab.gui.window_data import CSV_SUFFIXES, DataMixin
from prmlab.gui.window_export import ExportMixin
from prmlab.gui.window_features import install_features
from prmlab.gui.window_menus import MenusMixin
from prmlab.gui.window_status import STATUS_DELAY_MS, StatusBarMixin
from prmlab.lab.session import Session

__all__ = ["CLOSE_WAIT_S", "CSV_SUFFIXES", "STATUS_DELAY_MS", "MainWindow", "PanelSlot"]

log = logging.getLogger("prmlab")
CLOSE_WAIT_S = 1.0  # closing waits this long for workers, then leaves them to the exit
WARMUP_POLL_MS = 20  # how often the warm-up looks whether the first demo is drawn
DEFAULT_SIZE = QSize(1440, 900)  # a first start's window, where the screen has the room


def first_size(room: QSize | None) -> tuple[QSize, bool]:
    """A first start's window size on a screen whose free area is ``room`` (None: unknown),
    and whether to maximise it: a projector at 1024x768 has no room for the default, which
    ran off its edges."""
    if room is None or (
        room.width() >= DEFAULT_SIZE.width() and room.height() >= DEFAULT_SIZE.height()
    ):
        return DEFAULT_SIZE, False
    return DEFAULT_SIZE.boundedTo(room), True


class PanelSlot(QWidget):
    """A tab's page: empty until its panel is built (when the tab is first shown)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.panel: BasePanel | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, panel: BasePanel) -> None:
        self.panel = panel
        self._layout.addWidget(panel)
        panel.show()  # a child added to a page on screen stays hidden until shown


class MainWindow(MenusMixin, StatusBarMixin, DataMixin, ExportMixin, QMainWindow):
    """Holds the panels; routes menus, data and the status bar to the current one."""

    def __init__(
        self,
        *,
        settings: QSettings | None = None,
        seed: int = 0,
        start_panel: str | None = None,
        warmup: bool = True,
        autoload_demos: bool = True,
        warmup_job: Job | None = None,
        session: Session | None = None,
        stored_look: bool = True,
        notes: bool = True,
    ) -> None:
        """``session``: shown instead of the demos of its panels (``SessionError`` if bad);
        ``stored_look=False`` (screenshot and session modes): the default theme, font size
        and geometry, not the user's, and none written back; ``notes=False``: no transient
        status notes (screenshots)."""
        super().__init__()
        self.settings = settings if settings is not None else QSettings("prmlab", "prmlab")
        self.setWindowTitle(f"prmlab {__version__}: a visual lab for pattern recognition")
        self.setAcceptDrops(True)
        self.monitor = JobMonitor(self)
        self.context = PanelContext(monitor=self.monitor, seed=seed)
        self.autoload_demos = autoload_demos
        self.shut_down = False  # once set, no warm-up starts (a timer could fire after it)
        self._demo_loaded: set[str] = set()
        self.stored_look = stored_look
        self.sessions = Sessions(self, self.settings, notes=notes)
        # the whiteboard panes' fold, one for all panels (a screenshot shows them unfolded)
        self.board_fold = FoldSetting(self.settings) if stored_look else None

        self.undo_group = QUndoGroup(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.panels: dict[str, BasePanel] = {}  # the panels built so far
        self.slots = {name: PanelSlot(name) for name in PANELS}
        for name, slot in self.slots.items():
            self.tabs.addTab(slot, PANELS[name].title)
        self.setCentralWidget(self.tabs)

        # a warm-up the app started before this window (the first panel's kernels) goes on
        self.warmup_job = warmup_job or Job(self, label="Preparing kernels")
        self._build_status_bar()
        self._build_menus()
        install_features(self)
        saved = read_settings(self.settings)
        self._restore_settings(saved)
        if session is not None:
            self.sessions.apply(session)
        self.tabs.currentChanged.connect(self._panel_changed)
        shown = session.current if session is not None and session.current else saved.panel
        first = start_panel if start_panel in self.slots else shown
        self.tabs.setCurrentWidget(self.slots[first])
        self._panel_changed(self.tabs.currentIndex())

        self.warmup_job.monitor = self.monitor  # shown in the status bar from now on
        if self.warmup_job.running:
            self.monitor.started(self.warmup_job)
        if warmup and first in self._demo_loaded:
            # The demo loads the kernels it needs itself; the others wait until it is drawn,
            # as loading them holds the GIL and the cores the demo needs (start-up time).
            self.panels[first].sigRunFinished.connect(
                lambda: self._warm_up_when_drawn(first), Qt.ConnectionType.SingleShotConnection
            )
        elif warmup:
            self._warm_up(first)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- panels -----------------------------------------------------------------------
    def current_panel(self) -> BasePanel:
        return self.panel(self.tabs.currentWidget().name)

    def show_panel(self, name: str) -> BasePanel:
        self.tabs.setCurrentWidget(self.slots[name])
        return self.panel(name)

    def panel(self, name: str) -> BasePanel:
        """The panel ``name``, built on first use (a data set builds every panel: each is
        handed it then, so a panel built later never misses one)."""
        panel = self.slots[name].panel
        if panel is None:
            panel = panel_class(name)(self.context)
            self.slots[name].hold(panel)
            self.panels[name] = panel
            self.undo_group.addStack(panel.undo_stack)
            theme.style_plots(panel, self.theme, self.font_size)
            if self.board_fold is not None:
                self.board_fold.add(panel.equations)
            self.sessions.built(panel)
        return panel

    def _panel_changed(self, index: int) -> None:
        slot = self.tabs.widget(index)
        if slot is None:
            return
        panel = self.panel(slot.name)
        self.undo_group.setActiveStack(panel.undo_stack)
        if self.autoload_demos and panel.name not in self._demo_loaded:
            self._demo_loaded.add(panel.name)
            if self.isVisible():
                panel.load_demo()
            else:  # at start-up: once shown, so the demo is fitted to the view's final size
                QTimer.singleShot(0, panel.load_demo)

    def _warm_up_when_drawn(self, first: str) -> None:
        """``_warm_up(first)`` once panel ``first`` has drawn its result: its drawing turns
        and its whiteboard's typesetting come after its run, and a warm-up beside them took
        their GIL (a playing demo does not hold it back: it may play for minutes)."""
        panel = self.panels[first]
        if panel.job.running or panel.drawing() or panel.equations.busy():
            QTimer.singleShot(WARMUP_POLL_MS, self, lambda: self._warm_up_when_drawn(first))
        else:
            self._warm_up(first)

    def _warm_up(self, first: str) -> None:
        """Load (or compile, on a first start) every kernel, those of panel ``first`` first."""
        if self.shut_down:  # a warm-up started then outlived the window's objects at exit
            return
        self.warmup_job.run(
            warmup_all,
            warmup_order(PANELS[first].topics),
            on_step=self._warmup_step,
            on_error=lambda msg: self.statusBar().showMessage(f"Warm-up failed: {msg}", 10000),
        )

    def _warmup_step(self, step: WarmupStep) -> None:
        if step.topic:
            title = next(e.title for e in PANELS.values() if step.topic in e.topics)
            self.warmup_job.label = f"Preparing kernels for {title} ({step.done + 1}/{step.total})…"
            self._update_status()

    # -- settings and shutdown ------------------------------------------------------------
    def _last_dir(self) -> str:
        return read_last_dir(self.settings)

    def _remember_dir(self, path: str) -> None:
        self.settings.setValue("last_dir", str(Path(path).resolve().parent))

    def _restore_settings(self, saved: SavedSettings) -> None:
        if not self.stored_look:  # the same pixels on every machine
            saved = SavedSettings(None, "light", theme.DEFAULT_POINT_SIZE, saved.panel, "")
        if saved.geometry is None or not self.restoreGeometry(saved.geometry):
            if saved.geometry is not None:
                log.warning(
                    "Settings: ignored geometry = %.80r (Qt cannot read it); "
                    "a good value is written on quit",
                    bytes(saved.geometry),
                )
            size, maximise = first_size(self.screen_room() if self.stored_look else None)
            self.resize(size)
            if maximise:
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.theme = saved.theme
        self.dark_action.setChecked(self.theme == "dark")
        self.set_font_size(saved.font_size)

    def screen_room(self) -> QSize | None:
        """The free area of the screen the window opens on (None: no screen)."""
        screen = self.screen() or QApplication.primaryScreen()
        return None if screen is None else screen.availableGeometry().size()

    def save_settings(self) -> None:
        if self.stored_look:  # a screenshot's look is not the user's
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("theme", self.theme)
            self.settings.setValue("font_size", self.font_size)
        self.settings.setValue("panel", self.tabs.currentWidget().name)
        self.settings.setValue("last_dir", self._last_dir())
        self.settings.sync()

    def shutdown(self) -> None:
        """Cancel every job and wait for their workers, ``CLOSE_WAIT_S`` at most in all: work
        that cannot be interrupted (a compile, a kernel) ends with the process."""
        self.shut_down = True
        self.monitor.cancel_all()
        jobs = [panel.job for panel in self.panels.values()] + [self.warmup_job]
        shutdown_jobs(jobs, CLOSE_WAIT_S)
        for panel in self.panels.values():
            panel.shutdown()  # playbacks and drawing stop; their jobs are already ended

    def closeEvent(self, event) -> None:
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)
