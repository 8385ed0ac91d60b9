"""The engine's parallel work: a fixed number of chunks (``N_CHUNKS``, ``chunk_range``) for
``parallel=True`` kernels, and one thread pool for parts that release the GIL (Numba
``nogil`` kernels).
"""

from __future__ import annotations

import os
import sys
import threading
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


WORKER_NICENESS = 10  # CPU shares about 1:9 against a thread at the default 0


def shared_pool() -> ThreadPoolExecutor:
    """A pool of as many threads as Numba's (one per core the process may use, or
    ``NUMBA_NUM_THREADS``), created on first use; its threads run at a lower priority
    (``lower_thread_priority``)."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                numba.config.NUMBA_NUM_THREADS,
                thread_name_prefix="prmlab-engine",
                initializer=lower_thread_priority,
            )
        return _pool


def lower_thread_priority() -> None:
    """Make the calling thread give way when the cores are contended (Linux, where the nice
    value is per thread; elsewhere nothing). For background work: a GUI thread at the default
    priority then gets the cores it needs to paint, and threads this one starts (OpenMP's
    for a parallel kernel) inherit the value."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)
    except OSError:  # not permitted here: run as is
        pass
