"""Grabbing a widget at a steady frame rate while the GUI runs, encoded off the GUI thread.

A timer grabs the target widget on the GUI thread (``QWidget.grab``, overlays included) and
hands the pixels to a ``BackgroundWriter``. A figure is not painted twice for it: while
recorded it keeps what it paints as a frame (``Figure.keep_frame``), read as it is, and an
unchanged frame is not read again. A tick the GUI thread was too busy to serve repeats the
last frame, so the video keeps real time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from prmlab.gui.recording.background import BackgroundWriter
from prmlab.gui.recording.encode import FrameWriter
from prmlab.gui.recording.grab import grab_rgb, kept_frame_rgb
from prmlab.gui.widgets.figure import Figure


class Capture(QObject):
    """Records ``target()`` into ``writer`` at ``fps`` from construction until ``stop``.

    ``sigGrabbed``: a frame was taken; ``sigClosed(frames)``: the file is complete;
    ``sigFailed(message)``: encoding failed.
    """

    sigGrabbed = Signal()  # a frame was taken
    sigClosed = Signal(int)
    sigFailed = Signal(str)

    def __init__(
        self,
        writer: FrameWriter,
        fps: float,
        target: Callable[[], QWidget],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.fps = fps
        self._target = target
        self._output = BackgroundWriter(
            writer, on_closed=self.sigClosed.emit, on_error=self._failed, parent=self
        )
        self.frames = 0
        self._kept: Figure | None = None  # the target figure keeping its frames
        self._last: tuple[int, np.ndarray] | None = None  # its frame's serial, the pixels
        self._started = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._capture)
        self._timer.start(max(1, round(1000 / fps)))
        self._capture()

    @property
    def grabbing(self) -> bool:
        return self._timer.isActive()

    def elapsed(self) -> float:
        """Seconds since the recording started."""
        return time.monotonic() - self._started

    def stop(self) -> None:
        """Stop grabbing; the file is finished in the worker (``sigClosed``)."""
        if self.grabbing:
            self._timer.stop()
            self._keep(None)
            self._output.close()

    def finish_now(self) -> None:
        """Stop and finish the file on this thread (the window is closing)."""
        self._timer.stop()
        self._keep(None)
        self._output.finish_now()

    def _keep(self, figure: Figure | None) -> None:
        """Let ``figure`` (None: none) keep its frames, the one before paint directly again."""
        if figure is self._kept:
            return
        if self._kept is not None and shiboken6.isValid(self._kept):
            self._kept.keep_frame(False)
        self._kept, self._last = figure, None
        if figure is not None:
            figure.keep_frame(True)

    def _grab(self) -> np.ndarray:
        target = self._target()
        self._keep(target if isinstance(target, Figure) else None)
        if self._kept is None:
            return grab_rgb(target)
        serial = self._kept.frame_serial
        if self._last is None or self._last[0] != serial:
            self._last = serial, kept_frame_rgb(self._kept)
        return self._last[1]

    def _capture(self) -> None:
        due = math.floor(self.elapsed() * self.fps) + 1 - self.frames
        if due <= 0:
            return
        frame = self._grab()
        for _ in range(due):  # a late tick repeats the frame: the video keeps real time
            self._output.add(frame)
        self.frames += due
        self.sigGrabbed.emit()

    def _failed(self, message: str) -> None:
        self._timer.stop()
        self._keep(None)
        self.sigFailed.emit(message)
