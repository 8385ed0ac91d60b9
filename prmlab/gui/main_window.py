"""The main window: six panels as tabs, menus, status bar with progress and Cancel, settings.

A panel is built when its tab is first shown: importing and building all six took most of the
start-up (their modules pull in Numba, SciPy and the engine).
"""

from __future__ import annotations

import inspect
import logging
import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import QSettings, Qt, QTimer, qVersion
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from prmlab import __version__
from prmlab.data import Dataset, DatasetError
from prmlab.data.builtin import BUILTIN
from prmlab.engine.warmup import WarmupStep, warmup_all, warmup_order
from prmlab.gui import theme
from prmlab.gui.jobs import Job, JobMonitor, shutdown_jobs
from prmlab.gui.panels import PANEL_NAMES, PANELS, panel_class
from prmlab.gui.panels.base import BasePanel, PanelContext
from prmlab.gui.sessions import Sessions, is_session_file
from prmlab.gui.settings import SavedSettings, read_last_dir, read_settings
from prmlab.gui.widgets.text import elide
from prmlab.lab.session import Session

log = logging.getLogger("prmlab")
# compressed tables too (prmlab.data.csv reads gzip, bzip2, xz and one-file ZIPs)
CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".bz2", ".xz", ".zip")
TABLE_FILTER = f"Tables ({' '.join('*' + s for s in CSV_SUFFIXES)})"
STATUS_DELAY_MS = 250  # a job shows in the status bar once it has run this long
CLOSE_WAIT_S = 1.0  # closing waits this long for workers, then leaves them to the exit


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


