"""The job runner: latest wins, throttled steps, cancel, errors and warnings as messages."""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings

import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication

from prmlab.engine._parallel import WORKER_NICENESS, shared_pool
from prmlab.gui.jobs import Job, JobMonitor


def many_steps(n: int, delay: float = 0.0):
    for i in range(n):
        if delay:
            time.sleep(delay)
        yield i
    return "done"


def test_steps_are_throttled_and_the_last_one_arrives_before_done(qtbot):
    job = Job()
    steps, done = [], []
    job.run(many_steps, 20000, on_step=steps.append, on_done=done.append)
    qtbot.waitUntil(lambda: done == ["done"], timeout=20000)
    assert steps[-1] == 19999
    assert len(steps) < 200  # ~30 Hz, not one repaint per yield


def test_callbacks_run_on_the_gui_thread(qtbot):
    job = Job()
    threads = []
    job.run(many_steps, 50, 0.001, on_step=lambda _: threads.append(QThread.currentThread()))
    qtbot.waitUntil(lambda: not job.running, timeout=10000)
    assert threads and all(t is QApplication.instance().thread() for t in threads)


def test_latest_wins_and_stale_results_are_dropped(qtbot):
    job = Job()
    results = []
    job.run(lambda: (time.sleep(0.3), "stale")[1], on_done=results.append)
    job.run(lambda: "fresh", on_done=results.append)
    qtbot.waitUntil(lambda: results == ["fresh"], timeout=5000)
    qtbot.wait(500)  # the first worker has finished by now; its result must not arrive
    assert results == ["fresh"]


def test_cancel_stops_a_generator_between_steps(qtbot):
    advanced = [0]

    def endless():
        while True:
            time.sleep(0.005)
            advanced[0] += 1
            yield 1

    monitor = JobMonitor()
    job = Job(monitor=monitor, label="endless")
    done = []
    job.run(endless, on_done=done.append)
    qtbot.waitUntil(lambda: monitor.label() == "endless", timeout=2000)
    assert monitor.cancel_newest()
    assert not job.running and monitor.running == []
    qtbot.wait(100)
    frozen = advanced[0]
    qtbot.wait(200)
    assert advanced[0] == frozen  # the worker no longer advances the generator
    assert done == []


def test_exceptions_become_error_messages(qtbot):
    errors = []
    job = Job(on_error=errors.append)

    def bad_value():
        raise ValueError("C must be > 0, got -1.0")

    def bad_generator():
        yield 1
        raise RuntimeError("kernel exploded")

    job.run(bad_value)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    job.run(bad_generator)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=5000)
    assert errors[0] == "C must be > 0, got -1.0"
    assert "kernel exploded" in errors[1]
    assert not job.running


def test_warnings_become_warning_messages(qtbot):
    seen = []
    job = Job(on_warning=seen.append)

    def warns():
        warnings.warn("EM did not converge in 5 iterations", RuntimeWarning, stacklevel=1)
        return 1

    job.run(warns)
    qtbot.waitUntil(lambda: not job.running, timeout=5000)
    assert seen == ["EM did not converge in 5 iterations"]


class _Emitter(QObject):
    sig = Signal(object)


def test_soak_100k_signal_emits(qtbot):
    """PySide6 6.12.0 on CPython 3.11 aborts after a few thousand emits ("bool_dealloc")."""
    emitter = _Emitter()
    count = [0]
    emitter.sig.connect(lambda v: count.__setitem__(0, count[0] + 1))
    for i in range(100_000):
        emitter.sig.emit(i % 2 == 0)
    assert count[0] == 100_000


def test_an_exception_in_a_slot_reaches_the_hook_and_the_app_keeps_running(qtbot, exception_hook):
    def boom():
        raise ZeroDivisionError("a slot failed")

    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: bool(exception_hook.errors), timeout=3000)
    assert exception_hook.errors == ["ZeroDivisionError: a slot failed"]
    exception_hook.errors.clear()  # seen on purpose
    job = Job()
    out = []
    job.run(lambda: 42, on_done=out.append)
    qtbot.waitUntil(lambda: out == [42], timeout=3000)


def test_an_exception_in_a_python_thread_reaches_the_hook(qtbot, exception_hook):
    t = threading.Thread(target=lambda: 1 / 0)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(exception_hook.errors), timeout=3000)
    assert "ZeroDivisionError" in exception_hook.errors[0]
    exception_hook.errors.clear()


def test_cyclic_garbage_is_collected_on_the_gui_thread_only(qtbot):
    import gc
    import weakref

    from prmlab.gui.jobs import MainThreadGarbageCollector

    collector = MainThreadGarbageCollector(interval_ms=10)
    try:
        assert not gc.isenabled()  # no collection can start inside a worker

        class Node:
            pass

        for _ in range(3):  # cycles, enough to pass the first threshold
            a, b = Node(), Node()
            a.other, b.other = b, a
        probe = weakref.ref(a)
        del a, b
        junk = [[] for _ in range(collector.thresholds[0] + 10)]
        for item in junk:
            item.append(item)
        del junk, item
        qtbot.waitUntil(lambda: probe() is None, timeout=3000)
    finally:
        collector.stop()
    assert not gc.isenabled()  # the session's collector is still in charge


def _own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_workers_give_way_to_the_gui_thread(qtbot):
    job, got = Job(), []
    job.run(_own_niceness, on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0] >= WORKER_NICENESS > _own_niceness()
    assert shared_pool().submit(_own_niceness).result() >= WORKER_NICENESS
