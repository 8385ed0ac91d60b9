"""Compare mode's lab floor (issue #21): two States of one topic on one step clock.

``Comparison`` (two States, saveable), ``Stepper`` (steps both in one call and returns the
``Pair``: both States and Results and the figures table), ``TOPICS`` (per topic: shared data
fields, presets of classic contrasts, figures), ``preset(topic, name, seed)`` and
``match_preset`` (the CLI's rule: case-insensitive, by a name's start). No Qt.
"""

from __future__ import annotations

from prmlab.lab.compare._core import (
    Comparison,
    Figure,
    Pair,
    Stepper,
    Topic,
    figures,
    match_preset,
    shared_data,
    side_titles,
)
from prmlab.lab.compare._topics import TOPICS


def presets(topic: str) -> tuple[str, ...]:
    """The comparison presets of ``topic`` (a panel's name), the default first."""
    return tuple(TOPICS[topic].presets)


def preset(topic: str, name: str | None = None, seed: int = 0) -> Comparison:
    """The comparison preset of ``topic`` that ``name`` matches (``match_preset``; None: the
    first) for ``seed``."""
    found = match_preset(presets(topic), name)
    left, right = TOPICS[topic].presets[found](seed)
    return Comparison(left, right, found)


def stepper(comparison: Comparison) -> Stepper:
    """A ``Stepper`` of both sides of ``comparison``."""
    return Stepper(TOPICS[comparison.topic], comparison)


__all__ = [
    "TOPICS",
    "Comparison",
    "Figure",
    "Pair",
    "Stepper",
    "Topic",
    "figures",
    "match_preset",
    "preset",
    "presets",
    "shared_data",
    "side_titles",
    "stepper",
]
