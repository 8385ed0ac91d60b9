"""A frame writer fed on the GUI thread and run in a worker: ``add`` only queues a frame;
a ``Job`` drains the queue into PyAV (which releases the GIL while FFmpeg encodes) and holds
no pool thread while the queue is empty."""

from __future__ import annotations

import queue
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject

from prmlab.gui.jobs import Job
from prmlab.gui.recording.encode import FrameWriter

_CLOSE = None  # queued after the last frame: the worker closes the file


class BackgroundWriter(QObject):
    """Queues frames for ``writer`` and encodes them off the GUI thread.

    ``on_closed(frames)`` is called on the GUI thread once the file is complete;
    ``on_error(message)`` if encoding failed (the rest of the frames are dropped).
    """

    def __init__(
        self,
        writer: FrameWriter,
        *,
        on_closed: Callable[[int], None],
        on_error: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.writer = writer
        self._frames: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._on_closed = on_closed
        self._on_error = on_error
        self._closing = False
        self._job = Job(self, on_error=self._failed, label="Encoding the recording")

    def add(self, frame: np.ndarray) -> None:
        """Queue ``frame`` (``(h, w, 3)`` uint8; not changed afterwards)."""
        self._frames.put(frame)
        self._kick()

    def close(self) -> None:
        """Encode what is queued, then finish the file (``on_closed``)."""
        if not self._closing:
            self._closing = True
            self._frames.put(_CLOSE)
            self._kick()

    def finish_now(self, timeout_s: float = 30.0) -> None:
        """Close and wait for the file on this thread (the window is closing)."""
        self.close()
        self._job.shutdown(int(timeout_s * 1000))  # the drain running now ends its batch
        if self._drain():  # what it left, here
            self._on_closed(self.writer.frames)

    def _kick(self) -> None:
        if not self._job.running:
            self._job.run(self._drain, on_done=self._drained)

    def _drain(self) -> bool:
        # worker thread: every queued frame, then True once the file is closed
        while True:
            try:
                frame = self._frames.get_nowait()
            except queue.Empty:
                return False
            if frame is _CLOSE:
                self.writer.close()
                return True
            self.writer.add(frame)

    def _drained(self, closed: bool) -> None:
        if closed:
            self._on_closed(self.writer.frames)
        elif not self._frames.empty():  # queued while the worker was finishing its batch
            self._kick()

    def _failed(self, message: str) -> None:
        while not self._frames.empty():  # what is left cannot be written
            self._frames.get_nowait()
        self._on_error(message)
