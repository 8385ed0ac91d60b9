"""Compile (first start) or load from the disk cache (later starts) every engine kernel."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass

from prmlab.engine import TOPICS


@dataclass(frozen=True)
class WarmupStep:
    topic: str
    progress: float


def warmup_all(topics: tuple[str, ...] = TOPICS) -> Iterator[WarmupStep]:
    """Run each topic module's ``warmup()``; yields after each topic so a worker can cancel."""
    for i, topic in enumerate(topics):
        name = f"prmlab.engine.{topic}"
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            warm = getattr(module, "warmup", None)
            if warm is not None:
                warm()
        yield WarmupStep(topic, (i + 1) / len(topics))
