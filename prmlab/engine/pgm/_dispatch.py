"""A kernel compiled twice, ``parallel=True`` and serial, and the choice between them: a
parallel launch costs tens of microseconds, more than a small model's whole sweep.

Both compile one inline body (its ``prange`` is a plain ``range`` in the serial one), so both
split the work into the same ``N_CHUNKS`` chunks and give the same numbers.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from prmlab.engine._jit import parallel_calls

# Below this many nodes + edges a model runs on the calling thread.
PARALLEL_FROM = 20_000


class KernelPair(NamedTuple):
    parallel: Any
    serial: Any

    def __call__(self, work: int, *args: Any) -> Any:
        """Run on all threads when ``work`` (nodes + edges) is large, else serially; the
        kernels take their arguments as one tuple (a wrapper is then one line)."""
        if work < PARALLEL_FROM:
            return self.serial(args)
        with parallel_calls():
            return self.parallel(args)
