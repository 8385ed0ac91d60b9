"""The job runner: latest wins, throttled steps, cancel, errors and warnings as messages."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
import warnings

import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication

from prmlab.bench.soak import live_workers
from prmlab.gui.jobs import WORKER_NICENESS, Job, JobMonitor


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


def test_full_collections_wait_for_a_quarter_more_long_lived_objects():
    """As the interpreter's own rule: a big long-lived heap is scanned again only once a
    quarter as many objects again have joined it, not every tenth middle collection."""
    import gc

    from prmlab.gui.jobs import MainThreadGarbageCollector

    collector = MainThreadGarbageCollector(interval_ms=10**6)  # driven by hand here

    def churn(rounds: int, keep: list) -> int:
        """Young cyclic garbage (and ``keep``'s growth) through ``rounds`` checks: the full
        collections run meanwhile."""
        before = gc.get_stats()[2]["collections"]
        for _ in range(rounds):
            for _ in range(collector.thresholds[0] + 1):
                cycle: list = []
                cycle.append(cycle)
            collector.check()
        return gc.get_stats()[2]["collections"] - before

    try:
        heap = [[] for _ in range(200_000)]
        assert churn(300, []) >= 1  # the new heap is promoted and collected once
        assert collector.long_lived_total >= 200_000
        assert churn(300, []) == 0  # only young garbage since: no full scan
        more: list = []
        heap.append(more)
        for _ in range(300):
            more.extend([] for _ in range(250))  # 75,000 survivors: over a quarter
            if churn(1, more):
                break
        else:
            raise AssertionError("no full collection after 75,000 more long-lived objects")
    finally:
        collector.stop()
    del heap


def _own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_workers_give_way_to_the_gui_thread(qtbot):
    job, got = Job(), []
    job.run(_own_niceness, on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0] >= WORKER_NICENESS > _own_niceness()


def _sized_like(data: bytearray) -> bytearray:
    return bytearray(len(data) // 2)


def test_finished_jobs_release_their_workers_arguments_and_results(qtbot):
    """1,000 runs with a fresh 128 kB argument (and a 64 kB result) each: nothing stays."""
    n_runs, size = 1000, 128 * 1024
    job, results = Job(), []

    def run_next(result: bytearray | None = None) -> None:
        if result is not None:
            results.append(len(result))
        if len(results) < n_runs:
            job.run(_sized_like, bytearray(size), on_done=run_next)

    workers_before = live_workers()
    tracemalloc.start()
    try:
        memory_before = tracemalloc.get_traced_memory()[0]
        run_next()
        qtbot.waitUntil(lambda: len(results) == n_runs, timeout=60000)
        qtbot.waitUntil(lambda: live_workers() <= workers_before, timeout=5000)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - memory_before
    finally:
        tracemalloc.stop()
    assert results == [size // 2] * n_runs
    assert grown < 10 * 2**20  # 1,000 kept runs would hold ~190 MB


def test_rapid_runs_of_a_plain_function_run_only_the_first_and_the_newest(qtbot):
    """A plain function cannot be stopped: 200 requests at ~300/s while one runs start only
    the newest once it ends, not 199 stale ones."""
    gate, executed, results = threading.Event(), [], []
    monitor = JobMonitor()
    job = Job(monitor=monitor)

    def slow(i: int) -> int:
        executed.append(i)
        if i == 0:
            gate.wait(10)
        return i

    for i in range(200):
        job.run(slow, i, on_done=results.append)
        qtbot.wait(3)
    assert job.running and monitor.running == [job]
    gate.set()
    qtbot.waitUntil(lambda: not job.running, timeout=5000)
    assert executed == [0, 199]
    assert results == [199]
    assert monitor.running == []


def test_each_job_gets_its_own_warnings_and_the_gui_thread_keeps_its_own(qtbot):
    """Two jobs overlapping, the first ending first (superqt's per-worker patch then left
    ``warnings.showwarning`` pointing at a finished worker)."""
    entered = {"a": threading.Event(), "b": threading.Event()}
    release = {"a": threading.Event(), "b": threading.Event()}
    seen: dict[str, list[str]] = {"a": [], "b": []}

    def warns(name: str) -> str:
        entered[name].set()
        release[name].wait(10)
        warnings.warn(f"from {name}", RuntimeWarning, stacklevel=1)
        return name

    jobs = {name: Job(on_warning=seen[name].append) for name in seen}
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        n_filters = len(warnings.filters)
        for name, job in jobs.items():
            job.run(warns, name)
            qtbot.waitUntil(entered[name].is_set, timeout=5000)
        for name in ("a", "b"):
            release[name].set()
            qtbot.waitUntil(lambda name=name: not jobs[name].running, timeout=5000)
        warnings.warn("from the GUI thread", UserWarning, stacklevel=1)
        assert len(warnings.filters) == n_filters
    assert seen == {"a": ["from a"], "b": ["from b"]}
    assert [str(w.message) for w in shown] == ["from the GUI thread"]


def _raises_system_exit() -> None:
    raise SystemExit(3)


def _interrupted():
    yield 1
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("fn", "expected"),
    [(_raises_system_exit, "SystemExit: 3"), (_interrupted, "KeyboardInterrupt")],
)
def test_system_exit_or_keyboard_interrupt_ends_the_job_with_a_message(qtbot, fn, expected):
    monitor, errors = JobMonitor(), []
    job = Job(monitor=monitor, on_error=errors.append)
    job.run(fn)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert errors == [expected]
    assert not job.running and monitor.running == []
    out = []
    job.run(lambda: 7, on_done=out.append)  # the process and the job go on
    qtbot.waitUntil(lambda: out == [7], timeout=5000)


def test_closing_the_window_does_not_wait_for_work_that_cannot_stop(qtbot, main_window):
    began, release = threading.Event(), threading.Event()

    def stuck() -> int:
        began.set()
        release.wait(20)
        return 1

    panel = main_window.current_panel()
    panel.job.run(stuck)
    qtbot.waitUntil(began.is_set, timeout=5000)
    start = time.monotonic()
    main_window.close()
    elapsed = time.monotonic() - start
    release.set()
    assert elapsed < 5  # the bound is ~1 s; slack for a loaded machine
    assert not panel.job.running
    assert main_window.settings.value("geometry") is not None  # written first


_EXIT_WHILE_A_JOB_RUNS = """
import sys, time
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from prmlab.gui.jobs import exit_code
from prmlab.gui.main_window import MainWindow

app = QApplication([])
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
window = MainWindow(settings=settings, warmup=False, autoload_demos=False)
window.show()
window.current_panel().job.run(time.sleep, 20)
QTimer.singleShot(300, window.close)
start = time.monotonic()
code = app.exec()
print(f"closed in {time.monotonic() - start:.2f} s", flush=True)
sys.exit(exit_code(code))
"""


def test_the_app_exits_at_once_and_quietly_while_a_job_runs(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", _EXIT_WHILE_A_JOB_RUNS, str(tmp_path / "settings.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert "closed in" in out.stdout
    assert float(out.stdout.split("closed in")[1].split()[0]) < 5
    # no "Signal source has been deleted", no thread warnings (the offscreen platform's own
    # note about size hints aside)
    noise = "This plugin does not support propagateSizeHints()"
    assert [line for line in out.stderr.splitlines() if line != noise] == []
    assert (tmp_path / "settings.ini").read_text().count("geometry") == 1


_NICENESS_PROBE = """
import os, sys, threading
from prmlab.engine._parallel import shared_pool

def niceness():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

if sys.argv[1] == "app":
    from PySide6.QtWidgets import QApplication
    from prmlab.gui.jobs import Job
    app, job = QApplication([]), Job()  # the app runs jobs: the engine's threads give way too
out = []
thread = threading.Thread(target=lambda: out.append(shared_pool().submit(niceness).result()))
thread.start()
thread.join()
print(niceness(), out[0])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
@pytest.mark.parametrize("who", ["library", "app"])
def test_only_the_app_lowers_the_engine_threads(who):
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_NICENESS_PROBE), who],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    caller, pool_thread = map(int, out.stdout.split())
    if who == "library":
        assert pool_thread == caller  # importing and calling the engine changes no priority
    else:
        assert pool_thread >= max(caller, WORKER_NICENESS)


def _samples(rss_mb: list[float], workers: list[int], errors: int = 0) -> list:
    from prmlab.bench.soak import Sample

    return [
        Sample(i + 1, 60.0 * (i + 1), rss, w, errors)
        for i, (rss, w) in enumerate(zip(rss_mb, workers))
    ]


@pytest.mark.parametrize(
    ("rss_mb", "workers", "errors", "code"),
    [
        ([600, 700, 705, 702, 710], [0, 0, 0, 0, 0], 0, 0),  # settled, then flat
        ([600, 700, 730, 760, 790], [0, 0, 0, 0, 0], 0, 1),  # grows after settling
        ([600, 700, 705, 702, 710], [0, 0, 1, 2, 3], 0, 1),  # workers pile up
        ([600, 700, 705], [0, 0, 0], 2, 1),  # an exception escaped
    ],
)
def test_the_soak_verdict(rss_mb, workers, errors, code):
    from prmlab.bench.soak import verdict

    lines: list[str] = []
    assert verdict(_samples(rss_mb, workers, errors), lines.append) == code
    assert lines[-1] == ("PASS" if code == 0 else "FAIL")
    assert any("settled at 700.0 MB" in line for line in lines)
