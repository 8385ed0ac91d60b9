"""The Numba flags module: Numba's own cache locators (uncached with a note when none is
writable), parallel kernels safe under any threading layer, no fastmath.

What changes the process (cache folders, threading layers) runs in subprocesses, so nothing
leaks into later tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from prmlab.engine import _jit


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_kernels_are_nogil_and_cached_and_fastmath_is_refused():
    @_jit.jit
    def add(a, b):
        return a + b

    assert add(1.0, 2.0) == 3.0
    assert add.targetoptions["nogil"] and add._cache.__class__.__name__ != "NullCache"
    with pytest.raises(TypeError, match="fastmath"):
        _jit.jit(fastmath=True)


def test_read_only_package_folder_uses_numbas_user_wide_cache(tmp_path):
    # root may write anywhere, so a read-only package folder is simulated where Numba checks it
    (tmp_path / "kernels.py").write_text(
        "from prmlab.engine._jit import jit\n\n@jit\ndef add(a, b):\n    return a + b\n"
    )
    out = _run(
        f"""
        import os, sys
        from numba.core import caching

        def read_only(self):
            raise PermissionError("read-only file system")

        caching.InTreeCacheLocator.ensure_cache_path = read_only
        sys.path.insert(0, {str(tmp_path)!r})
        from kernels import add

        assert add(1.0, 2.0) == 3.0
        print(add._cache._cache_path)
        print("NUMBA_CACHE_DIR" in os.environ)
        """,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    assert out.returncode == 0, out.stderr
    path, leaked = out.stdout.split()
    assert path.startswith(str(tmp_path / "cache" / "numba")) and leaked == "False"


def test_no_writable_cache_runs_uncached_with_a_one_line_note():
    # read-only install and read-only home: Numba raised "no locator available" at import
    out = _run(
        """
        from numba.core import caching

        def read_only(self):
            raise PermissionError("read-only file system")

        caching._CacheLocator.ensure_cache_path = read_only
        import numpy as np
        from prmlab.engine.svm import SVC

        X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
        print(SVC(kernel="rbf").fit(X, [0, 0, 1, 1]).predict(X))
        """
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "kernels are compiled at every start" in lines[0], out.stderr


def test_two_threads_run_parallel_kernels_under_the_workqueue_layer():
    # Numba's default layer where neither TBB nor OpenMP loads (and a notebook's, often):
    # two threads launching parallel kernels at once aborted the process
    out = _run(
        """
        import threading
        import numba
        import numpy as np
        from prmlab.engine.svm import SVC

        rng = np.random.default_rng(0)
        X = rng.normal(size=(40, 2))
        model = SVC(kernel="rbf").fit(X, (X[:, 0] > 0).astype(int))
        grid = rng.normal(size=(2000, 2))
        expected = model.decision_function(grid)
        same = []

        def work():
            for _ in range(200):
                same.append(np.array_equal(model.decision_function(grid), expected))

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(numba.threading_layer(), len(same), all(same))
        """,
        NUMBA_THREADING_LAYER="workqueue",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["workqueue", "400", "True"]


def test_parallel_calls_do_not_wait_under_a_thread_safe_layer(monkeypatch):
    monkeypatch.setattr(_jit.numba, "threading_layer", lambda: "omp")
    entered = threading.Event()

    def enter():
        with _jit.parallel_calls():
            entered.set()

    with _jit._parallel_lock:  # another thread's parallel call in progress
        thread = threading.Thread(target=enter)
        thread.start()
        assert entered.wait(5)
    thread.join()


def test_a_first_start_is_told_by_an_empty_kernel_cache(tmp_path):
    # then the app's early warm-up compiles the first panel's kernels, under a status line
    out = _run(
        """
        import os
        from prmlab.engine import warmup
        from prmlab.engine.svm import _kernels

        print(warmup.kernel_cache_is_empty(("svm",)))
        index = _kernels.smo_solve._cache._cache_file._index_path
        os.makedirs(os.path.dirname(index), exist_ok=True)
        open(index, "wb").close()  # one kernel cached: not a first start
        print(warmup.kernel_cache_is_empty(("svm",)))
        """,
        NUMBA_CACHE_DIR=str(tmp_path),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


def test_preparing_the_compiler_beside_a_thread_defining_kernels_does_not_deadlock():
    # Numba builds its target context holding that property's lock, then takes the compiler
    # lock: taking them the other way round hung the app's early warm-up against the GUI
    # thread's imports (which define kernels)
    out = _run(
        """
        import threading
        from prmlab.engine.warmup import prepare_compiler

        thread = threading.Thread(target=prepare_compiler)
        thread.start()
        from prmlab.engine import svm  # defines kernels meanwhile
        thread.join()
        print("done")
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["done"]
