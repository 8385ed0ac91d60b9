"""Benchmark workloads of the data topic (filled in by its issue)."""

from __future__ import annotations

from prmlab.bench import Workload


def workloads(quick: bool) -> list[Workload]:
    return []
