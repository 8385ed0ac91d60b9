"""The one module that touches threads: ``Job`` runs engine work off the GUI thread.

Built on superqt's workers (QRunnables on the global QThreadPool):

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
"""

from __future__ import annotations

import gc
import inspect
import logging
import os
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from superqt.utils import FunctionWorker, GeneratorWorker

from prmlab.engine import _parallel

log = logging.getLogger("prmlab")

FRAME_S = 1 / 30  # at most ~30 repaints a second
WORKER_NICENESS = 10  # CPU shares about 1:9 against a thread at the default 0

Callback = Callable[[Any], None] | None


def lower_thread_priority() -> None:
    """Make the calling thread give way when the cores are contended (Linux, where the nice
    value is per thread; elsewhere nothing). For background work: a GUI thread at the default
    priority then gets the cores it needs to paint, and threads this one starts (OpenMP's
    for a parallel kernel, the engine pool's) inherit the value."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)
    except OSError:  # not permitted here: run as is
        pass


# -- warnings, routed by thread ---------------------------------------------------------
# superqt patches ``warnings.showwarning`` inside a per-worker ``catch_warnings``, which is
# process-wide: overlapping workers restored each other's patches, so one job's warning
# reached another and ``showwarning`` was left pointing at a finished worker (later warnings
# vanished). One dispatcher, installed once, sends a warning to the job whose thread raised
# it and every other warning where it went before.
_warning_sinks: dict[int, Callable[[str], None]] = {}
_previous_showwarning: Callable[..., None] = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sink = _warning_sinks.get(threading.get_ident())
    if sink is None:
        _previous_showwarning(message, category, filename, lineno, file, line)
    else:
        sink(str(message))


def _install_warning_dispatch() -> None:
    """Put the dispatcher in front of the current handler (again, if something, e.g. a
    ``catch_warnings`` block, has restored an older one since)."""
    global _previous_showwarning
    if warnings.showwarning is not _show_warning:
        _previous_showwarning = warnings.showwarning
        warnings.showwarning = _show_warning


def _forget_shown_warnings() -> None:
    """Warnings shown once per code location are shown again: each job reports its own
    (what ``catch_warnings`` does on entry; the function is private, hence the guard)."""
    reset = getattr(warnings, "_filters_mutated", None)
    if reset is not None:
        reset()


# -- workers ----------------------------------------------------------------------------
@dataclass(eq=False)
class _Lifetime:
    """Whether a worker's run began and ended: what a Job keeps of a worker after the run."""

    began: bool = False
    ended: threading.Event = field(default_factory=threading.Event)


class _JobWorker:
    """superqt's ``run`` with three changes: warnings go to this worker's job by thread,
    any exception ends the job (superqt let ``SystemExit`` out, which ended the process, and
    dropped a generator's ``RuntimeError``), and a worker cancelled before it began does
    nothing."""

    def run(self) -> None:
        if self.abort_requested:
            return
        ident = threading.get_ident()
        lower_thread_priority()
        _warning_sinks[ident] = self._report_warning
        self.started.emit()
        self._running = True
        try:
            result = self.work()
            # a generator's RuntimeError comes back as a value (superqt's convention)
            if isinstance(result, BaseException):
                raise result
            if not self.abort_requested:
                self.returned.emit(result)
        except BaseException as exc:  # SystemExit too: the job ends, the process goes on
            self.errored.emit(exc)
        finally:
            del _warning_sinks[ident]
            self._running = False
            self.finished.emit()

    def _report_warning(self, message: str) -> None:
        self.warned.emit((message,))


# Workers are owned by the GUI thread, which made them: their signal emitter is a Qt object
# and must die there. The pool holds a run's lifetime only, and says when it has let go of
# the worker; the keeper then drops it. (A pool thread freeing the last reference destroyed
# the emitter while the GUI thread used it: a crash.)
_workers: dict[_Lifetime, _JobWorker] = {}


class _WorkerKeeper(QObject):
    """Drops a worker, on the GUI thread, once its pool thread is done with it."""

    sigEnded = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.sigEnded.connect(self._release, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _release(self, lifetime: _Lifetime) -> None:
        _workers.pop(lifetime, None)


_keeper: _WorkerKeeper | None = None  # made by the first Job, on the GUI thread


def _run_in_pool(lifetime: _Lifetime) -> None:
    """A pool thread's part: run the worker, let go of it, then have the keeper drop it."""
    worker = _workers[lifetime]
    lifetime.began = True
    try:
        worker.run()
    finally:
        del worker
        lifetime.ended.set()
        _keeper.sigEnded.emit(lifetime)


class _FunctionJobWorker(_JobWorker, FunctionWorker):
    pass


class _GeneratorJobWorker(_JobWorker, GeneratorWorker):
    pass


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
        global _keeper
        if _keeper is None:
            _keeper = _WorkerKeeper()
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
        worker_class = _FunctionJobWorker if self._plain else _GeneratorJobWorker
        worker = worker_class(request.fn, *request.args, **request.kwargs)
        worker.returned.connect(self._worker_returned)
        worker.errored.connect(self._worker_errored)
        worker.warned.connect(self._worker_warned)
        worker.finished.connect(self._worker_finished)
        if not self._plain:
            worker.yielded.connect(self._worker_yielded)
        self._worker, self._callbacks = worker, request.callbacks
        lifetime = _Lifetime()
        _workers[lifetime] = worker
        self._lifetimes = [t for t in self._lifetimes if not t.ended.is_set()]
        self._lifetimes.append(lifetime)
        _install_warning_dispatch()
        _forget_shown_warnings()
        if self.monitor is not None:
            self.monitor.started(self)
        self.sigStarted.emit()
        # Not ``worker.start()``: PySide ties a started QRunnable to the pool once the start
        # returns, and a run that had ended by then left its worker tied to the pool for good.
        QThreadPool.globalInstance().start(partial(_run_in_pool, lifetime))

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
        for lifetime in lifetimes:
            if lifetime.began:
                remaining = max(0.0, deadline - time.monotonic())
                all_ended = lifetime.ended.wait(remaining) and all_ended
    return all_ended


def exit_code(code: int) -> int:
    """``code``, for ``sys.exit`` once the app's event loop has ended; if a worker still runs
    (work that cannot be interrupted, left by ``shutdown_jobs``), end the process here and now
    with ``code``: the interpreter's own exit would wait for it, then report its signals'
    source deleted. Settings are written before (the window's close)."""
    if not any(lifetime.began and not lifetime.ended.is_set() for lifetime in _workers):
        return code
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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
