"""Record (Ctrl+R): the figure, or the whole window, while the demo plays, to MP4 or GIF.

File > Record asks for the file, File > Record what chooses the figure or the whole window;
a red "● REC m:ss" in the status bar shows while recording, and floats in the top-right
corner of the window's central area while the status bar is hidden (presenter mode). Ctrl+R
works with the menu bar hidden too. Frames are taken at the playback's speed, at least
``LEAST_FPS`` (a pen stroke or the spotlight moves between steps) and at most 30
(``capture.Capture``).
"""

from __future__ import annotations

import math
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from prmlab.gui.recording.capture import Capture
from prmlab.gui.recording.encode import MAX_FPS, check_output, open_writer, unavailable_reason
from prmlab.gui.recording.headless import shown_playback

LEAST_FPS = 10
SHORTCUT = "Ctrl+R"
INDICATOR_STYLE = "color: white; background: #d00000; border-radius: 3px; padding: 0 6px;"
BADGE_MARGIN = 8  # px between the floating indicator and the central area's corner


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
        # an action only in a hidden menu bar's menu has no shortcut: the window's own too
        window.addAction(self.action)
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
        self.indicator = self._indicator()
        window.statusBar().addPermanentWidget(self.indicator)
        # the same, over the central area's corner, while the status bar is hidden
        self.badge = self._indicator(window.centralWidget())
        self.badge.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.capture: Capture | None = None  # from start until the file is complete
        self.path: Path | None = None
        window.installEventFilter(self)
        self._bar, self._area = window.statusBar(), window.centralWidget()
        self._bar.installEventFilter(self)  # hidden / shown: where the indicator is
        self._area.installEventFilter(self)  # resized: the badge's corner
        presenter = getattr(window, "presenter", None)
        if presenter is not None:
            presenter.sigActiveChanged.connect(self._presenting)

    def _indicator(self, parent: QWidget | None = None) -> QLabel:
        label = QLabel("● REC", parent)
        label.setStyleSheet(INDICATOR_STYLE)
        label.setToolTip(f"Recording: {SHORTCUT} stops")
        label.hide()
        return label

    def _presenting(self, active: bool) -> None:
        view = self.window.presenter.view  # the figure's window on the other screen
        if active and view is not None:
            view.addAction(self.action)  # Ctrl+R there too
        self._show_indicator()

    def _show_indicator(self) -> None:
        """The indicator in the status bar, or floating while the bar is hidden, while a
        recording runs or is being saved."""
        on = self.capture is not None
        self.indicator.setVisible(on)
        floating = on and self._bar.isHidden()
        if floating:
            self._place_badge()
            self.badge.raise_()
        self.badge.setVisible(floating)

    def _place_badge(self) -> None:
        self.badge.adjustSize()
        area = self._area.rect()
        self.badge.move(area.right() - self.badge.width() - BADGE_MARGIN, BADGE_MARGIN)

    def _set_indicator(self, text: str) -> None:
        self.indicator.setText(text)
        self.badge.setText(text)
        if self.badge.isVisible():
            self._place_badge()

    def _choice(self, menu, group: QActionGroup, text: str, checked: bool) -> QAction:
        action = QAction(text, self, checkable=True, checked=checked)
        group.addAction(action)
        menu.addAction(action)
        return action

    @property
    def recording(self) -> bool:
        return self.capture is not None and self.capture.grabbing

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
        panel = self.window.current_panel()
        if self.capture is not None:  # recording, or the last file still being finished
            panel.messages.warning(
                "A recording is running or still being saved: stop it (Ctrl+R) or wait a moment."
            )
            return False
        fps = live_fps(panel)
        try:
            self.path = check_output(path, fps)
            writer = open_writer(self.path, fps)
        except (ValueError, RuntimeError, OSError) as exc:
            panel.messages.error(f"Cannot record: {exc}")
            return False
        self.capture = Capture(writer, fps, self.target, parent=self)
        self.capture.sigClosed.connect(self._closed)
        self.capture.sigFailed.connect(self._failed)
        self.capture.sigGrabbed.connect(self._show_time)
        self._set_indicator("● REC 0:00")
        self._show_indicator()
        self.action.setText("Stop &recording")
        self.sigRecording.emit(True)
        return True

    def stop(self) -> None:
        """Stop grabbing; the indicator says "Saving…" until the file is complete."""
        if self.recording:
            self.capture.stop()
            self._set_indicator("● Saving…")

    def _show_time(self) -> None:
        seconds = int(self.capture.elapsed())
        self._set_indicator(f"● REC {seconds // 60}:{seconds % 60:02d}")

    def _closed(self, frames: int) -> None:
        fps = self.capture.fps
        self._finished()
        self.window.statusBar().showMessage(
            f"Recorded {frames} frames ({frames / fps:.1f} s) to {self.path}", 10000
        )

    def _failed(self, message: str) -> None:
        self._finished()
        self.window.current_panel().messages.error(f"Recording failed: {message}")

    def _finished(self) -> None:
        self.capture = None
        self._show_indicator()
        self.action.setText("&Record…")
        self.sigRecording.emit(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window:
            # closing the window while recording: the file is finished first, not left broken
            if kind == QEvent.Type.Close and self.capture is not None:
                self.capture.finish_now()
        elif not (shiboken6.isValid(self.badge) and shiboken6.isValid(self._bar)):
            pass  # the window is being destroyed
        elif watched is self._bar:
            if kind in (QEvent.Type.Show, QEvent.Type.Hide):
                self._show_indicator()
        elif kind == QEvent.Type.Resize and self.badge.isVisible():
            self._place_badge()
        return False
