"""The one place for Numba flags: every kernel is ``nogil`` and cached, never ``fastmath``.

``nogil=True`` lets a worker thread run a kernel while the GUI thread keeps painting;
``cache=True`` makes the second start-up load kernels from disk (~0.4 s) instead of
compiling them (~10 s). Kernels must be defined at module level for the cache to work.

Importing the engine changes nothing in the process: the cache is where Numba's own locators
put it (beside the package, or the user-wide cache when the package folder is read-only; none
writable: kernels run uncached, with a one-line note), and the threading layer is whatever
Numba or the caller chose (``parallel_calls`` keeps parallel kernels safe under any of them).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numba

log = logging.getLogger("prmlab")

# Layers that let two threads launch parallel kernels at once; "workqueue" aborts the process.
THREAD_SAFE_LAYERS = ("tbb", "omp")
_parallel_lock = threading.RLock()
_noted: set[str] = set()


def jit(func: Callable | None = None, /, **flags: Any) -> Any:
    """``numba.njit`` with ``nogil=True, cache=True``; use as ``@jit`` or ``@jit(parallel=True)``.

    A kernel that calls a ``parallel=True`` one, or is one, runs inside ``parallel_calls()``.
    """
    if "fastmath" in flags:
        raise TypeError("fastmath is not allowed: kernels must propagate NaN and inf")

    def compile_kernel(f: Callable) -> Any:
        try:
            return numba.njit(nogil=True, cache=True, **flags)(f)
        except RuntimeError as exc:
            # Numba found no writable cache folder (read-only install and home)
            if "no locator available" not in str(exc):
                raise
            _note_once(
                logging.WARNING,
                "uncached",
                "prmlab: no writable folder for Numba's kernel cache (the install and the user "
                "cache are read-only): kernels are compiled at every start",
            )
            return numba.njit(nogil=True, **flags)(f)

    return compile_kernel if func is None else compile_kernel(func)


def layer_is_thread_safe() -> bool:
    """Whether Numba's threading layer in use lets two threads launch parallel kernels at once.

    False before the first parallel kernel has run (the layer is chosen then).
    """
    try:
        return numba.threading_layer() in THREAD_SAFE_LAYERS
    except ValueError:  # not initialised yet
        return False


@contextmanager
def parallel_calls() -> Iterator[None]:
    """Hold around a call that runs a ``parallel=True`` kernel.

    Under a thread-safe layer this does nothing; under Numba's default "workqueue" layer (a
    notebook, or no TBB/OpenMP installed) two threads launching parallel kernels at once abort
    the process, so such calls then run one at a time.
    """
    if layer_is_thread_safe():
        yield
        return
    with _parallel_lock:
        yield
    if not layer_is_thread_safe():  # known only after the first launch
        _note_once(
            logging.INFO,
            "serialised",
            f"prmlab: Numba's threading layer is {_layer_name()!r}, which is not thread-safe: "
            "the engine's parallel kernels run one call at a time",
        )


def _layer_name() -> str:
    try:
        return numba.threading_layer()
    except ValueError:
        return "not initialised"


def _note_once(level: int, key: str, message: str) -> None:
    if key not in _noted:
        _noted.add(key)
        log.log(level, message)
