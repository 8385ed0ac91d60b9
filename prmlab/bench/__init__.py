"""``python -m prmlab.bench``: each engine workload beside its reference library, as a ratio.

Each topic module here (``data``, ``svm``, ``pca``, ``gmm``, ``hmm``, ``track``, ``mcmc``,
``pgm``, ``linear``) has
``workloads(quick: bool) -> list[Workload]``. References are imported inside those functions,
so a missing test extra only drops the reference column.

Measured as a user's notebook would run: NumPy is imported before prmlab (below) and no
environment variable is set. A workload that uses threads is also timed with prmlab on one
thread (a child process with ``NUMBA_NUM_THREADS=1``), and ``--fresh`` times every workload in
a process of its own.
"""

from __future__ import annotations

# Before any prmlab module, as in a notebook: BLAS then starts with its own defaults.
import numpy  # noqa: F401  isort: skip

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOPICS = ("data", "svm", "pca", "gmm", "hmm", "track", "mcmc", "pgm", "linear")


@dataclass
class Workload:
    """One timed task: ``run`` is prmlab's, ``run_reference`` the library a user would pick."""

    name: str
    run: Callable[[], Any]
    reference: str | None = None
    run_reference: Callable[[], Any] | None = None
    goal: float | None = None  # the target for prmlab_s / reference_s
    repeat: int = 3
    parallel: bool = False  # prmlab's side uses threads: also timed on one thread


@dataclass
class Timing:
    workload: str
    prmlab_s: float
    reference: str | None
    reference_s: float | None
    goal: float | None
    ratio_1thread: float | None = None  # prmlab on one thread against the same reference

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
            "ratio_1thread": None if self.ratio_1thread is None else round(self.ratio_1thread, 4),
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


def time_in_child(topic: str, index: int, quick: bool, one_thread: bool) -> dict[str, Any]:
    """Time workload ``index`` of ``topic`` in a fresh interpreter (``python -m prmlab.bench
    --child``), with ``NUMBA_NUM_THREADS=1`` there when ``one_thread``; returns its
    ``Timing.as_dict()``. Only the child's environment is changed."""
    env = dict(os.environ)
    if one_thread:
        env["NUMBA_NUM_THREADS"] = "1"
    command = [sys.executable, "-m", "prmlab.bench", "--child", str(index), "--topics", topic]
    done = subprocess.run(
        command + (["--quick"] if quick else []), env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench child {topic}[{index}] failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
