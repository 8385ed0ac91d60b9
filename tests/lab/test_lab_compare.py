"""Compare mode's lab floor: two States of one topic stepped together, deterministically."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prmlab.lab import compare, gmm, mcmc, svm
from prmlab.lab.compare import Comparison, Figure
from prmlab.lab.session import PanelState, Session, load_session, save_session


def _figures_without_timing(pair: compare.Pair) -> list[tuple[str, float, float]]:
    # NaN as a string, so that equal tables compare equal
    return [(f.name, repr(f.left), repr(f.right)) for f in pair.figures if "/s" not in f.name]


@pytest.mark.parametrize("topic", ["mcmc", "gmm", "svm"])
def test_stepping_both_sides_is_deterministic(topic):
    runs = []
    for _ in range(2):
        stepper = compare.stepper(compare.preset(topic))
        pairs = [stepper.reset(), stepper.step(), stepper.step(), stepper.step()]
        runs.append(pairs)
    for a, b in zip(*runs):
        assert all(x.same_as(y) for x, y in zip(a.states, b.states))
        assert _figures_without_timing(a) == _figures_without_timing(b)
    # both sides moved on the one clock, each by its own Experiment
    last = runs[0][-1]
    assert compare.presets(topic)[0] == compare.preset(topic).preset
    assert not last.states[0].same_as(last.states[1])


def test_each_side_equals_its_own_experiment_run_alone():
    comparison = compare.preset("mcmc", "MH vs HMC")
    stepper = compare.stepper(comparison)
    stepper.reset()
    pair = [stepper.step() for _ in range(3)][-1]
    for state, result in zip(comparison.sides, pair.results):
        alone = mcmc.Experiment(state)
        alone.reset()
        for _ in range(3):
            expected = alone.step()
        np.testing.assert_array_equal(result.chains, expected.chains)
    assert pair.states[0].steps == pair.states[1].steps == 30


@pytest.mark.parametrize("topic", sorted(compare.TOPICS))
def test_every_topic_has_two_presets_that_differ_and_figures(topic):
    names = compare.presets(topic)
    assert len(names) >= 2
    comparison = compare.preset(topic, names[0], seed=1)
    assert not comparison.left.same_as(comparison.right)
    assert comparison.topic == topic
    stepper = compare.stepper(comparison)
    # what each side's State shows (SVM: the finished fit), then one step on the clock
    pairs = [stepper.show(), stepper.step()]
    assert all(p.figures and all(isinstance(f, Figure) for f in p.figures) for p in pairs)
    assert any(f.differs for p in pairs for f in p.figures)
    assert compare.side_titles(compare.TOPICS[topic], comparison) != ("A", "B")


def test_editing_the_data_of_one_side_edits_the_other():
    topic = compare.TOPICS["svm"]
    comparison = compare.preset("svm", "linear vs rbf")
    moved = comparison.left.replace(X=comparison.left.X + 1.0)
    right = compare.shared_data(topic, moved, comparison.right)
    np.testing.assert_array_equal(right.X, moved.X)
    assert (right.kernel, moved.kernel) == ("rbf", "linear")  # the parameters stay apart
    assert compare.shared_data(topic, moved, right) is right  # nothing to copy: unchanged


@pytest.mark.parametrize(
    ("wanted", "found"),
    [
        (None, "MH vs HMC on the banana"),
        ("", "MH vs HMC on the banana"),
        ("MH vs HMC", "MH vs HMC on the banana"),
        ("mh  VS gibbs", "MH vs Gibbs on the correlated Gaussian"),
        ("small", "Small vs large MH steps on the donut"),
    ],
)
def test_a_preset_name_matches_by_its_start_ignoring_case(wanted, found):
    assert compare.match_preset(compare.presets("mcmc"), wanted) == found


def test_an_unknown_preset_name_lists_the_presets():
    with pytest.raises(ValueError, match="no comparison preset starts with 'banana'") as info:
        compare.preset("mcmc", "banana")
    assert all(name in str(info.value) for name in compare.presets("mcmc"))


def test_sides_of_two_topics_are_refused():
    with pytest.raises(ValueError, match="States of one topic"):
        Comparison(svm.preset("XOR"), gmm.preset("Old Faithful"))


def test_a_comparison_round_trips_through_a_session_file(tmp_path):
    comparison = compare.preset("gmm", "k-means vs GMM")
    tree = comparison.to_dict()
    path = save_session(
        tmp_path / "c.prmlab",
        Session(panels={"gmm": PanelState(1, {"compare": tree})}, current="gmm"),
    )
    loaded = load_session(path).panels["gmm"].state["compare"]
    back = Comparison.from_dict(loaded, gmm.State)
    assert back.preset == comparison.preset
    assert back.left.same_as(comparison.left) and back.right.same_as(comparison.right)
    with pytest.raises(ValueError, match="cannot open in the 'svm' panel"):
        Comparison.from_dict(loaded, svm.State)


def test_figure_marks_the_better_side():
    assert Figure("ESS", 10.0, 40.0, "higher").winner == 1
    assert Figure("R̂", 1.01, 1.5, "lower").winner == 0
    assert Figure("acceptance", 0.2, 0.9, "").winner is None
    assert Figure("BIC", math.nan, 3.0, "lower").winner is None
    assert Figure("BIC", math.nan, 3.0, "lower").differs
    assert not Figure("x", 1.0, 1.0, "lower").differs
