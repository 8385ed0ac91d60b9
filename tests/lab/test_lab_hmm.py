"""The HMM lab without Qt: presets, deterministic Baum-Welch steps, sessions, the engine's
numbers, and the State changes a user makes."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.lab import hmm
from prmlab.lab import session as S

CASINO = "Occasionally dishonest casino"


@pytest.fixture(scope="module")
def casino() -> hmm.State:
    return hmm.preset(CASINO, seed=3, length=120)


def test_every_preset_samples_its_model_with_the_seed():
    for name in hmm.PRESETS:
        state = hmm.preset(name, seed=1, length=50)
        assert state.T == 50 and len(state.true_path) == 50
        assert state.reference is not None and state.reference.same_as(state.model)
        assert state.time_step == state.last_time_step == 99 and state.back_from == 0
        assert hmm.preset(name, seed=1, length=50).same_as(state)
    assert not hmm.preset(CASINO, seed=2).same_as(hmm.preset(CASINO, seed=1))
    with pytest.raises(ValueError, match="preset must be one of"):
        hmm.preset("Casino")


def test_steps_and_run_to_give_the_same_result(casino):
    exp = hmm.Experiment(casino)
    for _ in range(3):
        stepped = exp.step()
    assert exp.state.iteration == 3 and len(stepped.curves[0]) == 3
    assert (np.diff(stepped.curves[0]) >= -1e-9).all()  # EM never loses likelihood
    again = hmm.Experiment(casino).run_to(3)
    np.testing.assert_array_equal(again.model.transmat, stepped.model.transmat)
    np.testing.assert_array_equal(again.curves[0], stepped.curves[0])
    np.testing.assert_array_equal(again.analysis.gamma, stepped.analysis.gamma)
    back = exp.run_to(1)  # stepping back recomputes from λ
    assert back.iteration == 1 and len(back.curves[0]) == 1
    resumed = hmm.Experiment(casino.replace(iteration=3), start=back).result
    np.testing.assert_array_equal(resumed.model.B, stepped.model.B)
    np.testing.assert_array_equal(resumed.curves[0], stepped.curves[0])
    assert exp.reset().iteration == 0 and exp.result.curves == ()


def test_run_to_end_stops_at_convergence_or_max_iter(casino):
    end = hmm.Experiment(casino.replace(max_iter=500)).run_to_end()
    assert end.converged and end.iteration < 500
    capped = hmm.Experiment(casino.replace(max_iter=4)).run_to_end()
    assert capped.iteration == 4 and not capped.converged


def test_state_round_trips_through_a_session(tmp_path, casino):
    fitted = _fit(casino.replace(restarts=2, max_iter=10))
    gaussian = hmm.from_column(
        fitted, np.random.default_rng(0).normal(size=40), "levels: column x", 3
    )
    for state in (fitted.replace(iteration=2, time_step=7, quantity="delta"), gaussian):
        saved = S.Session({"hmm": S.PanelState(state.VERSION, state.to_dict())}, "hmm")
        loaded = S.load_session(S.save_session(tmp_path / "hmm.prmlab", saved))
        back = hmm.State.from_dict(loaded.panels["hmm"].state)
        assert back.same_as(state)
        a, b = hmm.Experiment(state).result, hmm.Experiment(back).result
        np.testing.assert_array_equal(a.analysis.gamma, b.analysis.gamma)
        assert [len(c) for c in a.curves] == [len(c) for c in b.curves]


def test_results_are_the_engines(casino):
    state = casino.replace(reference=None)  # no relabelling: the engine's own state order
    result = hmm.Experiment(state).run_to(2)
    m = state.model.engine()
    m.n_iter, m.tol, m.init_params = 2, 0.0, ""
    with pytest.warns(RuntimeWarning):
        m.fit(state.obs)
    np.testing.assert_allclose(result.model.transmat, m.transmat_, rtol=1e-12)
    np.testing.assert_allclose(result.model.B, m.emissionprob_, rtol=1e-12)
    np.testing.assert_allclose(result.curves[0], m.loglik_history_, rtol=1e-12)
    a = result.analysis
    np.testing.assert_allclose(a.gamma, m.predict_proba(state.obs), atol=1e-12)
    path, log_prob = m.decode(state.obs)
    np.testing.assert_array_equal(a.viterbi, path)
    assert a.viterbi_log_prob == pytest.approx(log_prob)
    assert a.log_likelihood == pytest.approx(m.score(state.obs))


def _fit(state: hmm.State) -> hmm.State:
    steps = hmm.fit_restarts(state)
    try:
        while True:
            step = next(steps)
            assert 0 < step.progress <= 1
    except StopIteration as done:
        return done.value


def test_restarts_keep_the_best_model_named_as_the_reference(casino):
    fitted = _fit(casino.replace(restarts=3, max_iter=30))
    assert len(fitted.fit_curves) == 3 and fitted.iteration == 0
    finals = [c[-1] for c in fitted.fit_curves]
    assert fitted.fit_best == int(np.argmax(finals))
    assert fitted.model.states == ("Fair", "Loaded")
    assert fitted.model.B[1, 5] > fitted.model.B[0, 5]  # "Loaded" favours the six
    # a Step EM after the fit continues the best curve
    more = hmm.Experiment(fitted).step()
    assert len(more.curves[fitted.fit_best]) == len(fitted.fit_curves[fitted.fit_best]) + 1


def test_time_steps_fill_the_trellis_then_backtrack(casino):
    s = casino.replace(time_step=0)
    assert (s.t_now, s.back_from) == (0, None)
    s = s.replace(time_step=s.T - 1)
    assert (s.t_now, s.back_from) == (s.T - 1, None)
    s = s.replace(time_step=s.T)
    assert (s.t_now, s.back_from) == (s.T - 1, s.T - 1)
    s = s.replace(time_step=s.last_time_step)
    assert s.back_from == 0
    image, block = hmm.trellis_image(
        hmm.Experiment(s).result.analysis, "delta", 0, s.T, t_now=3, max_columns=1000
    )
    assert block == 1 and image[4:].max() == 0 and np.allclose(image[:4].max(axis=1), 1)


def test_user_changes_of_model_and_observations(casino):
    with pytest.raises(ValueError, match="quantity must be one of"):
        casino.replace(quantity="xi")
    umbrella = hmm.PRESET_MODELS["Weather / umbrella"]()
    assert hmm.with_model(casino, umbrella).T == 0  # dice rolls are not umbrellas
    bigger = hmm.random_start(casino, 3)
    assert bigger.model.n_states == 3 and bigger.true_path is None and not bigger.fit_curves
    die = np.random.default_rng(0).integers(1, 7, 50).astype(float)
    as_symbols = hmm.from_column(casino, die, "rolls", 2)
    assert as_symbols.model.symbols == tuple("123456") and as_symbols.reference is None
    np.testing.assert_array_equal(as_symbols.obs, die.astype(int) - 1)
    np.testing.assert_array_equal(hmm.parse_symbols("6 6 1", tuple("123456")), [5, 5, 0])
    with pytest.raises(ValueError, match="unknown symbol 'x' at position 2"):
        hmm.parse_symbols("6 x", tuple("123456"))
    with pytest.raises(ValueError, match="Baum-Welch needs at least 2"):
        hmm.Experiment(casino.replace(obs=casino.obs[:1], true_path=None)).step()


def test_typed_tables_are_checked_and_normalised(casino):
    m = casino.model
    rows = np.array([[0.5, 0.05], [np.nan, 1.0], [0.2, 0.8]])
    np.testing.assert_array_equal(hmm.bad_rows(rows, True), [True, True, False])
    np.testing.assert_allclose(hmm.normalised_rows(rows), [[10 / 11, 1 / 11], [0, 1], [0.2, 0.8]])
    with pytest.raises(ValueError, match="row 0 sums to 0.55"):
        hmm.checked_model(m, m.startprob, rows[[0, 2]], m.B)
    gaussian = hmm.from_column(casino, np.linspace(0, 1, 30), "x", 2).model
    with pytest.raises(ValueError, match="variance of state S2 must be > 0"):
        hmm.checked_model(gaussian, gaussian.startprob, gaussian.transmat, [[0, 1], [1, 0]])
    x, density = hmm.gaussian_densities(gaussian)
    assert density.shape == (len(x), 2) and (density > 0).all()


def test_edge_shares_and_overviews(casino):
    a = hmm.Experiment(casino).result.analysis
    for q in ("alpha", "delta"):  # shares over the incoming i; δ's best edge is 1
        w = hmm.edge_shares(a, q, 0, 10)
        assert w.shape == (9, 2, 2)
        target = 1.0 if q == "alpha" else None
        if target:
            np.testing.assert_allclose(w.sum(axis=1), target)
        else:
            np.testing.assert_allclose(w.max(axis=1), 1.0)
    np.testing.assert_allclose(hmm.edge_shares(a, "beta", 0, 10).sum(axis=2), 1.0)
    np.testing.assert_allclose(hmm.edge_shares(a, "gamma", 0, 10).sum(axis=(1, 2)), 1.0)
    t, gamma = hmm.gamma_overview(a, 50)
    assert len(t) == len(gamma) == 40  # blocks of 3 and np.allclose(gamma.sum(axis=1), 1.0)
    np.testing.assert_allclose(hmm.block_mean(np.arange(5.0), 2), [0.5, 2.5, 4.0])
    table = hmm.results_table(casino, hmm.Experiment(casino).result)
    assert list(table)[:4] == ["t", "observation", "viterbi_state", "posterior_state"]
    assert "true_state" in table and len(table["gamma_Fair"]) == casino.T


def test_fit_summary_says_the_iteration_or_the_restarts(casino):
    assert hmm.fit_summary(casino, None) == ""
    assert hmm.fit_summary(casino, hmm.Experiment(casino).result) == ""
    first = hmm.Experiment(casino).step()
    ll = first.curves[first.best][-1]
    assert hmm.fit_summary(casino, first) == f"iteration 1: log p(O|λ) = {ll:.6g}"
    second = hmm.Experiment(casino).run_to(2)
    assert f", gain {second.gain:.3g}" in hmm.fit_summary(casino, second)
    converged = hmm.Experiment(casino.replace(max_iter=500)).run_to_end()
    assert hmm.fit_summary(casino, converged).endswith(" ✓ converged")
    fitted = _fit(casino.replace(restarts=2, max_iter=10))
    finals = [c[-1] for c in fitted.fit_curves]
    assert hmm.fit_summary(fitted, None) == (
        f"2 restarts: best log p(O|λ) = {max(finals):.6g} (seed {fitted.seed + fitted.fit_best})"
        f"; worst {min(finals):.6g}. The tables hold the best λ."
    )
    one = fitted.replace(fit_curves=fitted.fit_curves[:1], fit_best=0)
    assert hmm.fit_summary(one, None).startswith("1 restart: ")


def test_the_true_model_is_drawn_only_beside_another(casino):
    true = casino.reference
    assert hmm.other_true_model(casino, true) is None
    copy = hmm.Model(true.kind, true.states, true.symbols, true.startprob.copy(),
                     true.transmat.copy(), true.B.copy())  # fmt: skip
    assert hmm.other_true_model(casino, copy) is None  # equal tables: nothing to compare
    fitted = hmm.Experiment(casino).step().model
    assert hmm.other_true_model(casino, fitted) is true
    assert hmm.other_true_model(casino.replace(reference=None), fitted) is None
