"""The PCA lab without Qt: presets, deterministic EM steps, sessions, the engine's numbers and
what the views draw."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from prmlab.data import Dataset
from prmlab.engine.pca import PCA, FisherLDA, ProbabilisticPCA
from prmlab.lab import pca
from prmlab.lab import session as S
from prmlab.lab.table import standardise


@pytest.fixture(scope="module")
def clusters() -> pca.State:
    return pca.preset("Two clusters", seed=0)


def test_presets_store_their_data():
    for name in pca.PRESETS:
        state = pca.preset(name, seed=3)
        assert state.preset == name and state.X.dtype == np.float64
    two = pca.preset("Two clusters", seed=3)
    assert two.X.shape == (140, 2) and not two.table and set(two.labels) == {0, 1}
    wine = pca.preset("Wine (13 columns)")
    assert wine.table and wine.X.shape[1] == 13 and len(wine.feature_names) == 13
    assert len(pca.preset(pca.EMPTY_PRESET).X) == 0
    assert not pca.preset("Ring", seed=1).same_as(pca.preset("Ring", seed=2))
    with pytest.raises(ValueError, match="unknown name"):
        pca.preset("Nope")


def test_steps_walk_the_engines_em_frames_and_run_to_is_deterministic(clusters):
    exp = pca.Experiment(clusters)
    X = clusters.X
    em = ProbabilisticPCA(1, max_iter=pca.EM_MAX_ITER, tol=pca.EM_TOL, random_state=0)
    frames = list(itertools.islice(em.iter_fit(X), pca.EM_MAX_ITER + 1))
    assert exp.result.iteration == 0 and exp.result.last == len(frames) - 1
    exp.step()
    exp.step()
    assert exp.state.iteration == 2
    np.testing.assert_array_equal(exp.result.frame.W, frames[2].W)
    again = pca.Experiment(clusters).run_to(2)
    assert again.frame.sigma2 == exp.result.frame.sigma2
    end = exp.run_to_end()
    assert end.iteration == end.last and end.frame.converged
    assert exp.step().iteration == end.last  # stays at the end
    assert exp.run_to(1).frame.iteration == frames[1].iteration  # back in time
    assert exp.reset().iteration == 0
    kept = exp.result_at(3)  # a look at another position leaves the experiment where it is
    assert kept.iteration == 3 and exp.state.iteration == 0 and exp.result.iteration == 0
    assert exp.result_at(10**6).iteration == end.last


def test_analysis_is_the_engines(clusters):
    a = pca.Experiment(clusters).analysis
    model = PCA().fit(clusters.X)
    np.testing.assert_allclose(a.pca.components_, model.components_)
    np.testing.assert_allclose(a.scores, model.transform(clusters.X))
    fisher = FisherLDA().fit(clusters.X, clusters.labels)
    np.testing.assert_allclose(a.fisher.direction_, fisher.direction_)
    closed = ProbabilisticPCA(1).fit_closed_form(clusters.X)
    assert a.closed.sigma2_ == pytest.approx(closed.sigma2_)


def test_tables_are_standardised_and_fit_two_latent_dimensions():
    state = pca.preset("Iris (4 columns)")
    a = pca.Experiment(state).analysis
    assert a.standardised and a.frames[0].W.shape == (4, 2)
    np.testing.assert_allclose(a.X, standardise(state.X))  # the one z-score of lab.table
    raw = pca.Experiment(state.replace(standardise=False)).analysis
    assert not raw.standardised
    assert a.pca.explained_variance_ratio_[0] == pytest.approx(0.7296, abs=1e-3)
    assert raw.pca.explained_variance_ratio_[0] != pytest.approx(0.7296, abs=1e-3)


def test_adopt_reuses_the_analysis_when_only_the_view_changes(clusters):
    exp = pca.Experiment(clusters)
    analysis = exp.analysis
    exp.adopt(clusters.replace(angle=10.0, iteration=5, histogram="Your line"))
    assert exp.analysis is analysis and exp.result.iteration == 5
    exp.adopt(clusters.replace(seed=1))
    assert exp.analysis is not analysis


def test_fewer_than_two_points_have_no_analysis():
    exp = pca.Experiment(pca.preset(pca.EMPTY_PRESET))
    assert exp.result.analysis is None and exp.step().frame is None
    with pytest.raises(ValueError, match="2 or more"):
        pca.analyse(pca.preset(pca.EMPTY_PRESET))


def test_small_tables_are_refused_and_two_columns_are_points():
    tiny = Dataset(X=np.zeros((1, 3)), feature_names=["a", "b", "c"], name="tiny")
    with pytest.raises(ValueError, match="at least 2 rows and 2 numeric columns"):
        pca.from_dataset(tiny)
    pair = Dataset(X=np.arange(8.0).reshape(4, 2), feature_names=["u", "v"])
    state = pca.from_dataset(pair)
    assert not state.table and state.feature_names == ("u", "v") and state.labels is None


def test_state_round_trips_through_a_session(tmp_path, clusters):
    state = clusters.replace(angle=33.0, iteration=4, show_axes=False, histogram="Your line")
    saved = S.Session({"pca": S.PanelState(state.VERSION, state.to_dict())}, "pca")
    loaded = S.load_session(S.save_session(tmp_path / "pca.prmlab", saved))
    back = pca.State.from_dict(loaded.panels["pca"].state)
    assert back.same_as(state)
    a, b = pca.Experiment(state).result, pca.Experiment(back).result
    np.testing.assert_array_equal(a.frame.W, b.frame.W)
    table = pca.preset("Iris (4 columns)")
    assert pca.State.from_dict(table.to_dict()).same_as(table)


def test_your_line_variance_and_feet(clusters):
    a = pca.Experiment(clusters).analysis
    pc1 = pca.angle_of(a.pca.components_[0])
    best = pca.line_projection(a, pc1)
    assert best.variance == pytest.approx(a.pca.explained_variance_[0])
    assert best.error == pytest.approx(a.pca.explained_variance_[1])
    other = pca.line_projection(a, pc1 + 40.0)
    assert other.variance < best.variance
    residual = clusters.X - other.feet
    np.testing.assert_allclose(residual @ other.u, 0.0, atol=1e-9)  # feet are orthogonal


def test_histograms_follow_the_chosen_direction(clusters):
    a = pca.Experiment(clusters).analysis
    h = pca.histogram(a, clusters.replace(histogram="Fisher direction"))
    assert sorted(h.counts) == [0, 1] and sum(c.sum() for c in h.counts.values()) == 140
    assert h.criterion == pytest.approx(a.fisher.criteria_[0])
    table = pca.preset("Iris (4 columns)")
    t = pca.Experiment(table).analysis
    assert pca.histogram(t, table.replace(histogram="Your line")).direction is None


def test_results_table_has_scores_loadings_and_variances(clusters):
    a = pca.Experiment(clusters).analysis
    frame = pca.results_table(a, clusters)
    assert list(frame["kind"].unique()) == [
        "score",
        "loading",
        "explained_variance",
        "explained_variance_ratio",
    ]
    assert set(frame.loc[frame.kind == "score", "label"]) == {"class A", "class B"}


def test_em_directions_and_model_covariance(clusters):
    exp = pca.Experiment(clusters)
    frame = exp.run_to_end().frame
    w = pca.em_directions(exp.analysis, frame, None)
    assert w.shape == (1, 2)
    cov = pca.model_covariance(frame)
    np.testing.assert_allclose(cov, frame.W @ frame.W.T + frame.sigma2 * np.eye(2))
    table = pca.preset("Wine (13 columns)")
    t = pca.Experiment(table)
    assert pca.em_directions(t.analysis, t.result.frame, (0, 1)).shape == (2, 2)
