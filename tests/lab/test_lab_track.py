"""The tracking lab without Qt: presets, the engine's filters, time steps, sessions, tables."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.engine import kalman, particle
from prmlab.lab import session as S
from prmlab.lab import track


@pytest.fixture(scope="module")
def small():
    """A short figure-8 with a dropout and few particles (fast)."""
    state = track.demo(seed=3, n_steps=40).replace(n_particles=200)
    return state, track.compute(state)


def test_presets_store_their_paths():
    for name in track.PRESETS:
        state = track.preset(name, seed=1, n_steps=30)
        assert state.truth.shape == (30, 2) and state.source == f"Preset: {name}"
        assert state.n_steps == 30 and state.measured is None
    with pytest.raises(ValueError, match="preset must be one of"):
        track.preset("Spiral")
    with pytest.raises(ValueError, match="n_steps"):
        track.preset("Circle", n_steps=5)


def test_the_run_is_the_engines(small):
    state, run = small
    zs, raw, var = track.measure(state)
    np.testing.assert_array_equal(run.zs, zs)
    a, b = int(round(state.dropouts[0][0])), int(round(state.dropouts[0][1]))
    assert np.isnan(run.zs[a : b + 1]).all() and not np.isnan(run.zs[:a]).any()
    F, Q = track.motion_model("cv", state.q)
    from prmlab.data.tracks import position_matrix

    H = position_matrix(4)
    x0 = np.r_[raw[0], 0.0, 0.0]
    P0 = np.diag([var, var, 4.0, 4.0])
    kf = kalman.run_kalman(raw, F, H, Q, var * np.eye(2), x0, P0)
    np.testing.assert_array_equal(run.kf.means, kf.means)
    m, _c = kalman.rts_smoother(kf.means, kf.covs, F, Q)
    np.testing.assert_array_equal(run.rts_means, m)
    model = particle.linear_gaussian(F, H, Q, var * np.eye(2))
    pf = particle.ParticleFilter(model, 200, x0, P0, state.seed).run(zs)
    np.testing.assert_array_equal(run.pf.means, pf.means)
    assert run.cloud.shape == (40, 200, 2) and run.cloud.dtype == np.float32
    np.testing.assert_array_equal(
        run.nees, kalman.nees(state.truth, kf.means[:, :2], kf.covs[:, :2, :2])
    )


def test_steps_and_run_to_are_deterministic(small):
    state, run = small
    exp = track.Experiment(state.replace(t=0), run)
    assert exp.result.t == 0
    for _ in range(5):
        exp.step()
    assert exp.state.t == 5 and exp.result.t == 5
    assert exp.step_back().t == 4
    assert exp.run_to(100).t == 39 and exp.run_to(-3).t == 0
    assert exp.run_to_end().t == 39 and exp.reset().t == 0
    again = track.compute(state)
    np.testing.assert_array_equal(again.pf.means, run.pf.means)
    np.testing.assert_array_equal(again.cloud, run.cloud)


def test_adopt_keeps_the_run_only_for_the_same_key(small):
    state, run = small
    exp = track.Experiment(state, run)
    assert exp.adopt(state.replace(t=7, show_rts=False)) and exp.run is run
    assert exp.result.t == 7 and not exp.state.show_rts
    assert not exp.adopt(state.replace(q=1.0)) and exp.state.t == 7


def test_iter_run_yields_progress_then_the_same_run(small):
    state, run = small
    gen = track.iter_run(state)
    progress = []
    try:
        while True:
            progress.append(next(gen).progress)
    except StopIteration as stop:
        result = stop.value
    assert progress[-1] == pytest.approx(1.0) and progress == sorted(progress)
    np.testing.assert_array_equal(result.pf.means, run.pf.means)


def test_range_bearing_and_constant_acceleration():
    state = track.preset("Circle", n_steps=30).replace(
        measurement="range_bearing", motion="ca", n_particles=100
    )
    run = track.compute(state)
    assert run.zs.shape == (30, 4) and run.kf.means.shape == (30, 6)
    assert np.isfinite(run.pf.means).all()


def test_problems_are_named():
    with pytest.raises(ValueError, match="no track yet"):
        track.check(track.State())
    csv = track.State(measured=np.zeros((10, 2)), measurement="range_bearing")
    with pytest.raises(ValueError, match="range-bearing measurements need a simulated"):
        track.check(csv)
    with pytest.raises(ValueError, match="σ"):
        track.check(track.preset("Circle").replace(sigma=0.0))
    with pytest.raises(ValueError, match="q"):
        track.check(track.preset("Circle").replace(q=-1.0))
    with pytest.raises(ValueError, match="motion"):
        track.check(track.preset("Circle").replace(motion="jerk"))


def test_too_many_particles_skip_the_cloud_with_a_note(monkeypatch):
    monkeypatch.setattr(track._experiment, "MAX_CLOUD", 100)
    run = track.compute(track.preset("Straight line", n_steps=20).replace(n_particles=50))
    assert run.cloud is None and run.pf is not None and "too many to keep" in run.notes[0]


def test_a_session_round_trip_keeps_the_state(tmp_path, small):
    state, _run = small
    csv = track.State(measured=np.arange(20.0).reshape(10, 2), source="CSV: walk", t=4)
    for original in (state.replace(t=12, show_particles=False), csv):
        path = tmp_path / "track.prmlab"
        saved = S.PanelState(original.VERSION, original.to_dict())
        S.save_session(path, S.Session({"track": saved}, current="track"))
        loaded = S.load_session(path).panels["track"]
        assert track.State.from_dict(loaded.state).same_as(original)


def test_a_table_becomes_a_track():
    t = np.cumsum(np.r_[0.0, np.full(49, 0.5)])
    X = np.column_stack([t, np.cos(t / 4) * 30, np.sin(t / 4) * 30])
    xy, note = track.track_from_table(X, ["time", "east", "north"], "walk.csv")
    assert xy.shape == (50, 2) and "dt = 0.5" in note and "(east, north)" in note
    long = np.random.default_rng(0).normal(size=(1000, 2))
    xy, note = track.track_from_table(long, ["a", "b"])
    assert xy.shape == (track.MAX_STEPS, 2) and "thinned" in note
    with pytest.raises(ValueError, match="two position columns"):
        track.track_from_table(np.ones((5, 1)), ["x"])
    with pytest.raises(ValueError, match="at least 3 rows"):
        track.track_from_table(np.ones((2, 2)), ["x", "y"])


def test_drawn_paths_and_dropouts():
    state = track.preset("Circle", n_steps=30)
    stroke = np.column_stack([np.linspace(-40, 40, 12), np.sin(np.linspace(0, 3, 12))])
    drawn = track.drawn_path(state, stroke, 50)
    assert drawn.truth.shape == (50, 2) and drawn.source == "Drawn path"
    with pytest.raises(ValueError, match="drag farther"):
        track.drawn_path(state, np.ones((5, 2)), 50)
    assert track.resampled_steps(state, 60).truth.shape == (60, 2)
    t0, t1 = track.new_dropout(100, 0)
    assert (t0, t1) == (35.0, 47.0)
    assert track.new_dropout(100, 1)[0] == pytest.approx(45.0)


def test_rmse_export_and_weight_classes(small):
    state, run = small
    row = track.rmse_row(run)
    assert row.labels == ("raw", "Kalman", "RTS", "particle") and np.isfinite(row.values).all()
    seen = np.isfinite(run.raw).all(axis=1)
    err = np.sum((run.kf.means[seen, :2] - state.truth[seen]) ** 2, axis=1)
    assert row.values[1] == pytest.approx(np.sqrt(err.mean()))
    cols = track.export_columns(run)
    assert {"true_x", "kalman_x", "rts_x", "particle_x", "ess", "nis", "nees"} <= set(cols)
    cols["kalman_x"][:] = 0  # fresh arrays: the run is untouched
    assert run.kf.means[:, 0].any()
    classes = track.weight_classes(np.array([0.0, 0.1, 0.5, 1.0]))
    np.testing.assert_array_equal(classes, [0, 1, 2, 3])
