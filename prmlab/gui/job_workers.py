"""The worker pool under ``Job`` (``prmlab.gui.jobs``): workers run on the global QThreadPool
at a lower priority, each warning sent to the job whose thread raised it, and every worker
kept and dropped on the GUI thread. Only ``jobs.py`` uses this module.

The workers are prmlab's own, modelled on superqt's: superqt's package imports all its
widgets with them (65 ms of a 0.9 s start-up budget, measured), and its ``run`` needed three
changes anyway (below).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

WORKER_NICENESS = 10  # CPU shares about 1:9 against a thread at the default 0


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
# A per-worker patch of ``warnings.showwarning`` inside ``catch_warnings`` (superqt's way) is
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


class _WorkerSignals(QObject):
    started = Signal()
    finished = Signal()  # after returned or errored; alone when the worker was cancelled
    returned = Signal(object)
    errored = Signal(object)
    warned = Signal(tuple)  # (message,)
    yielded = Signal(object)  # a generator function's values


class _JobWorker:
    """Runs ``fn(*args, **kwargs)`` once on a pool thread, a generator function step by step
    (``plain=False``: each value is ``yielded``, and ``quit`` stops it at its next yield).
    Its warnings go to its job by thread, any exception ends the job (``SystemExit`` too:
    the process goes on), and a worker cancelled before it began does nothing."""

    def __init__(self, fn: Callable, args: tuple, kwargs: dict, *, plain: bool) -> None:
        self.signals = _WorkerSignals()  # made on the GUI thread, which receives its events
        self._call = (fn, args, kwargs)
        self._plain = plain
        self.abort_requested = False

    def quit(self) -> None:
        """Ask the worker to stop at its next yield (a plain function runs to its end)."""
        self.abort_requested = True

    def run(self) -> None:
        if self.abort_requested:
            return
        ident = threading.get_ident()
        lower_thread_priority()
        _warning_sinks[ident] = self._report_warning
        signals = self.signals
        signals.started.emit()
        try:
            result = self._work()
            if not self.abort_requested:
                signals.returned.emit(result)
        except BaseException as exc:  # SystemExit too: the job ends, the process goes on
            signals.errored.emit(exc)
        finally:
            del _warning_sinks[ident]
            signals.finished.emit()

    def _work(self) -> Any:
        fn, args, kwargs = self._call
        self._call = None  # the arguments are not kept beyond the run
        if self._plain:
            return fn(*args, **kwargs)
        steps = fn(*args, **kwargs)
        try:
            while not self.abort_requested:
                try:
                    value = next(steps)
                except StopIteration as stop:
                    return stop.value
                self.signals.yielded.emit(value)
            return None
        finally:
            steps.close()  # a cancelled generator's cleanup runs here, in its own thread

    def _report_warning(self, message: str) -> None:
        self.signals.warned.emit((message,))


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


_keeper: _WorkerKeeper | None = None  # made with the first worker, on the GUI thread


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


def start_worker(
    fn: Callable, args: tuple, kwargs: dict, *, plain: bool
) -> tuple[_JobWorker, _Lifetime]:
    """A worker running ``fn(*args, **kwargs)`` (``plain``: a function, else a generator
    function) and its lifetime; the caller connects the worker's signals, then calls
    ``launch(lifetime)``."""
    global _keeper
    if _keeper is None:
        _keeper = _WorkerKeeper()
    worker = _JobWorker(fn, args, kwargs, plain=plain)
    lifetime = _Lifetime()
    _workers[lifetime] = worker
    return worker, lifetime


def launch(lifetime: _Lifetime) -> None:
    """Start the worker of ``lifetime`` in the pool (warnings routed to its job from now)."""
    _install_warning_dispatch()
    _forget_shown_warnings()
    # Not ``worker.start()``: PySide ties a started QRunnable to the pool once the start
    # returns, and a run that had ended by then left its worker tied to the pool for good.
    QThreadPool.globalInstance().start(partial(_run_in_pool, lifetime))


def wait_for(lifetimes: Iterable[_Lifetime], deadline: float) -> bool:
    """Wait until every worker that began has ended, or ``deadline`` (``time.monotonic``)
    has passed; whether all ended. A worker cancelled before it began never runs."""
    all_ended = True
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
