"""Process-wide tuning for prmlab's own entry points (the app, the benchmark); no Qt.

Importing prmlab changes nothing in the user's process: a notebook or script that imports the
engine keeps its environment, its Numba config and its thread priorities. Only a process that
prmlab starts itself (``main.py``, ``python -m prmlab``, ``python -m prmlab.bench``) calls
``tune_process()``, first thing, before NumPy loads: OpenBLAS and GNU OpenMP read their
settings from the environment once, when they load.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings

log = logging.getLogger("prmlab")

# OpenBLAS's idle threads spin for ~0.1 s (2^28 cycles) after each call before they sleep,
# taking the cores from the GUI thread and from the engine's own threads in that time
# (measured: PCA's split product, 20 ms alone, took 30-40 ms right after a BLAS call).
# 2^4 cycles: they sleep at once, and the next call wakes them (microseconds).
# GNU OpenMP's default spin after a parallel kernel (300,000 turns) steals both cores from the
# next BLAS call or the GUI thread; passive waiting makes kernels that run parallel loops back
# to back pay a wake-up each time (the particle filter: 30% slower). A short spin keeps the
# wake-ups and gives the cores back. A value the user exported wins.
ENVIRONMENT = {"OPENBLAS_THREAD_TIMEOUT": "4", "GOMP_SPINCOUNT": "10000"}

# Numba's threading layers that allow two threads to launch parallel kernels at once, in
# Numba's own order of preference; the default "workqueue" layer aborts the process then.
THREAD_SAFE_LAYERS = ("tbb", "omp")


def tune_process() -> str | None:
    """Tune this process for prmlab's workloads; returns the threading layer chosen.

    Call it before NumPy is imported (a warning is logged otherwise: the BLAS settings then
    have no effect). Sets the variables of ``ENVIRONMENT`` that the user did not set, and
    makes Numba use a thread-safe threading layer when one loads (None: none loads here, so
    the engine runs its parallel kernels one call at a time).
    """
    if "numpy" in sys.modules:
        log.warning("prmlab: NumPy was imported before tune_process(): BLAS settings ignored")
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    return select_threading_layer()


def select_threading_layer() -> str | None:
    """Make Numba use the first thread-safe layer that loads; None (with a log line) if none.

    A layer the user chose with ``NUMBA_THREADING_LAYER`` is kept.
    """
    import numba

    if os.environ.get("NUMBA_THREADING_LAYER"):
        return None
    for layer in THREAD_SAFE_LAYERS:
        if _layer_loads(layer):
            numba.config.THREADING_LAYER = layer
            return layer
    log.info(
        "prmlab: no thread-safe Numba threading layer (tbb, omp) loads here: "
        "parallel kernels run one call at a time"
    )
    return None


def _layer_loads(layer: str) -> bool:
    """Whether Numba's ``layer`` pool loads here, checked as Numba checks it when it launches."""
    try:
        if layer == "tbb":  # Numba also refuses a TBB older than 2021.6
            from numba.np.ufunc.parallel import _check_tbb_version_compatible

            with warnings.catch_warnings():  # its NumbaWarning: the log line says it instead
                warnings.simplefilter("ignore")
                _check_tbb_version_compatible()
        importlib.import_module(f"numba.np.ufunc.{layer}pool")
    except (ImportError, OSError):  # the library (libtbb, libgomp) is not installed
        return False
    return True
