"""The one module that touches threads: ``Job`` runs engine work off the GUI thread.

Built on superqt's ``create_worker`` (a QRunnable on the global QThreadPool):

- *latest wins*: ``run`` cancels the previous worker; events from any worker that is not
  the current one are dropped (a quit worker still delivers its queued events);
- a generator's yields are *steps*: only the latest is kept and ``on_step`` is called at
  most ~30 times a second; a step with a float ``progress`` attribute drives the status bar;
- exceptions become ``on_error(message)``, warnings ``on_warning(message)``, never a crash.
"""

from __future__ import annotations

import gc
import inspect
import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from superqt.utils import WorkerBase, create_worker

from prmlab.engine._parallel import lower_thread_priority

log = logging.getLogger("prmlab")

FRAME_S = 1 / 30  # at most ~30 repaints a second

Callback = Callable[[Any], None] | None


class JobFailed(Exception):
    """Carries a RuntimeError out of a generator: superqt takes those for a deleted worker."""


def _guarded(fn: Callable) -> Callable:
    """``fn`` for a worker thread: at a lower priority than the GUI thread, which then keeps
    the cores it needs to paint, and with RuntimeErrors of generators reported."""
    if inspect.isgeneratorfunction(fn):

        def gen(*args: Any, **kwargs: Any):
            lower_thread_priority()
            try:
                return (yield from fn(*args, **kwargs))
            except RuntimeError as exc:
                raise JobFailed(f"{type(exc).__name__}: {exc}") from exc

        return gen

    def plain(*args: Any, **kwargs: Any):
        lower_thread_priority()
        return fn(*args, **kwargs)

    return plain


