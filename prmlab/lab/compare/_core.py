"""A comparison: two States of one topic stepped on one clock, and the figures that tell
them apart.

``Comparison(left, right)`` is saveable like a State (``to_dict`` / ``from_dict``); a
``Stepper`` advances both sides in one call, so a job that yields its ``Pair`` never lets the
sides drift apart; ``figures`` lines up each side's numbers (``Figure``) with the better one
marked. The topics' presets and figures are in ``_topics``.
"""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prmlab.lab._state import LabState

# a side's figures: (name, value, better) with better "higher", "lower" or "" (no order)
SideFigures = tuple[tuple[str, float, str], ...]


@dataclass(frozen=True)
class Topic:
    """What comparing two States of a topic needs.

    ``module`` the lab module (``Experiment``, ``State``); ``data`` the State fields both
    sides share (editing a point edits both); ``varying`` the parameters a preset sets apart
    (named in the column titles); ``presets`` name -> ``f(seed) -> (left, right)``, the first
    is the default; ``figures(state, result, seconds)`` a side's numbers.
    """

    module: str
    data: tuple[str, ...]
    varying: tuple[str, ...]
    presets: dict[str, Callable[[int], tuple[LabState, LabState]]]
    figures: Callable[[Any, Any, float], SideFigures]

    def lab(self) -> Any:
        return importlib.import_module(self.module)


@dataclass(frozen=True)
class Figure:
    """One row of the figures table: ``name``, each side's value, which is better."""

    name: str
    left: float
    right: float
    better: str = ""  # "higher", "lower" or "" (the values only differ)

    @property
    def winner(self) -> int | None:
        """0 (left), 1 (right) or None: equal, not comparable or no better direction."""
        a, b = self.left, self.right
        if not self.better or not (math.isfinite(a) and math.isfinite(b)):
            return None
        if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            return None
        return int((b > a) == (self.better == "higher"))

    @property
    def differs(self) -> bool:
        """The sides' values are not the same (NaN equals NaN)."""
        a, b = self.left, self.right
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) != math.isnan(b)
        return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two States of one topic: ``left`` and ``right`` (``preset``: the comparison preset's
    name, "" for one the user made)."""

    left: LabState
    right: LabState
    preset: str = ""

    def __post_init__(self) -> None:
        if type(self.left) is not type(self.right):
            raise ValueError(
                "a comparison's sides must be States of one topic, got "
                f"{type(self.left).__name__} of {self.left.TOPIC!r} and "
                f"{type(self.right).__name__} of {self.right.TOPIC!r}"
            )

    @property
    def topic(self) -> str:
        return self.left.TOPIC

    @property
    def sides(self) -> tuple[LabState, LabState]:
        return (self.left, self.right)

    def with_side(self, side: int, state: LabState) -> Comparison:
        """This comparison with side ``side`` (0 left, 1 right) set to ``state``."""
        left, right = (state, self.right) if side == 0 else (self.left, state)
        return Comparison(left, right, self.preset)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "preset": self.preset,
            "left": self.left.to_dict(),
            "right": self.right.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], state_class: type[LabState]) -> Comparison:
        """The comparison ``to_dict`` gave ``data``, both sides ``state_class`` States;
        ValueError naming what is wrong."""
        if not isinstance(data, dict) or not {"left", "right"} <= set(data):
            raise ValueError("a comparison needs its 'left' and 'right' States")
        if data.get("topic", state_class.TOPIC) != state_class.TOPIC:
            raise ValueError(
                f"a comparison of {data.get('topic')!r} cannot open in the "
                f"{state_class.TOPIC!r} panel"
            )
        preset = data.get("preset", "")
        if not isinstance(preset, str):
            raise ValueError(f"comparison preset: expected text, got {preset!r}")
        left = state_class.from_dict(data["left"])
        return cls(left, state_class.from_dict(data["right"]), preset)


def shared_data(topic: Topic, source: LabState, target: LabState) -> LabState:
    """``target`` with ``source``'s data fields (the same object when they already agree)."""
    changes = {
        name: getattr(source, name)
        for name in topic.data
        if not _same(getattr(source, name), getattr(target, name))
    }
    return target.replace(**changes) if changes else target


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and bool(np.array_equal(a, b))
        )
    if isinstance(a, LabState) and isinstance(b, LabState):
        return a.same_as(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def side_titles(topic: Topic, comparison: Comparison) -> tuple[str, str]:
    """Each side named by the varying parameters in which the sides differ
    ("method = mh" / "method = hmc"); "A" / "B" when none does."""
    left, right = comparison.sides
    names = [n for n in topic.varying if not _same(getattr(left, n), getattr(right, n))]
    if not names:
        return ("A", "B")
    return tuple(  # type: ignore[return-value]
        ", ".join(f"{n} = {_shown(getattr(s, n))}" for n in names) for s in (left, right)
    )


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Pair:
    """Both sides after one move of the clock: their States and Results, and the figures."""

    states: tuple[LabState, LabState]
    results: tuple[Any, Any]
    figures: tuple[Figure, ...]
    finished: bool = False

    @property
    def comparison(self) -> Comparison:
        return Comparison(*self.states)


@dataclass
class Stepper:
    """Advances both sides of ``comparison`` together through their topic's Experiment:
    ``reset``, ``step``, ``run_to`` and ``show`` each move both and return the ``Pair``. The
    same comparison and calls give the same States and Results (``seconds``, the time each
    side's work took, only enters figures per second)."""

    topic: Topic
    comparison: Comparison
    seconds: list[float] = field(default_factory=lambda: [0.0, 0.0])

    def __post_init__(self) -> None:
        lab = self.topic.lab()
        self._experiments = [lab.Experiment(s) for s in self.comparison.sides]

    def _both(self, call: Callable[[Any], Any]) -> Pair:
        results = []
        for i, experiment in enumerate(self._experiments):
            start = time.perf_counter()
            results.append(call(experiment))
            self.seconds[i] += time.perf_counter() - start
        states = tuple(e.state for e in self._experiments)
        self.comparison = Comparison(*states, self.comparison.preset)
        return Pair(
            states,  # type: ignore[arg-type]
            tuple(results),  # type: ignore[arg-type]
            figures(self.topic, states, results, self.seconds),
            all(_finished(e) for e in self._experiments),
        )

    def reset(self) -> Pair:
        self.seconds[:] = [0.0, 0.0]
        return self._both(lambda e: e.reset())

    def step(self) -> Pair:
        return self._both(lambda e: e.step())

    def run_to(self, position: int) -> Pair:
        return self._both(lambda e: e.run_to(position))

    def show(self) -> Pair:
        """Each side's Result at its own State's position."""
        return self._both(_show)


def _show(experiment: Any) -> Any:
    show = getattr(experiment, "show", None)
    if show is not None:
        return show()
    return experiment.run_to(_position(experiment.state))


# the field holding the stepper's position, by topic (the contract names it per topic)
POSITION_FIELDS = ("position", "iteration", "steps", "t")


def _position(state: LabState) -> int:
    for name in POSITION_FIELDS:
        if hasattr(state, name):
            return int(getattr(state, name))
    return 0


def _finished(experiment: Any) -> bool:
    done = getattr(experiment, "finished", False)
    return bool(done() if callable(done) else done)


def figures(
    topic: Topic,
    states: tuple[Any, ...],
    results: list[Any] | tuple[Any, ...],
    seconds: list[float],
) -> tuple[Figure, ...]:
    """The two sides' figures row by row (a row one side lacks shows NaN there)."""
    left, right = (
        {name: (value, better) for name, value, better in topic.figures(s, r, t)}
        for s, r, t in zip(states, results, seconds)
    )
    rows = []
    for name in dict.fromkeys((*left, *right)):
        a, b = left.get(name), right.get(name)
        better = (a or b)[1]
        rows.append(Figure(name, _value(a), _value(b), better))
    return tuple(rows)


def _value(entry: tuple[float, str] | None) -> float:
    return math.nan if entry is None else float(entry[0])


def match_preset(names: tuple[str, ...] | list[str], wanted: str | None) -> str:
    """The preset ``wanted`` names: case-insensitively its start ("mh vs hmc" finds "MH vs HMC
    on the banana"); None or "" gives the first. ValueError listing the presets otherwise."""
    if not names:
        raise ValueError("this panel has no comparison presets")
    if not wanted:
        return names[0]
    key = " ".join(wanted.split()).casefold()
    for name in names:
        if name.casefold().startswith(key):
            return name
    listed = "; ".join(f'"{n}"' for n in names)
    raise ValueError(f"compare: no comparison preset starts with {wanted!r}; the presets: {listed}")
