"""Python's cyclic garbage collection, run on the GUI thread only (the app and its tests)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadGarbageCollector(QObject):
    """Runs Python's cyclic garbage collection on the GUI thread only.

    Left automatic, a collection can start in whichever thread allocates, e.g. a worker
    compiling a Numba kernel, and destroy a Qt object there: Qt objects must die on their own
    thread, and in practice the worker then deadlocks on the GIL inside ``QObject::~QObject``.
    So automatic collection is switched off and this timer collects, generation by
    generation, with the thresholds the interpreter itself would use. The timer is frequent,
    so each young generation is small (500 ms of allocations took ~50 ms to scan), and what
    exists at start-up (modules, compiled kernels: most of the heap) is frozen out of every
    collection (a full one took ~150 ms, a long stall).

    A full collection also waits, as the interpreter's own does (CPython's ``gc_collect_main``
    rule), until the objects promoted to the oldest generation since the last one exceed a
    quarter of those it kept: without that rule one ran every tenth middle collection, and
    once panels and kernels had built up (~1M objects) each cost ~120 ms mid-demo.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 50) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.long_lived_total = 0  # objects the last full collection kept
        self.long_lived_pending = 0  # promoted to the oldest generation since
        self.freeze()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def freeze(self) -> None:
        """Collect, then keep every object alive now out of later collections (call it
        again once the start-up objects, e.g. the main window, exist)."""
        gc.collect()
        gc.freeze()
        self.long_lived_total = self.long_lived_pending = 0

    def check(self) -> None:
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            if generation == 2:
                if self.long_lived_pending <= self.long_lived_total // 4:
                    break
                gc.collect(2)
                self.long_lived_total = len(gc.get_objects(generation=2))
                self.long_lived_pending = 0
            elif generation == 1:
                # the young generations' survivors move to the oldest
                young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
                self.long_lived_pending += young - gc.collect(1)
            else:
                gc.collect(0)

    def stop(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
