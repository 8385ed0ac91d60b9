"""The engine's one thread pool, for work split into parts that release the GIL (Numba
``nogil`` kernels, BLAS), and single-threaded BLAS for parts that each call it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

_pool: ThreadPoolExecutor | None = None
_controller = None
_lock = threading.Lock()


WORKER_NICENESS = 10  # CPU shares about 1:9 against a thread at the default 0


def shared_pool() -> ThreadPoolExecutor:
    """A pool of one thread per core, created on first use; its threads run at a lower
    priority (``lower_thread_priority``)."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                os.cpu_count() or 1,
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


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """BLAS calls use one thread each inside the block: parts that run on the pool at once
    then share the cores instead of each starting a thread per core."""
    global _controller
    from threadpoolctl import ThreadpoolController

    with _lock:
        if _controller is None:  # finds the loaded BLAS libraries: done once
            _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield
