"""LabState round-trips through plain data and sessions; History stays within its budget."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest

from prmlab.lab import session as S
from prmlab.lab._state import LabState
from prmlab.lab.history import History, nbytes_of


@dataclass(frozen=True, eq=False)
class Model(LabState):
    kernel: str = "rbf"
    C: float = 1.0
    degree: int | None = None


@dataclass(frozen=True, eq=False)
class Demo(LabState):
    TOPIC = "demo"
    VERSION = 2
    points: np.ndarray
    model: Model = field(default_factory=Model)
    window: tuple[float, float] = (0.0, 1.0)
    names: tuple[str, ...] = ()
    seed: int = 0
    iteration: int = 0
    note: str | None = None
    flag: bool = False


def _demo() -> Demo:
    return Demo(
        points=np.arange(6.0).reshape(3, 2),
        model=Model("poly", math.inf, 3),
        window=(-1.0, 2.5),
        names=("x1", "x2"),
        seed=4,
        iteration=7,
    )


def test_round_trip_through_a_session_is_exact(tmp_path):
    state = _demo()
    path = S.save_session(
        tmp_path / "s.prmlab", S.Session({"demo": S.PanelState(2, state.to_dict())})
    )
    back = Demo.from_dict(S.load_session(path).panels["demo"].state)
    assert back.same_as(state) and back is not state
    assert math.inf == back.model.C and back.window == (-1.0, 2.5) and back.names == ("x1", "x2")
    assert not back.same_as(state.replace(iteration=8))


def test_from_dict_names_what_is_wrong():
    good = _demo().to_dict()
    with pytest.raises(ValueError, match="unknown field"):
        Demo.from_dict({**good, "evil": 1})
    with pytest.raises(ValueError, match="'points' is missing"):
        Demo.from_dict({k: v for k, v in good.items() if k != "points"})
    with pytest.raises(ValueError, match=r"Demo.seed: expected a whole number"):
        Demo.from_dict({**good, "seed": "4"})
    with pytest.raises(ValueError, match=r"Demo.seed: expected a whole number"):
        Demo.from_dict({**good, "seed": True})
    with pytest.raises(ValueError, match=r"Model.C: expected a number"):
        Demo.from_dict({**good, "model": {**good["model"], "C": [1]}})
    with pytest.raises(ValueError, match="expected 2 values"):
        Demo.from_dict({**good, "window": [1.0]})
    with pytest.raises(ValueError, match="numeric array"):
        Demo.from_dict({**good, "points": [[1, 2]]})
    assert Demo.from_dict({"points": np.zeros((0, 2))}).model.kernel == "rbf"  # defaults


def test_states_are_frozen():
    with pytest.raises(AttributeError):
        _demo().seed = 3


def test_history_keeps_the_newest_and_thins_within_its_budget():
    entry = np.zeros(1000)  # 8 kB each
    history: History[np.ndarray] = History(budget=80_000)
    for position in range(100):
        history.record(position, entry)
        assert history.nbytes <= 80_000
    assert history.positions[0] == 0 and history.last[0] == 99
    assert history.get(99) is entry
    position, _ = history.at_or_before(98)
    assert position <= 98 and position in history.positions
    assert history.at_or_before(-1) is None


def test_recording_earlier_starts_a_new_future():
    history: History[str] = History()
    for position, entry in enumerate("abcde"):
        history.record(position, entry)
    history.record(2, "C")
    assert history.positions == (0, 1, 2) and history.get(2) == "C" and history.get(3) is None


def test_nbytes_of_walks_dataclasses_and_containers():
    state = _demo()
    assert nbytes_of(state) == state.points.nbytes
    assert nbytes_of({"a": [np.zeros(3), (np.zeros(2),)]}) == 40
