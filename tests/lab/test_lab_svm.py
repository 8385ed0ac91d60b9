"""The SVM lab without Qt: presets, the fit and the SMO replay equal to the engine's,
deterministic steps and run_to, sessions, the margin arrow, tables and the export."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from prmlab.data import Dataset
from prmlab.engine.svm import SVC
from prmlab.lab import session as S
from prmlab.lab import svm


@pytest.fixture(scope="module")
def moons() -> svm.State:
    return svm.demo(seed=0)


def test_presets_store_their_points_and_kernel():
    for name in svm.PRESETS:
        state = svm.preset(name, seed=3)
        assert state.X.shape == (len(state.labels), 2) and set(state.labels) == {0, 1}
        assert state.kernel == svm.PRESET_KERNEL.get(name, "rbf") and state.seed == 3
        assert state.same_as(svm.preset(name, seed=3))
        assert not state.same_as(svm.preset(name, seed=4))
        x0, x1, y0, y1 = state.extent
        assert x0 < state.X[:, 0].min() and state.X[:, 1].max() < y1
    with pytest.raises(ValueError, match="preset must be one of"):
        svm.preset("Spirals")


def test_the_fit_is_the_engines(moons):
    result = svm.Experiment(moons).fit()
    model = SVC(C=10.0, kernel="rbf", gamma=2.0).fit(moons.X, moons.labels)
    alpha = np.zeros(len(moons.X))
    alpha[model.support_] = model.alpha_
    np.testing.assert_allclose(result.alpha, alpha)
    assert result.b == pytest.approx(model.intercept_[0]) and result.n_iter == model.n_iter_
    np.testing.assert_allclose(result.f_train, model.decision_function(moons.X))
    assert result.converged and not result.stepping and result.history[0, 1] == 0.0
    assert result.grid.shape == (svm.GRID, svm.GRID) and set(result.contours) == {-1, 0, 1}
    assert result.n_sv == len(model.support_)
    assert result.accuracy == pytest.approx(100 * model.score(moons.X, moons.labels))


def test_replay_steps_run_to_and_reset_are_deterministic(moons):
    exp = svm.Experiment(moons.replace(pairs_per_step=2))
    first = exp.step()  # no replay yet: its first frame, alpha = 0
    assert exp.state.replay and exp.state.position == 0 and first.pair is None
    assert not first.alpha.any() and first.stepping
    for _ in range(3):
        stepped = exp.step()
    assert exp.state.position == 6 and stepped.pair is not None
    assert stepped.history.shape == (7, 2) and np.all(np.diff(stepped.history[:, 1]) >= -1e-12)
    again = svm.Experiment(exp.state).show()  # a fresh experiment from the saved State
    for name in ("alpha", "f_train", "grid", "history", "violators"):
        np.testing.assert_array_equal(getattr(again, name), getattr(stepped, name))
    assert again.pair == stepped.pair
    back = exp.run_to(2)
    assert exp.state.position == 2 and back.n_iter == 2
    assert exp.reset().pair is None and exp.state.position == 0


def test_run_to_end_stops_where_the_fit_does(moons):
    exp = svm.Experiment(moons)
    end = exp.run_to_end()
    fit = svm.Experiment(moons).fit()
    assert end.converged and end.finished and end.n_iter == fit.n_iter
    np.testing.assert_allclose(end.alpha, fit.alpha)
    assert exp.run_to(10**6).position == end.position  # nothing after SMO's stop
    assert exp.step().position == end.position


def test_fit_problems_are_named():
    one_class = svm.preset("Moons").replace(labels=np.zeros(120, dtype=np.int64))
    with pytest.raises(svm.TooFewClasses, match="both classes"):
        svm.Experiment(one_class).fit()
    moons = svm.preset("Moons")
    with pytest.raises(ValueError, match="gamma"):
        svm.Experiment(moons.replace(gamma=-1.0)).fit()
    with pytest.raises(ValueError, match="position must be >= 0"):
        svm.Experiment(moons).run_to(-1)


def test_a_session_round_trip_keeps_the_state_and_hard_margin(tmp_path, moons):
    state = svm.Experiment(moons.replace(C=math.inf, kernel="linear")).state
    stepped = svm.Experiment(moons.replace(replay=True, position=5))
    stepped.show()
    for original in (state, stepped.state):
        path = tmp_path / "svm.prmlab"
        saved = S.PanelState(original.VERSION, original.to_dict())
        S.save_session(path, S.Session({"svm": saved}, current="svm"))
        loaded = S.load_session(path).panels["svm"]
        assert svm.State.from_dict(loaded.state).same_as(original)


def test_margin_arrow_spans_two_over_norm_w():
    state = svm.preset("Separable", seed=0)
    result = svm.Experiment(state).fit()
    arrow = svm.margin_arrow(result)
    assert arrow.width == pytest.approx(result.margin_width, rel=1e-6)
    assert np.linalg.norm(arrow.hi - arrow.lo) == pytest.approx(arrow.width)
    f = arrow.w @ np.column_stack([arrow.lo, arrow.hi]) + result.b
    np.testing.assert_allclose(f, [-1.0, 1.0], atol=1e-9)
    assert svm.margin_arrow(svm.Experiment(svm.preset("Moons")).fit()) is None  # rbf


def test_support_vector_table(moons):
    result = svm.Experiment(moons).fit()
    df = svm.support_vector_table(moons, result)
    assert len(df) == result.n_sv and list(df.columns[:3]) == ["index", "x1", "x2"]
    assert df.attrs["intercept_b"] == result.b and set(df["y"]) == {-1, 1}


def test_table_points_project_by_the_engines_pca():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)) * [1.0, 200.0, 0.5]
    ds = Dataset(X=X, feature_names=["a", "b", "c"], y=np.repeat([0, 1, 2], 20))
    cols = svm.table_points(ds, (0, 1), (0, 2), pca=False, standardise=False)
    assert cols.X.shape == (40, 2) and cols.axis_names == ("a", "b")
    assert cols.labels.sum() == 20 and "Standardise" in cols.scale_note
    z = svm.table_points(ds, (0, 1), (0, 2), pca=True, standardise=True)
    assert z.axis_names[0].startswith("PC1") and z.scale_note == ""
    assert abs(z.X.mean(axis=0)).max() < 1e-12
    assert z.X[:, 0].var() >= z.X[:, 1].var()


def test_contour_segments_trace_a_circle():
    g = np.linspace(-2, 2, 81)
    gx, gy = np.meshgrid(g, g)
    seg = svm.contour_segments(gx**2 + gy**2, 1.0, (-2.0, 2.0, -2.0, 2.0))
    assert len(seg) > 100 and len(seg) % 2 == 0
    np.testing.assert_allclose(np.hypot(seg[:, 0], seg[:, 1]), 1.0, atol=0.01)


def test_contours_of_a_map_flat_along_one_axis_warn_nothing():
    F = np.tile(np.linspace(-2.0, 2.0, 30), (30, 1))  # f varies along x only: flat edges
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segments = svm.contour_segments(F, 0.0, (0.0, 1.0, 0.0, 1.0))
    assert len(segments) and np.allclose(segments[:, 0], 0.5)


def test_the_view_defaults_to_the_extents_middle():
    state = svm.preset("Moons")
    view = svm.view_of(state)
    assert svm.map_extent(view) == pytest.approx(state.extent)
    assert svm.view_of(state.replace(view=(0.0, 1.0, 2.0, 3.0))) == (0.0, 1.0, 2.0, 3.0)


def test_same_points_and_same_fit_say_when_a_replay_goes_on(moons):
    assert svm.same_points(moons.X.copy(), moons.labels.copy(), moons)
    assert not svm.same_points(moons.X + 1e-9, moons.labels, moons)
    assert not svm.same_points(moons.X, 1 - moons.labels, moons)
    assert not svm.same_points(moons.X[:-1], moons.labels[:-1], moons)
    later = moons.replace(replay=True, position=9, extent=(-3.0, 3.0, -2.0, 2.0), seed=5)
    assert svm.same_fit(moons, later)  # the map, the view and the step are no fit's
    for change in ({"C": math.inf}, {"kernel": "linear"}, {"gamma": 3.0}, {"X": moons.X * 2}):
        assert not svm.same_fit(moons, moons.replace(**change)), change
    # a replay set to a later State of the same fit goes on from where it was, exactly
    exp = svm.Experiment(moons.replace(replay=True, position=3))
    exp.show()
    exp.state = later
    resumed = exp.show()
    fresh = svm.Experiment(later).show()
    for name in ("alpha", "f_train", "grid", "history", "duality"):
        np.testing.assert_array_equal(getattr(resumed, name), getattr(fresh, name))
