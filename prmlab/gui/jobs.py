"""The one module that touches threads: ``Job`` runs engine work off the GUI thread.

Built on workers run by the global QThreadPool:

- *latest wins*: ``run`` cancels the previous worker; events from any worker that is not
  the current one are dropped (a quit worker still delivers its queued events). A plain
  function cannot be stopped: while one runs, only the newest request waits, and it starts
  when the running one ends;
- a generator's yields are *steps*: only the latest is kept and ``on_step`` is called at
  most ~30 times a second; a step with a float ``progress`` attribute drives the status bar;
- any exception (``SystemExit`` and ``KeyboardInterrupt`` too) becomes ``on_error(message)``,
  a warning raised in the job's own thread ``on_warning(message)``, never a crash;
- workers run at a lower priority than the GUI thread, and so do the engine's pool threads
  once a ``Job`` exists;
- closing waits a bounded time: work that cannot be interrupted is left to the process's end.

The workers themselves (pool, priorities, warnings by thread) are in ``job_workers.py``.
"""

from __future__ import annotations

import inspect
import logging
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from prmlab.engine import _parallel
from prmlab.gui.job_workers import (
    WORKER_NICENESS,
    _JobWorker,
    _Lifetime,
    exit_code,
    launch,
    lower_thread_priority,
    start_worker,
    wait_for,
)
from prmlab.gui.main_thread_gc import MainThreadGarbageCollector

# names other modules import from here
__all__ = [
    "WORKER_NICENESS",
    "Job",
    "JobMonitor",
    "MainThreadGarbageCollector",
    "error_message",
    "exit_code",
    "lower_thread_priority",
    "shutdown_jobs",
]

log = logging.getLogger("prmlab")

FRAME_S = 1 / 30  # at most ~30 repaints a second

Callback = Callable[[Any], None] | None


@dataclass
class _Request:
    fn: Callable
    args: tuple
    kwargs: dict[str, Any]
    callbacks: dict[str, Callable | None]
    label: str | None


def error_message(exc: BaseException) -> str:
    """What the user reads: a ValueError's own words, else the type and the words."""
    if isinstance(exc, ValueError):
        return str(exc)
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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
    """One runner per panel (or dialog). Only the GUI thread calls its methods.

    A worker's signals go to this job's own slots, which tell the current worker by
    ``sender()``: connections to lambdas that captured the worker kept every worker, with its
    arguments and result, alive for good.
    """

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
        # jobs run in this process: the engine's pool threads give way to the GUI too
        _parallel.set_thread_initializer(lower_thread_priority)
        self.monitor = monitor
        self.label = label
        self._default_error = on_error
        self._default_warning = on_warning
        self._worker: _JobWorker | None = None  # the current one
        self._plain = False  # whether it runs a plain function, which cannot be stopped
        self._queued: _Request | None = None
        self._lifetimes: list[_Lifetime] = []  # of workers that may still run
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
        """Run ``fn(*args, **kwargs)`` in a worker thread instead of whatever this job runs.

        A generator function's yields go to ``on_step`` (latest only, <= ~30 Hz); its
        return value, or a plain function's, goes to ``on_done``. A running generator is
        cancelled at its next yield; a running plain function is left to end, its result
        dropped, and only the newest request made meanwhile runs after it.
        """
        callbacks = {
            "step": on_step,
            "done": on_done,
            "error": on_error or self._default_error,
            "warning": on_warning or self._default_warning,
        }
        request = _Request(fn, args, kwargs, callbacks, label)
        if self._worker is not None and self._plain:
            self._queued = request
            return
        self.cancel()
        self._start(request)

    def cancel(self) -> None:
        """Ask the worker to stop at its next step and forget it, and any queued request;
        its late events are dropped."""
        self._queued = None
        if self._worker is not None:
            self._worker.quit()
        self._end()

    def shutdown(self, timeout_ms: int = 1000) -> None:
        """Cancel, then wait up to ``timeout_ms`` for this job's workers (closing a panel)."""
        shutdown_jobs([self], timeout_ms / 1000)

    def _start(self, request: _Request) -> None:
        if request.label is not None:
            self.label = request.label
        self._plain = not inspect.isgeneratorfunction(request.fn)
        worker, lifetime = start_worker(request.fn, request.args, request.kwargs, plain=self._plain)
        worker.signals.returned.connect(self._worker_returned)
        worker.signals.errored.connect(self._worker_errored)
        worker.signals.warned.connect(self._worker_warned)
        worker.signals.finished.connect(self._worker_finished)
        if not self._plain:
            worker.signals.yielded.connect(self._worker_yielded)
        self._worker, self._callbacks = worker, request.callbacks
        self._lifetimes = [t for t in self._lifetimes if not t.ended.is_set()]
        self._lifetimes.append(lifetime)
        if self.monitor is not None:
            self.monitor.started(self)
        self.sigStarted.emit()
        launch(lifetime)

    # -- events, on the GUI thread -------------------------------------------------
    def _from_current(self) -> bool:
        """Whether the event comes from the current worker, with no newer request waiting."""
        worker = self._worker
        return worker is not None and self.sender() is worker.signals and self._queued is None

    @Slot(object)
    def _worker_yielded(self, value: Any) -> None:
        if not self._from_current():
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

    @Slot(object)
    def _worker_returned(self, value: Any) -> None:
        if not self._from_current():
            return
        self._timer.stop()
        self._deliver_step()  # the last step is drawn before the result
        callback = self._callbacks.get("done")
        self._end()
        if callback is not None:
            callback(value)
        self.sigFinished.emit()

    @Slot(object)
    def _worker_errored(self, exc: BaseException) -> None:
        if not self._from_current():
            return
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.warning("Job %r failed\n%s", self.label, tb)
        callback = self._callbacks.get("error")
        self._end()
        if callback is not None:
            callback(error_message(exc))
        self.sigFinished.emit()

    @Slot(tuple)
    def _worker_warned(self, args: tuple) -> None:
        if not self._from_current():
            return
        callback = self._callbacks.get("warning")
        if callback is not None and args:
            callback(str(args[0]))

    @Slot()
    def _worker_finished(self) -> None:
        if self._worker is None or self.sender() is not self._worker.signals:
            return
        if self._queued is not None:  # the plain function a newer request waited for ended
            request, self._queued = self._queued, None
            self._start(request)
            return
        # reached when the worker was aborted (no returned/errored event came)
        self._end()
        self.sigFinished.emit()

    def _end(self) -> None:
        was_running = self._worker is not None
        self._worker = None
        self._callbacks = {}
        self._timer.stop()
        self._pending, self._has_pending = None, False
        if was_running and self.monitor is not None:
            self.monitor.finished(self)


def shutdown_jobs(jobs: Iterable[Job], timeout_s: float) -> bool:
    """Cancel every job at once, then wait up to ``timeout_s`` in all for their workers.

    A worker still running after that (a compile or a kernel, which cannot be interrupted)
    is left to end on its own: its events are dropped and no later shutdown waits for it
    again. A worker cancelled before it began never runs. Returns whether all ended.
    """
    jobs = list(jobs)
    for job in jobs:
        job.cancel()
    deadline = time.monotonic() + timeout_s
    all_ended = True
    for job in jobs:
        lifetimes, job._lifetimes = job._lifetimes, []
        all_ended = wait_for(lifetimes, deadline) and all_ended
    return all_ended
