"""Row-range kernels run over fixed chunks on the engine's thread pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prmlab.engine._parallel import N_CHUNKS, chunk_range, shared_pool

# Below this many rows one call on the caller's thread: handing out chunks would cost more.
PARALLEL_ROWS = 20_000


def map_chunks(kernel: Callable[..., Any], n: int, *args: Any) -> list[Any]:
    """``[kernel(*args, lo, hi) for each chunk]`` of ``n`` rows, in chunk order.

    ``N_CHUNKS`` fixed chunks (one below ``PARALLEL_ROWS`` rows), never one per core, so
    partial sums combined in this order give the same bits on any machine. The kernels are
    ``nogil``; the pool hands chunks out as threads come free, so a thread slowed by another
    program's (BLAS's idle threads spin after each call) takes fewer of them, where Numba's
    ``prange`` would wait for its fixed share.
    """
    if n < PARALLEL_ROWS:
        return [kernel(*args, 0, n)]
    pool = shared_pool()
    futures = [pool.submit(kernel, *args, *chunk_range(n, c, N_CHUNKS)) for c in range(N_CHUNKS)]
    return [f.result() for f in futures]
