"""The one place for Numba flags: every kernel is ``nogil`` and cached, never ``fastmath``.

``nogil=True`` lets a worker thread run a kernel while the GUI thread keeps painting;
``cache=True`` makes the second start-up load kernels from disk (~0.4 s) instead of
compiling them (~10 s). Kernels must be defined at module level for the cache to work.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any


def _user_cache_dir() -> str:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
    elif sys.platform == "darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "prmlab", "numba")


def _choose_cache_dir() -> None:
    """Cache beside the package when writable, else in a per-user cache directory."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    package_dir = os.path.dirname(os.path.abspath(__file__))
    if not os.access(package_dir, os.W_OK):
        os.environ["NUMBA_CACHE_DIR"] = _user_cache_dir()


_choose_cache_dir()
# OpenMP threads spin after a parallel kernel before they sleep. GNU OpenMP's default spin
# (300,000 turns) steals both cores from the next BLAS call or the GUI thread; passive waiting
# (no spin) makes kernels that run parallel loops back to back pay a wake-up each time (the
# particle filter: 30% slower). A short spin keeps the wake-ups and gives the cores back.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

import numba  # noqa: E402  (after the cache directory is chosen)

if os.environ.get("NUMBA_CACHE_DIR"):
    numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
# Two worker threads may launch parallel kernels at once; the default workqueue
# layer aborts the process when that happens.
numba.config.THREADING_LAYER = "threadsafe"


def jit(func: Callable | None = None, /, **flags: Any) -> Any:
    """``numba.njit`` with ``nogil=True, cache=True``; use as ``@jit`` or ``@jit(parallel=True)``."""
    if "fastmath" in flags:
        raise TypeError("fastmath is not allowed: kernels must propagate NaN and inf")
    decorator = numba.njit(nogil=True, cache=True, **flags)
    return decorator if func is None else decorator(func)