class MainWindow(QMainWindow):
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
        self._demo_loaded: set[str] = set()
        self.stored_look = stored_look
        self.sessions = Sessions(self, self.settings, notes=notes)

        self.undo_group = QUndoGroup(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.panels: dict[str, BasePanel] = {}  # the panels built so far
        self.slots = {name: PanelSlot(name) for name in PANEL_NAMES}
        for name, slot in self.slots.items():
            self.tabs.addTab(slot, PANELS[name].title)
        self.setCentralWidget(self.tabs)

        # a warm-up the app started before this window (the first panel's kernels) goes on
        self.warmup_job = warmup_job or Job(self, label="Preparing kernels")
        self._build_status_bar()
        self._build_menus()
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
                lambda: self._warm_up(first), Qt.ConnectionType.SingleShotConnection
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

    def _warm_up(self, first: str) -> None:
        """Load (or compile, on a first start) every kernel, those of panel ``first`` first."""
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

    # -- menus ------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open CSV…", lambda: self.open_csv(), QKeySequence.StandardKey.Open)
        builtin = file.addMenu("&Built-in data")
        for key in BUILTIN:
            self._action(builtin, key, lambda _=False, k=key: self.load_builtin(k))
        file.addSeparator()
        self.sessions.add_actions(file)
        file.addSeparator()
        self._action(file, "Export &figure (PNG/SVG)…", lambda: self.export_figure(), "Ctrl+E")
        self._action(file, "Export &results as CSV…", lambda: self.export_results(), "Ctrl+Shift+E")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addActions([undo, redo])

        view = bar.addMenu("&View")
        for i, name in enumerate(PANEL_NAMES):
            self._action(
                view,
                PANELS[name].title,
                lambda _=False, n=name: self.show_panel(n),
                f"Ctrl+{i + 1}",
            )
        view.addSeparator()
        self.dark_action = self._action(
            view,
            "&Dark theme",
            lambda on: self.set_theme("dark" if on else "light"),
            checkable=True,
        )
        self._action(
            view, "&Bigger fonts", lambda: self.set_font_size(self.font_size + 2), "Ctrl+="
        )
        self._action(
            view, "&Smaller fonts", lambda: self.set_font_size(self.font_size - 2), "Ctrl+-"
        )
        self._action(view, "&Full screen", self.toggle_full_screen, "F11")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About prmlab", self.about)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.job_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel (Esc)")
        self.cancel_button.clicked.connect(self.monitor.cancel_newest)
        # the data set the panels hold: changed only by a load some panel took, so a failed
        # load (a bad file, data no panel can use) leaves the shape of the current data
        self.data_label = QLabel()
        for w in (self.data_label, self.job_label, self.progress, self.cancel_button):
            status.addPermanentWidget(w)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.monitor.cancel_newest)
        # Shown only for a job still running after a moment: a drag's refits come and go
        # 30 times a second, and showing and hiding these relaid out the status bar each time.
        self._status_shown = True
        self._status_delay = QTimer(self, singleShot=True, interval=STATUS_DELAY_MS)
        self._status_delay.timeout.connect(lambda: self._show_status(bool(self.monitor.running)))
        self.monitor.sigChanged.connect(self._update_status)
        self._update_status()

    def _show_status(self, on: bool) -> None:
        if on != self._status_shown:
            self._status_shown = on
            for w in (self.job_label, self.progress, self.cancel_button):
                w.setVisible(on)

    def _update_status(self) -> None:
        running = bool(self.monitor.running)
        label = self.monitor.label()
        if self.warmup_job in self.monitor.running[:-1]:  # say why the newest job may wait
            label += f" · {self.warmup_job.label}"
        self.job_label.setText(f"Running: {label}" if running else "")
        if not running:
            self._status_delay.stop()
            self._show_status(False)
        elif not self._status_shown and not self._status_delay.isActive():
            self._status_delay.start()
        if self.monitor.progress is None:
            self.progress.setRange(0, 0)  # busy indicator
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(self.monitor.progress * 1000))

    # -- data -------------------------------------------------------------------------
    def open_csv(self, path: str | None = None) -> Dataset | None:
        """Show the CSV dialog (asking for a file first when ``path`` is None)."""
        from prmlab.gui.widgets.csv_dialog import CsvDialog

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open CSV", self._last_dir(), f"{TABLE_FILTER};;All files (*)"
            )
            if not path:
                return None
        self._remember_dir(path)
        dialog = CsvDialog(path, self)
        if not dialog.exec() or dialog.dataset is None:
            return None
        self.set_dataset(dialog.dataset)
        return dialog.dataset

    def load_data_file(self, path: str) -> Dataset | None:
        """Load a CSV without the dialog (``--data``); a failure is shown, data stay as they were."""
        from prmlab.data.csv import load_csv

        try:
            dataset = load_csv(path)
        except DatasetError as exc:
            self.current_panel().messages.error(f"Could not load {path}: {exc}")
            return None
        self.set_dataset(dataset)
        return dataset

    def load_builtin(self, key: str) -> None:
        """Open a built-in dataset; generated ones use the session's seed (``--seed``)."""
        make = BUILTIN[key]
        seeded = "seed" in inspect.signature(make).parameters
        self.set_dataset(make(seed=self.context.seed) if seeded else make())

    def set_dataset(self, dataset: Dataset) -> None:
        """Hand ``dataset`` to every panel (each built now if it was not); the current panel's
        message bar says which took it and which could not, and why."""
        refused: dict[str, str] = {}
        for name in PANEL_NAMES:
            panel = self.panel(name)
            self._demo_loaded.add(name)  # the user's data replaces the demo
            why = _refusal(panel, dataset)
            if why:
                refused[PANELS[name].title] = why
        self._say_who_took(dataset, refused)
        if len(refused) < len(PANEL_NAMES):
            self._show_data_shape(dataset)

    def _show_data_shape(self, dataset: Dataset) -> None:
        classes = f", {len(dataset.class_names)} classes" if dataset.y is not None else ""
        self.data_label.setText(
            f"{dataset.name or 'Data'}: {dataset.n_samples:,} rows × {dataset.n_features} "
            f"features{classes}"
        )

    def _say_who_took(self, dataset: Dataset, refused: dict[str, str]) -> None:
        took = [e.title for e in PANELS.values() if e.title not in refused]
        text = f"{dataset.name or 'The data'} is in {', '.join(took) or 'no panel'}."
        if refused:
            text += " Not used by " + "; ".join(f"{t} ({why})" for t, why in refused.items())
        if dataset.notes:  # what the loader detected, skipped and dropped: said here too
            text += (". " if refused else " ") + dataset.notes_text()
        panel = self.current_panel()
        if panel.title in refused:
            panel.messages.error(text)
        else:
            panel.messages.note(text)

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            if is_session_file(path):
                self.sessions.open(path)
            else:
                self.open_csv(path)

    @staticmethod
    def _dropped_file(event) -> str | None:
        """The first dropped local table or session file."""
        for url in event.mimeData().urls():
            path = url.toLocalFile() if url.isLocalFile() else ""
            if path.lower().endswith(CSV_SUFFIXES) or is_session_file(path):
                return path
        return None

    # -- export -----------------------------------------------------------------------
    def export_figure(self, path: str | None = None) -> Path | None:
        from prmlab.gui.widgets.export import export_figure, figure_filter  # pandas: not at start

        panel = self.current_panel()
        if path is None:
            suggested = str(Path(self._last_dir()) / f"{panel.name}.png")
            path, _ = QFileDialog.getSaveFileName(self, "Export figure", suggested, figure_filter())
            if not path:
                return None
        panel.hide_transient()  # a hover tooltip describes the mouse, not the figure
        try:
            written = export_figure(panel.figure, path)
        except (OSError, RuntimeError) as exc:
            panel.messages.error(f"Could not write the figure: {exc}")
            return None
        self._remember_dir(str(written))
        self.statusBar().showMessage(f"Figure written to {elide(str(written), 120)}", 8000)
        return written

    def export_results(self, path: str | None = None) -> Path | None:
        from prmlab.gui.widgets.export import export_results

        panel = self.current_panel()
        frame = panel.results_frame()
        if frame is None:
            panel.messages.note("Nothing to export yet: run the panel first.")
            return None
        if path is None:
            suggested = str(Path(self._last_dir()) / f"{panel.name}-results.csv")
            path, _ = QFileDialog.getSaveFileName(self, "Export results", suggested, "CSV (*.csv)")
            if not path:
                return None
        try:
            written = export_results(frame, path)
        except OSError as exc:
            panel.messages.error(f"Could not write the results: {exc}")
            return None
        self._remember_dir(str(written))
        self.statusBar().showMessage(f"Results written to {elide(str(written), 120)}", 8000)
        return written

    # -- view -------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        self.theme = name
        self.dark_action.setChecked(name == "dark")
        self._apply_look()

    def set_font_size(self, size: int) -> None:
        self.font_size = int(min(max(size, theme.MIN_POINT_SIZE), theme.MAX_POINT_SIZE))
        self._apply_look()

    def _apply_look(self) -> None:
        app = QApplication.instance()
        if app is not None:
            theme.apply_app_theme(app, self.theme, self.font_size)
        theme.style_plots(self, self.theme, self.font_size)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def about(self) -> None:
        import numba
        import numpy as np

        QMessageBox.about(
            self,
            "About prmlab",
            f"<h3>prmlab {__version__}</h3>"
            "<p>A visual lab for classic pattern recognition.</p>"
            f"<p>Qt {qVersion()} (PySide6 {PySide6.__version__})<br>"
            f"NumPy {np.__version__}<br>Numba {numba.__version__}<br>"
            f"Python {sys.version.split()[0]}</p>",
        )

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
            self.resize(1440, 900)
        self.theme = saved.theme
        self.dark_action.setChecked(self.theme == "dark")
        self.set_font_size(saved.font_size)

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
        self.monitor.cancel_all()
        jobs = [panel.job for panel in self.panels.values()] + [self.warmup_job]
        shutdown_jobs(jobs, CLOSE_WAIT_S)
        for panel in self.panels.values():
            panel.shutdown()  # playbacks and drawing stop; their jobs are already ended

    def closeEvent(self, event) -> None:
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)


def _refusal(panel: BasePanel, dataset: Dataset) -> str:
    """Hand ``dataset`` to ``panel``; why it could not take it ("" if it did).

    A panel refuses data with an error in its message bar, or (by default) does not use
    tables at all.
    """
    if type(panel).set_dataset is BasePanel.set_dataset:
        return "it does not use table data"
    panel.messages.clear()  # a message of the old data is not this one's answer
    panel.set_dataset(dataset)
    return panel.messages.text() if panel.messages.level() == "error" else ""
