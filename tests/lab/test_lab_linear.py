"""The linear-models lab without Qt: presets, each mode's results equal to the engine's,
deterministic steps and run_to, the coefficient plane and the projection, the session round
trip, the export columns and clear messages for points that cannot be fitted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prmlab.engine.linear import (
    GaussianDiscriminant,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Perceptron,
    Ridge,
)
from prmlab.lab import linear
from prmlab.lab import session as S


def test_presets_store_their_points_and_pick_their_mode():
    for name in linear.PRESETS:
        state = linear.preset(name, seed=3)
        assert state.X.shape == (len(state.labels), 2) and state.seed == 3
        assert state.same_as(linear.preset(name, seed=3))
        regression = name in linear.REGRESSION_PRESETS
        assert (state.mode == "regression") == regression
        if not regression:
            assert set(state.labels) == {0, 1}
            assert not state.same_as(linear.preset(name, seed=4))
    with pytest.raises(ValueError, match="preset must be one of"):
        linear.preset("Spirals")
    with pytest.raises(ValueError, match="is for regression"):
        linear.preset("Polynomial", mode="logistic")


def test_regression_is_least_squares_beside_ridge_or_lasso():
    state = linear.demo("regression")
    result = linear.Experiment(state).show()
    x, y = state.X[:, 0], state.X[:, 1]
    z = (x - x.mean()) / np.max(np.abs(x - x.mean()))
    Z = z[:, None] ** np.arange(1, state.degree + 1)
    np.testing.assert_allclose(result.coef_mle, LinearRegression().fit(Z, y).coef_)
    np.testing.assert_allclose(result.coef_map, Ridge(alpha=state.ridge_lambda).fit(Z, y).coef_)
    assert result.rss_map >= result.rss_mle  # the prior costs fit on the training points
    assert result.path_coefs.shape == (len(result.path_values), state.degree)
    # a stronger prior shrinks: the path's last coefficients are the smallest
    assert np.linalg.norm(result.path_coefs[-1]) < np.linalg.norm(result.path_coefs[0])

    lasso = linear.Experiment(state.replace(penalty="lasso", lasso_alpha=0.05)).show()
    np.testing.assert_allclose(
        lasso.coef_map, Lasso(alpha=0.05, max_iter=10_000).fit(Z, y).coef_, atol=1e-6
    )
    assert np.count_nonzero(lasso.path_coefs[-1]) == 0  # a large α: every coefficient is 0


def test_the_coefficient_plane_touches_the_prior_ball_at_the_map_point():
    for penalty in ("ridge", "lasso"):
        state = linear.demo("regression").replace(penalty=penalty, lasso_alpha=0.02)
        plane = linear.Experiment(state).show().plane
        norm = 2 if penalty == "ridge" else 1
        assert plane.radius == pytest.approx(np.linalg.norm(plane.map, norm))
        x0, x1, y0, y1 = plane.extent
        for point in (plane.mle, plane.map, np.zeros(2)):
            assert x0 <= point[0] <= x1 and y0 <= point[1] <= y1
        # the first contour is the loss's level set through the MAP point, around the MLE
        ring = plane.contours[0]
        assert np.min(np.linalg.norm(ring - plane.map, axis=1)) < 0.05 * np.ptp(ring[:, 0])
        np.testing.assert_allclose(ring.mean(axis=0), plane.mle, atol=0.05 * np.ptp(ring[:, 0]))
    one = linear.Experiment(linear.demo("regression").replace(degree=1)).show()
    assert one.plane is None  # one coefficient: no plane


def test_three_points_project_y_onto_the_column_space():
    result = linear.Experiment(linear.preset("Three points")).show()
    proj = result.projection
    assert proj.y_hat[2] == pytest.approx(0.0, abs=1e-12)  # ŷ lies in the column space
    assert proj.ones[2] == pytest.approx(0.0, abs=1e-12) and proj.xs[2] == pytest.approx(0.0)
    np.testing.assert_allclose(proj.y[:2], proj.y_hat[:2], atol=1e-12)  # y − ŷ is normal
    assert linear.Experiment(linear.preset("Line + noise")).show().projection is None


def test_perceptron_steps_are_the_engines_updates():
    state = linear.demo("perceptron")
    exp = linear.Experiment(state)
    start = exp.reset()
    assert start.position == 0 and start.index == -1 and not start.coef.any()
    engine = list(
        Perceptron(eta=state.eta, max_epochs=state.max_epochs, seed=state.seed).iter_fit(
            state.X, state.labels
        )
    )
    for k, update in enumerate(engine[:5], start=1):
        result = exp.step()
        assert result.position == k and result.index == update.index
        np.testing.assert_allclose(result.coef_before, update.coef_before)
        np.testing.assert_allclose(result.coef, update.coef_after)
    end = exp.run_to_end()
    assert end.finished and end.run.converged and end.errors == 0
    assert end.position == len(engine) and exp.finished


def test_the_perceptron_cycles_on_inseparable_points_and_says_so():
    state = linear.preset("Not separable", mode="perceptron").replace(max_epochs=5)
    end = linear.Experiment(state).run_to_end()
    assert not end.run.converged and "not linearly separable" in end.run.note
    assert end.errors > 0 and end.run.errors[1:].min() > 0


def test_logistic_steps_are_newtons_and_end_at_the_engines_fit():
    state = linear.demo("logistic").replace(C=1.0)
    exp = linear.Experiment(state)
    end = exp.run_to_end()
    model = LogisticRegression(C=1.0).fit(state.X, state.labels)
    np.testing.assert_allclose(end.coef, model.coef_[0], atol=1e-8)
    assert end.intercept == pytest.approx(model.intercept_[0], abs=1e-8)
    assert np.all(np.diff(end.run.loglik) > -1e-9)  # each step climbs (C large-ish)
    grid = end.probability
    assert grid.shape == (100, 100) and 0 < grid.min() < 0.5 < grid.max() < 1
    p = linear.probability_at(end.coef, end.intercept, state.X[:3])
    np.testing.assert_allclose(p, model.predict_proba(state.X[:3])[:, 1], atol=1e-8)
    assert exp.reset().position == 0 and exp.run_to(2).position == 2


def test_the_loglik_surface_is_made_when_asked_and_is_the_log_likelihood_over_w():
    state = linear.demo("logistic").replace(C=1.0)
    run = linear.Experiment(state).run_to_end().run
    assert "_contours" not in vars(run)  # a drag's refits never pay for it
    a, b, c, d = run.w_extent
    w1, w2 = np.linspace(a, b, 60)[17], np.linspace(c, d, 60)[41]
    s = state.X @ [w1, w2] + run.intercepts[-1]
    t = state.labels == 1
    ll = np.sum(np.where(t, -np.log1p(np.exp(-s)), -np.log1p(np.exp(s))))
    assert run.surface[41, 17] == pytest.approx(ll, rel=1e-12)
    assert len(run.levels) == 8 and max(run.levels) < run.surface.max()


def test_generative_mode_trains_on_the_first_n_and_steps_n():
    state = linear.demo("generative")
    exp = linear.Experiment(state)
    result = exp.show()
    n = state.n_train
    lda = GaussianDiscriminant(shared_covariance=True).fit(state.X[:n], state.labels[:n])
    np.testing.assert_allclose(result.means, lda.means_)
    np.testing.assert_allclose(result.shared, lda.covariances_[0])
    assert result.tested and result.accuracy.shape == (4,) and np.all(result.accuracy <= 1)
    assert result.probability.shape == (4, 100, 100)
    assert "_curve" not in vars(result)  # made when first asked for, then kept
    assert result.curve_accuracy.shape == (len(result.curve_n), 4)
    assert exp.moved_to(state.replace(n_train=n + 1)).show().curve_n is result.curve_n
    exp.step()
    assert exp.state.n_train == n + linear.N_STEP


@pytest.mark.parametrize("mode", linear.MODES)
def test_same_state_same_result_and_a_session_round_trip(tmp_path, mode):
    exp = linear.Experiment(linear.demo(mode, seed=2))
    exp.show()
    exp.step()
    again = linear.Experiment(exp.state)
    again.show()
    first, second = linear.result_columns(exp.result), linear.result_columns(again.result)
    assert first.keys() == second.keys()
    for key in first:
        np.testing.assert_array_equal(np.asarray(first[key]), np.asarray(second[key]))
    path = tmp_path / "linear.prmlab"
    saved = S.PanelState(exp.state.VERSION, exp.state.to_dict())
    S.save_session(path, S.Session({"linear": saved}, current="linear"))
    loaded = linear.State.from_dict(S.load_session(path).panels["linear"].state)
    assert loaded.same_as(exp.state)
    assert math.isinf(linear.demo("logistic").C)  # ∞ survives as well (checked by same_as)


def test_points_that_cannot_be_fitted_say_why():
    one_class = linear.demo("logistic")
    one_class = one_class.replace(labels=np.zeros_like(one_class.labels))
    with pytest.raises(linear.TooFewClasses, match="both classes"):
        linear.check(one_class)
    lonely = linear.demo("regression")
    with pytest.raises(ValueError, match="at least 2 points"):
        linear.check(lonely.replace(X=lonely.X[:1], labels=lonely.labels[:1]))
    with pytest.raises(ValueError, match="degree must be in"):
        linear.check(lonely.replace(degree=0))
    few = linear.demo("generative")
    keep = np.r_[np.flatnonzero(few.labels == 0)[:2], np.flatnonzero(few.labels == 1)]
    with pytest.raises(ValueError, match="at least 3 points of each class"):
        linear.check(few.replace(X=few.X[keep], labels=few.labels[keep]))
