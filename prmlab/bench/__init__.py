"""``python -m prmlab.bench``: each engine workload beside its reference library, as a ratio.

Each topic module here (``data``, ``svm``, ``pca``, ``gmm``, ``hmm``, ``track``, ``mcmc``) has
``workloads(quick: bool) -> list[Workload]``. References are imported inside those functions,
so a missing test extra only drops the reference column.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOPICS = ("data", "svm", "pca", "gmm", "hmm", "track", "mcmc")


@dataclass
class Workload:
    """One timed task: ``run`` is prmlab's, ``run_reference`` the library a user would pick."""

    name: str
    run: Callable[[], Any]
    reference: str | None = None
    run_reference: Callable[[], Any] | None = None
    goal: float | None = None  # the target for prmlab_s / reference_s
    repeat: int = 3


@dataclass
class Timing:
    workload: str
    prmlab_s: float
    reference: str | None
    reference_s: float | None
    goal: float | None

    @property
    def ratio(self) -> float | None:
        if self.reference_s is None or self.reference_s <= 0:
            return None
        return self.prmlab_s / self.reference_s

    def as_dict(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "prmlab_s": round(self.prmlab_s, 6),
            "reference": self.reference,
            "reference_s": None if self.reference_s is None else round(self.reference_s, 6),
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "goal": self.goal,
        }


def _seconds(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def time_workload(w: Workload) -> Timing:
    """Warm both sides once (JIT, caches), then interleave A B A B and keep each side's best."""
    w.run()
    if w.run_reference is not None:
        w.run_reference()
    ours, theirs = [], []
    for _ in range(max(1, w.repeat)):
        ours.append(_seconds(w.run))
        if w.run_reference is not None:
            theirs.append(_seconds(w.run_reference))
    return Timing(w.name, min(ours), w.reference, min(theirs) if theirs else None, w.goal)


def collect(topics: tuple[str, ...] = TOPICS, quick: bool = False) -> list[Workload]:
    """The workloads of the given topics, in order."""
    out: list[Workload] = []
    for topic in topics:
        module = importlib.import_module(f"prmlab.bench.{topic}")
        out.extend(module.workloads(quick))
    return out
