"""Record (Ctrl+R): the figure, or the whole window, while the demo plays, to MP4 or GIF.

Frames are grabbed on the GUI thread by a timer at the playback's speed (at least
``LEAST_FPS``: a pen stroke or the spotlight moves between steps; at most 30) and encoded in a
worker (``BackgroundWriter``). A tick the GUI thread was too busy to serve repeats the last
frame, so the video keeps real time. A red "● REC" in the status bar shows while recording.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from prmlab.gui.recording.background import BackgroundWriter
from prmlab.gui.recording.encode import MAX_FPS, check_output, open_writer, unavailable_reason
from prmlab.gui.recording.grab import grab_rgb
from prmlab.gui.recording.headless import shown_playback

LEAST_FPS = 10
SHORTCUT = "Ctrl+R"
INDICATOR_STYLE = "color: white; background: #d00000; border-radius: 3px; padding: 0 6px;"


def live_fps(panel) -> int:
    """Frames a second for recording ``panel``: its playback's speed within
    [``LEAST_FPS``, 30]."""
    speed = float(shown_playback(panel).speed.value()) if panel._playbacks else LEAST_FPS
    return int(min(MAX_FPS, max(LEAST_FPS, math.ceil(speed))))


class Recorder(QObject):
    """File > Record (Ctrl+R), File > Record what (figure / whole window), the indicator."""

    sigRecording = Signal(bool)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        file = window.menu("file")
        self.action = window.add_action(file, "&Record…", self.toggle, SHORTCUT)
        what = file.addMenu("Record &what")
        group = QActionGroup(self)
        self.figure_action = self._choice(what, group, "The &figure", True)
        self.window_action = self._choice(what, group, "The whole &window", False)
        self.unavailable = unavailable_reason()
        if self.unavailable:  # the app works on; the item says why it cannot
            self.action.setEnabled(False)
            self.action.setToolTip(self.unavailable)
            self.action.setStatusTip(self.unavailable)
            file.setToolTipsVisible(True)
        self.indicator = QLabel("● REC")
        self.indicator.setStyleSheet(INDICATOR_STYLE)
        self.indicator.setToolTip(f"Recording: {SHORTCUT} stops")
        self.indicator.hide()
        window.statusBar().addPermanentWidget(self.indicator)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._capture)
        self._output: BackgroundWriter | None = None
        self._started = 0.0
        self._frames = 0
        self.fps = LEAST_FPS
        self.path: Path | None = None
        window.installEventFilter(self)

    def _choice(self, menu, group: QActionGroup, text: str, checked: bool) -> QAction:
        action = QAction(text, self, checkable=True, checked=checked)
        group.addAction(action)
        menu.addAction(action)
        return action

    @property
    def recording(self) -> bool:
        return self._timer.isActive()

    def target(self) -> QWidget:
        """What is recorded: the shown panel's figure, or the whole window."""
        if self.window_action.isChecked():
            return self.window
        return self.window.current_panel().figure

    def toggle(self) -> None:
        """Stop recording, or ask for a file and start."""
        if self.recording:
            self.stop()
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Record to", "demo.mp4", "MP4 video (*.mp4);;GIF animation (*.gif)"
        )
        if path:
            self.start(path)

    def start(self, path: str | Path) -> bool:
        """Start recording to ``path`` (.mp4 or .gif); a bad path is said in the panel's
        message bar and nothing starts. Returns whether it started."""
        if self.recording or self._output is not None:
            return False
        panel = self.window.current_panel()
        fps = live_fps(panel)
        try:
            self.path = check_output(path, fps)
            writer = open_writer(self.path, fps)
        except (ValueError, RuntimeError, OSError) as exc:
            panel.messages.error(f"Cannot record: {exc}")
            return False
        self.fps = fps
        self._output = BackgroundWriter(
            writer, on_closed=self._closed, on_error=self._failed, parent=self
        )
        self._frames = 0
        self._started = time.monotonic()
        self._timer.start(max(1, round(1000 / fps)))
        self.indicator.setText("● REC 0:00")
        self.indicator.show()
        self.action.setText("Stop &recording")
        self._capture()
        self.sigRecording.emit(True)
        return True

    def stop(self) -> None:
        """Stop grabbing; the file is finished in the worker (the indicator says so)."""
        if not self.recording:
            return
        self._timer.stop()
        self.indicator.setText("● Saving…")
        self._output.close()

    def _capture(self) -> None:
        elapsed = time.monotonic() - self._started
        due = math.floor(elapsed * self.fps) + 1 - self._frames
        if due <= 0:
            return
        frame = grab_rgb(self.target())
        for _ in range(due):  # a late tick repeats the frame: the video keeps real time
            self._output.add(frame)
        self._frames += due
        self.indicator.setText(f"● REC {int(elapsed) // 60}:{int(elapsed) % 60:02d}")

    def _closed(self, frames: int) -> None:
        self._output = None
        self._finished()
        seconds = frames / self.fps
        self.window.statusBar().showMessage(
            f"Recorded {frames} frames ({seconds:.1f} s) to {self.path}", 10000
        )

    def _failed(self, message: str) -> None:
        self._timer.stop()
        self._output = None
        self._finished()
        self.window.current_panel().messages.error(f"Recording failed: {message}")

    def _finished(self) -> None:
        self.indicator.hide()
        self.action.setText("&Record…")
        self.sigRecording.emit(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # closing the window while recording: the file is finished first, not left broken
        if event.type() == QEvent.Type.Close and self._output is not None:
            self._timer.stop()
            self._output.finish_now()
        return False
