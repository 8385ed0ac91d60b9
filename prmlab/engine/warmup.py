"""Compile (first start) or load from the disk cache (later starts) every engine kernel."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from prmlab.engine import TOPICS


@dataclass(frozen=True)
class WarmupStep:
    """Where a warm-up is: ``topic`` is being prepared now ("" once all are ready)."""

    topic: str
    done: int  # topics ready
    total: int

    @property
    def progress(self) -> float:
        return self.done / self.total if self.total else 1.0


def warmup_order(first: tuple[str, ...], topics: tuple[str, ...] = TOPICS) -> tuple[str, ...]:
    """``topics`` with those in ``first`` (the panel on screen) moved to the front."""
    return tuple(t for t in first if t in topics) + tuple(t for t in topics if t not in first)


def prepare_compiler() -> None:
    """Set up Numba's typing and target registries: what the first kernel call of a process
    pays (~1 s even when every kernel loads from the cache), paid here by whoever calls this
    (a worker at start-up) instead. Ends ``defer_registries``."""
    try:
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target
    except ImportError:  # moved in another Numba: the first kernel call pays it, as before
        return
    restore_cache_loader()
    # The contexts are built first, under their own lock: Numba builds a context holding that
    # lock and then takes the compiler lock, so taking them in the other order could deadlock
    # against a thread defining a kernel meanwhile.
    typing_context, target_context = cpu_target.typing_context, cpu_target.target_context
    with global_compiler_lock:  # as Numba's own compile does: not beside another thread's
        typing_context.refresh()
        target_context.refresh()


_full_cache_loader = None  # Numba's own ``Cache.load_overload`` while ``defer_registries`` is on


def defer_registries() -> None:
    """Until ``prepare_compiler`` runs, a kernel loaded from Numba's disk cache starts only
    Numba's runtime (NRT), not its compiler's registries. For the app's start-up only.

    Numba's cache loader refreshes the target context before every load: it imports Numba's
    ~150 implementation modules and SciPy's linalg (for ``np.dot``'s BLAS), ~0.2 s of a 0.9 s
    start-up, measured; a kernel rebuilt from the cache needs none of them (they serve
    compiling), only the runtime the refresh starts (without it the first call crashed). A
    compile still refreshes (Numba's compiler does it itself), and the warm-up after the first
    demo runs ``prepare_compiler``. This replaces ``numba.core.caching.Cache.load_overload``
    (numba < 0.69, pinned); tests run the SVM demo and a parallel particle filter loaded both
    ways (the same results) and check the method it replaces is still as it was (the eight
    panels' screenshots, loaded both ways, were the same pixels).
    """
    global _full_cache_loader
    try:
        from numba.core.caching import Cache
        from numba.core.runtime import rtsys
    except ImportError:  # moved in another Numba: loads refresh as before
        return
    if _full_cache_loader is not None:
        return
    _full_cache_loader = Cache.load_overload

    def load_overload(self, sig, target_context):
        rtsys.initialize(target_context)  # what running a rebuilt kernel needs of the refresh
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)

    Cache.load_overload = load_overload


def restore_cache_loader() -> None:
    """Numba's own cache loader again, after ``defer_registries`` (else nothing)."""
    global _full_cache_loader
    if _full_cache_loader is not None:
        from numba.core.caching import Cache

        Cache.load_overload = _full_cache_loader
        _full_cache_loader = None


def kernel_cache_is_empty(topics: tuple[str, ...]) -> bool:
    """Whether none of the kernels of ``topics`` is in Numba's disk cache: a first start, when
    compiling them takes a minute or more (False when it cannot tell)."""
    try:
        from numba.core.dispatcher import Dispatcher
    except ImportError:
        return False
    kernels = []
    for topic in topics:
        importlib.import_module(f"prmlab.engine.{topic}")
    for name, module in list(sys.modules.items()):
        if name.startswith("prmlab.engine."):
            kernels += [k for k in vars(module).values() if isinstance(k, Dispatcher)]
    index_files = [
        getattr(getattr(k._cache, "_cache_file", None), "_index_path", None) for k in kernels
    ]
    known = [path for path in index_files if path is not None]
    return bool(known) and not any(os.path.exists(path) for path in known)


def prepare_first(topics: tuple[str, ...]) -> Iterator[WarmupStep]:
    """Start-up's early warm-up: on a first start (nothing cached) Numba's compiler and the
    kernels of ``topics``, so the status bar says what the long wait is. From the cache those
    few load with the panel's first run instead, and the compiler waits for the warm-up after
    it (both here would hold the GIL the GUI's imports need)."""
    if kernel_cache_is_empty(topics):
        yield from warmup_all(topics)


def warmup_all(topics: tuple[str, ...] = TOPICS) -> Iterator[WarmupStep]:
    """Run each topic module's ``warmup()``; yields before each topic (so a status bar can say
    what is being prepared, and a worker can cancel) and once when all are ready."""
    total = len(topics)
    for i, topic in enumerate(topics):
        yield WarmupStep(topic, i, total)
        if i == 0:
            prepare_compiler()
        warm = getattr(importlib.import_module(f"prmlab.engine.{topic}"), "warmup", None)
        if warm is not None:
            warm()
    yield WarmupStep("", total, total)