def error_message(exc: BaseException) -> str:
    """What the user reads: a ValueError's own words, else the type and the words."""
    if isinstance(exc, JobFailed):
        return str(exc)
    if isinstance(exc, ValueError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class JobMonitor(QObject):
    """What the status bar shows: which jobs run, their progress; Cancel stops the newest."""

    sigChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: list[Job] = []
        self.progress: float | None = None

    @property
    def running(self) -> list[Job]:
        return list(self._running)

    def started(self, job: Job) -> None:
        if job not in self._running:
            self._running.append(job)
        self.progress = None
        self.sigChanged.emit()

    def set_progress(self, job: Job, fraction: float) -> None:
        if self._running and self._running[-1] is job:
            self.progress = min(max(float(fraction), 0.0), 1.0)
            self.sigChanged.emit()

    def finished(self, job: Job) -> None:
        if job in self._running:
            self._running.remove(job)
            self.progress = None
            self.sigChanged.emit()

    def label(self) -> str:
        return self._running[-1].label if self._running else ""

    def cancel_newest(self) -> bool:
        if not self._running:
            return False
        self._running[-1].cancel()
        return True

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()


class Job(QObject):
    """One runner per panel (or dialog). Only the GUI thread calls its methods."""

    sigStarted = Signal()
    sigFinished = Signal()  # after on_done / on_error, or on cancel

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        monitor: JobMonitor | None = None,
        on_error: Callable[[str], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        label: str = "",
    ) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.label = label
        self._default_error = on_error
        self._default_warning = on_warning
        self._worker: WorkerBase | None = None
        self._callbacks: dict[str, Callable | None] = {}
        self._pending: Any = None
        self._has_pending = False
        self._last_draw = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._deliver_step)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def run(
        self,
        fn: Callable,
        *args: Any,
        on_step: Callback = None,
        on_done: Callback = None,
        on_error: Callable[[str], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        label: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Cancel whatever runs, then run ``fn(*args, **kwargs)`` in a worker thread.

        A generator function's yields go to ``on_step`` (latest only, <= ~30 Hz); its
        return value, or a plain function's, goes to ``on_done``.
        """
        self.cancel()
        if label is not None:
            self.label = label
        # _ignore_errors: superqt would re-raise into Qt; errors go to on_error instead.
        worker = create_worker(
            _guarded(fn), *args, _start_thread=False, _ignore_errors=True, **kwargs
        )
        self._worker = worker
        self._callbacks = {
            "step": on_step,
            "done": on_done,
            "error": on_error or self._default_error,
            "warning": on_warning or self._default_warning,
        }
        # Each event names its worker: events of a stale (cancelled) worker are dropped.
        if hasattr(worker, "yielded"):
            worker.yielded.connect(lambda value, w=worker: self._on_yielded(w, value))
        worker.returned.connect(lambda value, w=worker: self._on_returned(w, value))
        worker.errored.connect(lambda exc, w=worker: self._on_errored(w, exc))
        worker.warned.connect(lambda args, w=worker: self._on_warned(w, args))
        worker.finished.connect(lambda w=worker: self._on_finished(w))
        if self.monitor is not None:
            self.monitor.started(self)
        self.sigStarted.emit()
        worker.start()

    def cancel(self) -> None:
        """Ask the worker to stop at its next step and forget it; its late events are dropped."""
        worker = self._worker
        if worker is None:
            return
        worker.quit()
        self._end()

    def shutdown(self, timeout_ms: int = 3000) -> None:
        """Cancel, then wait for the pool's threads (closing a panel or the app)."""
        self.cancel()
        QThreadPool.globalInstance().waitForDone(timeout_ms)

    # -- events, on the GUI thread -------------------------------------------------
    def _current(self, worker: WorkerBase) -> bool:
        return worker is self._worker

    def _on_yielded(self, worker: WorkerBase, value: Any) -> None:
        if not self._current(worker):
            return
        self._pending, self._has_pending = value, True
        if not self._timer.isActive():
            wait = FRAME_S - (time.perf_counter() - self._last_draw)
            self._timer.start(max(0, int(wait * 1000)))

    def _deliver_step(self) -> None:
        if not self._has_pending:
            return
        value, self._pending, self._has_pending = self._pending, None, False
        self._last_draw = time.perf_counter()
        progress = getattr(value, "progress", None)
        if self.monitor is not None and isinstance(progress, (int, float)):
            self.monitor.set_progress(self, progress)
        callback = self._callbacks.get("step")
        if callback is not None:
            callback(value)

    def _on_returned(self, worker: WorkerBase, value: Any) -> None:
        if not self._current(worker):
            return
        self._timer.stop()
        self._deliver_step()  # the last step is drawn before the result
        callback = self._callbacks.get("done")
        self._end()
        if callback is not None:
            callback(value)
        self.sigFinished.emit()

    def _on_errored(self, worker: WorkerBase, exc: BaseException) -> None:
        if not self._current(worker):
            return
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.warning("Job %r failed\n%s", self.label, tb)
        callback = self._callbacks.get("error")
        self._end()
        if callback is not None:
            callback(error_message(exc))
        self.sigFinished.emit()

    def _on_warned(self, worker: WorkerBase, args: tuple) -> None:
        if not self._current(worker):
            return
        callback = self._callbacks.get("warning")
        if callback is not None and args:
            callback(str(args[0]))

    def _on_finished(self, worker: WorkerBase) -> None:
        # Reached when the worker was aborted (no returned/errored event came).
        if self._current(worker):
            self._end()
            self.sigFinished.emit()

    def _end(self) -> None:
        was_running = self._worker is not None
        self._worker = None
        self._timer.stop()
        self._pending, self._has_pending = None, False
        if was_running and self.monitor is not None:
            self.monitor.finished(self)


class MainThreadGarbageCollector(QObject):
    """Runs Python's cyclic garbage collection on the GUI thread only.

    Left automatic, a collection can start in whichever thread allocates, e.g. a worker
    compiling a Numba kernel, and destroy a Qt object there: Qt objects must die on their own
    thread, and in practice the worker then deadlocks on the GIL inside ``QObject::~QObject``.
    So automatic collection is switched off and this timer collects, generation by
    generation, with the thresholds the interpreter itself would use. The timer is frequent,
    so each young generation is small (500 ms of allocations took ~50 ms to scan), and what
    exists at start-up (modules, compiled kernels: most of the heap) is frozen out of every
    collection (a full one took ~150 ms, a long stall).
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 50) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.freeze()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def freeze(self) -> None:
        """Collect, then keep every object alive now out of later collections (call it
        again once the start-up objects, e.g. the main window, exist)."""
        gc.collect()
        gc.freeze()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
