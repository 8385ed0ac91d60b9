"""The engine's one thread pool, for work split into parts that release the GIL (Numba
``nogil`` kernels, BLAS), and single-threaded BLAS for parts that each call it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

_pool: ThreadPoolExecutor | None = None
_controller = None
_lock = threading.Lock()


def shared_pool() -> ThreadPoolExecutor:
    """A pool of one thread per core, created on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="prmlab-engine")
        return _pool


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
