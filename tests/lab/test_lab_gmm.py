"""The EM/GMM lab without Qt: presets, deterministic half-steps, sessions, the engine's numbers,
restarts that reload as States, criteria, the 2-D view and the export table."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.engine import gmm as engine
from prmlab.lab import gmm
from prmlab.lab import session as S
from prmlab.lab.history import nbytes_of

FAITHFUL = "Old Faithful"


@pytest.fixture(scope="module")
def faithful() -> gmm.State:
    return gmm.preset(FAITHFUL, seed=0)


def test_presets_store_their_data_and_k():
    assert gmm.preset(FAITHFUL).X.shape == (272, 2) and gmm.preset(FAITHFUL).k == 2
    blobs = gmm.preset("Blobs (3)", seed=4)
    assert blobs.X.shape == (300, 2) and blobs.k == 3 and blobs.seed == 4
    assert blobs.same_as(gmm.preset("Blobs (3)", seed=4))
    assert not blobs.same_as(gmm.preset("Blobs (3)", seed=5))
    assert gmm.preset("Overlapping blobs (5)").k == 5
    assert gmm.preset("Empty: paint your own").X.shape == (0, 2)
    with pytest.raises(ValueError, match="preset must be one of"):
        gmm.preset("Faithful")


def test_steps_alternate_e_and_m_and_run_to_is_deterministic(faithful):
    exp = gmm.Experiment(faithful)
    assert exp.result.half == "init" and exp.state.position == 0
    e = exp.step()
    assert e.half == "E" and exp.state.half == "E" and exp.state.iteration == 1
    m = exp.step()
    assert m.half == "M" and exp.state.iteration == 1 and len(m.history) == 1
    for _ in range(3):
        stepped = exp.step()
    again = gmm.Experiment(faithful.replace(position=5)).result
    assert again.position == stepped.position == 5
    for name in ("weights", "means", "covariances", "resp", "history"):
        np.testing.assert_array_equal(getattr(again, name), getattr(stepped, name))
    back = exp.run_to(2)  # stepping back replays from the init
    np.testing.assert_array_equal(back.means, m.means)
    assert exp.state.position == 2
    assert exp.reset().position == 0 and exp.state.position == 0


def test_run_to_end_converges_and_never_lowers_the_likelihood(faithful):
    exp = gmm.Experiment(faithful)
    end = exp.run_to_end()
    assert end.converged and end.finished and end.half == "M"
    assert not gmm.monotonicity_breaks(end).any() and len(end.history) == end.iteration
    assert exp.step() is end  # nothing after the end
    assert exp.run_to(10**6) is end


def test_gmm_results_are_the_engines(faithful):
    for cov in ("full", "diag"):
        state = faithful.replace(covariance_type=cov, k=3, seed=2)
        end = gmm.Experiment(state).run_to_end()
        steps = list(gmm.estimator(state).iter_fit(gmm.fitted_data(state)))
        last = steps[-1]
        assert end.position == len(steps) - 1
        np.testing.assert_array_equal(end.means, last.means)
        np.testing.assert_array_equal(end.covariances, last.covariances)
        np.testing.assert_array_equal(end.history, last.loglik_history)
        if cov == "diag":  # the engine's own diagonal covariances, off-diagonals zero
            off = end.covariances * (1 - np.eye(2))
            assert not off.any()


def test_kmeans_results_are_the_engines(faithful):
    state = faithful.replace(method="kmeans", k=3, init="random")
    exp = gmm.Experiment(state)
    assert exp.result.labels is None and np.allclose(exp.result.resp, 1 / 3)
    end = exp.run_to_end()
    model = engine.KMeans(3, init="random", n_init=1, max_iter=gmm.MAX_ITER, random_state=0)
    model.fit(gmm.fitted_data(state))
    np.testing.assert_array_equal(end.means, model.cluster_centers_)
    np.testing.assert_array_equal(end.hard_labels, model.labels_)
    assert end.resp.sum(axis=1).tolist() == [1.0] * 272
    assert not gmm.monotonicity_breaks(end).any()


def test_dragged_means_start_the_fit(faithful):
    means = np.array([[2.0, 55.0], [4.5, 80.0]])
    exp = gmm.Experiment(faithful.replace(means_init=means))
    np.testing.assert_array_equal(exp.result.means, means)
    km = gmm.Experiment(faithful.replace(method="kmeans", means_init=means))
    np.testing.assert_array_equal(km.result.means, means)


def test_columns_and_standardising_choose_what_is_fitted():
    rng = np.random.default_rng(0)
    state = gmm.State(rng.normal(3.0, 2.0, (50, 4)), feature_names=("a", "b", "c", "d"))
    chosen = state.replace(columns=(1, 3), standardise=True)
    X = gmm.fitted_data(chosen)
    assert X.shape == (50, 2) and chosen.fitted_names == ("b", "d")
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0)
    assert gmm.fitted_data(state).shape == (50, 4)


def test_bad_states_are_refused_with_the_rule(faithful):
    with pytest.raises(ValueError, match="method must be one of"):
        gmm.Experiment(faithful.replace(method="em"))
    with pytest.raises(ValueError, match="n_components"):
        gmm.Experiment(faithful.replace(k=0))
    with pytest.raises(ValueError):
        gmm.Experiment(gmm.preset("Empty: paint your own"))


def test_state_round_trips_through_a_session(tmp_path, faithful):
    state = faithful.replace(
        means_init=np.array([[2.0, 55.0], [4.5, 80.0]]),
        position=3,
        covariance_type="diag",
        restarts_shown=True,
        reg_covar=1e-4,
    )
    saved = S.Session({"gmm": S.PanelState(state.VERSION, state.to_dict())}, "gmm")
    loaded = S.load_session(S.save_session(tmp_path / "gmm.prmlab", saved))
    back = gmm.State.from_dict(loaded.panels["gmm"].state)
    assert back.same_as(state) and back.feature_names == state.feature_names
    a, b = gmm.Experiment(state).result, gmm.Experiment(back).result
    np.testing.assert_array_equal(a.resp, b.resp)
    np.testing.assert_array_equal(a.covariances, b.covariances)


def test_a_restart_reloads_as_its_state(faithful):
    state = faithful.replace(n_runs=3, k=3)
    runs = [r for r in gmm.restarts(state) if r is not None][-1]
    assert runs.progress == 1.0 and runs.seeds.tolist() == [0, 1, 2]
    best = int(np.argmax(runs.scores))
    shown = gmm.Experiment(runs.state_of(state, best)).result
    restored = gmm.restore(runs.results[best], gmm.fitted_data(state))
    for name in ("means", "resp", "history"):
        np.testing.assert_array_equal(getattr(restored, name), getattr(shown, name))
    assert shown.log_likelihood == runs.scores[best]
    hist = gmm.score_histogram(runs.scores, "gmm")
    assert hist.counts.sum() == 3 and 1 <= hist.n_optima <= 3


def test_criteria_are_the_engines_bic_and_aic(faithful):
    steps = list(gmm.criteria(faithful.replace(k_max=2), gmm.fitted_data(faithful)))
    last = steps[-1]
    assert last.ks.tolist() == [1, 2] and last.progress == 1.0
    X = gmm.fitted_data(faithful)
    one = engine.GaussianMixture(1, max_iter=gmm.MAX_ITER, random_state=0).fit(X)
    assert last.bic[0] == pytest.approx(one.bic(X)) and last.aic[0] == pytest.approx(one.aic(X))
    assert last.bic[1] < last.bic[0]  # two eruption types
    elbow = list(gmm.criteria(faithful.replace(method="kmeans", k_max=2), X))[-1]
    assert elbow.aic.size == 0 and elbow.bic[1] < elbow.bic[0]


def test_projection_shows_features_or_the_engines_pcs():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 3)) * [5.0, 1.0, 0.2]
    state = gmm.State(X, feature_names=("a", "b", "c"), x_feature=2, y_feature=0)
    p = gmm.projection(state, X)
    assert p.names == ("c", "a")
    np.testing.assert_array_equal(p.project(X), X[:, [2, 0]])
    pcs = gmm.projection(state.replace(view="pcs"), X)
    assert pcs.names == ("PC1", "PC2")
    shown = pcs.project(X)
    assert shown[:, 0].var() > shown[:, 1].var() > X[:, 2].var()
    moved = pcs.lift(X[0], shown[0], shown[0] + [1.0, 0.0])
    np.testing.assert_allclose(pcs.project(moved[None])[0], shown[0] + [1.0, 0.0])
    one = gmm.State(X[:, :1], feature_names=("a",))
    assert gmm.projection(one, X[:, :1]).names == ("a", "")


def test_voronoi_regions_are_the_nearest_centre():
    regions = gmm.voronoi_regions(np.array([[0.0, 0.0], [10.0, 0.0]]), [0, -1], [10, 1], size=11)
    assert regions.shape == (11, 11)
    assert (regions[:5] == 0).all() and (regions[6:] == 1).all()


def test_results_table_has_points_then_components(faithful):
    exp = gmm.Experiment(faithful)
    result = exp.run_to(2)
    table = gmm.results_table(exp.state, result, exp.data)
    assert len(table) == 272 + 2
    assert list(table.columns[:4]) == ["row", "index", "eruptions", "waiting"]
    assert "resp_1" in table and "cov_eruptions_waiting" in table


@pytest.mark.parametrize("method", ["gmm", "kmeans"])
def test_a_kept_half_step_holds_no_per_point_array_and_restores_exactly(faithful, method):
    state = faithful.replace(method=method, k=3)
    exp, X = gmm.Experiment(state), gmm.fitted_data(state)
    results = [exp.result] + [exp.step() for _ in range(5)]  # init, E, M, E, M, E
    for r in results:
        k = gmm.kept(r)
        assert k.result.resp.size == 0 and k.result.labels is None
        small = k.init_labels is None or k.init_labels.dtype == np.uint8
        assert small and nbytes_of(k) < 2_000  # parameters only, not n x K
        back = gmm.restore(k, X)
        for name in ("weights", "means", "covariances", "resp", "history"):
            np.testing.assert_array_equal(getattr(back, name), getattr(r, name))
        if r.labels is None:
            assert back.labels is None
        else:
            np.testing.assert_array_equal(back.labels, r.labels)
        assert back.position == r.position and back.finished == r.finished
