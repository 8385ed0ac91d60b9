"""The engine's parallel work: a fixed number of chunks (``N_CHUNKS``, ``chunk_range``) for
``parallel=True`` kernels, and one thread pool for parts that release the GIL (Numba
``nogil`` kernels).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba

from prmlab.engine._jit import jit

# Parallel work is split into this many chunks, a constant, never the core count: each chunk's
# numbers (its random stream, its partial sums) and the order the chunks are combined in are
# then the same on 1 thread and on 64, so a seed gives bit-identical results on any machine.
# 16 keeps up to 16 cores busy; the chunks run over all the threads there are.
N_CHUNKS = 16


@jit(inline="always")
def chunk_range(n, c, chunks):
    """Items ``lo:hi`` of chunk ``c`` of ``n`` items split into ``chunks`` near-equal chunks."""
    return n * c // chunks, n * (c + 1) // chunks


_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


_thread_initializer: Callable[[], None] | None = None


def set_thread_initializer(initializer: Callable[[], None] | None) -> None:
    """Have each pool thread started from now on call ``initializer`` first (the app lowers
    their priority); ``None``: nothing. The engine itself changes no thread's settings."""
    global _thread_initializer
    _thread_initializer = initializer


def _initialize_thread() -> None:
    if _thread_initializer is not None:
        _thread_initializer()


def shared_pool() -> ThreadPoolExecutor:
    """A pool of as many threads as Numba's (one per core the process may use, or
    ``NUMBA_NUM_THREADS``), created on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                numba.config.NUMBA_NUM_THREADS,
                thread_name_prefix="prmlab-engine",
                initializer=_initialize_thread,
            )
        return _pool
