"""prmlab: a visual lab for classic pattern recognition."""

import os

# OpenBLAS's idle threads spin for ~0.1 s (2^28 cycles) after each call before they sleep,
# taking the cores from the GUI thread and from the engine's own threads in that time
# (measured: PCA's split product, 20 ms alone, took 30-40 ms right after a BLAS call).
# 2^4 cycles: they sleep at once, and the next call wakes them (microseconds). Read when
# NumPy loads OpenBLAS, so only before that; a value already in the environment wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

__version__ = "0.1.0"
