"""The whiteboard: each topic's equations for the step just taken, with its numbers.

Qt-free. A topic module ``prmlab.lab.whiteboard.<topic>`` has ``board(state, result,
selection=None) -> Board``: the step's equations as LaTeX (``Equation.symbolic``), the same
equations with this step's numbers (``Equation.live``, a template whose ``\\slot{name}``
cells take ``Equation.values[name]``: a number, or an array shown as a matrix) and the
topic's derivation in a few lines, each naming what it is on the plot. The numbers come
from the lab's State and Result (which the engine computed), or from public engine calls.
``selection`` is what the numbers are about (a point index, a time step, a trellis cell):
each topic documents its default.

``board_for(state, result, selection)`` picks the topic by ``state.TOPIC``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# panel names (State.TOPIC) with a board in their pane
TOPICS = ("gmm", "pca", "track", "svm", "inference", "linear", "hmm", "mcmc")


@dataclass(frozen=True)
class Equation:
    """One equation of a step: ``caption`` (plain text: what it computes), ``symbolic``
    (LaTeX, no slots) and ``live`` (LaTeX with ``\\slot{name}`` cells) with ``values``."""

    caption: str
    symbolic: str
    live: str = ""
    values: Mapping[str, float | np.ndarray] = field(default_factory=dict)

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each slot's shape: () for a number, the array's shape for a matrix."""
        return {name: tuple(np.shape(v)) for name, v in self.values.items()}


@dataclass(frozen=True)
class Line:
    """A line of a derivation: LaTeX and what it is on the plot (plain text)."""

    latex: str
    on_plot: str


@dataclass(frozen=True)
class Bound:
    """A bound drawn as a bar: ``lower`` (filled) under ``total``, the gap between them;
    ``before`` (None: not shown) marks the total before the step. Labels are plain text."""

    lower: float
    total: float
    before: float | None = None
    lower_label: str = "L(q, θ)"
    gap_label: str = "KL(q‖p)"
    total_label: str = "log p(X|θ)"
    before_label: str = "before"


@dataclass(frozen=True)
class Board:
    """What the pane shows for one step: a ``title`` (the step), its ``equations``, the
    ``derivation`` (4-8 lines), ``notes`` (notation and conventions, plain text) and a
    ``bound`` drawn as a bar (EM's)."""

    title: str
    equations: tuple[Equation, ...]
    derivation: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()
    bound: Bound | None = None


def board_for(state: Any, result: Any, selection: Any = None) -> Board | None:
    """The board of ``state``'s topic for ``result`` (None: no board for this topic yet,
    or nothing computed)."""
    topic = getattr(state, "TOPIC", "")
    if topic not in TOPICS or result is None:
        return None
    module = importlib.import_module(f"prmlab.lab.whiteboard.{topic}")
    return module.board(state, result, selection)
