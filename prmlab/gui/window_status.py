"""The main window's status bar: the data set the panels hold, and the newest running job
(its label, progress and Cancel), shown once it has run a moment."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

STATUS_DELAY_MS = 250  # a job shows in the status bar once it has run this long


class StatusBarMixin:
    """``MainWindow``'s status bar part; needs ``self.monitor`` and ``self.warmup_job``."""

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
