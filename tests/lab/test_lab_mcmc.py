"""The MCMC lab without Qt: presets, deterministic steps (however grouped, forward or back),
parameter changes along the chains, sessions, and the engine's numbers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from prmlab.engine import mcmc as engine
from prmlab.lab import mcmc
from prmlab.lab import session as S


@pytest.fixture(scope="module")
def banana() -> mcmc.TargetView:
    return mcmc.prepare_target(mcmc.preset("Banana"))


def test_every_preset_is_a_state_of_its_engine_target():
    for name in mcmc.PRESETS:
        state = mcmc.preset(name, seed=2)
        assert state.target == name and state.steps == 0 and state.seed == 2
        assert state.expression == mcmc.EXPRESSIONS[name]
        assert mcmc.preset(name, seed=2).same_as(state)
    with pytest.raises(ValueError, match="preset must be one of"):
        mcmc.preset("Bananas")


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("method", "nuts", "method must be one of"),
        ("n_chains", 9, r"n_chains must be in \[1, 8\]"),
        ("steps_per_tick", 7, "steps_per_tick must be one of"),
        ("box", 0.1, r"box must be in \[0.5, 100\]"),
        ("x0", np.array([np.nan, 0.0]), "x0 must be one finite point"),
        ("target", "Pretzel", "target must be one of"),
    ],
)
def test_bad_fields_are_refused_by_name(field, value, rule):
    with pytest.raises(ValueError, match=rule):
        mcmc.preset("Banana").replace(**{field: value})


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("mh", {"proposal_scale": 0.8}),
        ("gibbs", {"slice_width": 0.7}),
        ("hmc", {"step_size": 0.2, "n_leapfrog": 5}),
    ],
)
def test_steps_however_grouped_equal_the_engines_sampler(banana, method, params):
    state = mcmc.preset("Banana", seed=4).replace(method=method, steps_per_tick=10, **params)
    exp = mcmc.Experiment(state, banana)
    for _ in range(6):
        stepped = exp.step()
    assert exp.state.steps == stepped.steps == 60
    once = mcmc.Experiment(state, banana).advance(60)
    np.testing.assert_array_equal(once.chains, stepped.chains)
    np.testing.assert_array_equal(once.proposals, stepped.proposals)
    assert stepped.proposals.shape == (4, mcmc.RECENT, 2)
    ref = engine.Sampler(banana.target, method, 4, 4, None, **state.params)
    run = ref.run(60, record=True)
    np.testing.assert_array_equal(stepped.chains[:, 0], ref.start)
    np.testing.assert_array_equal(stepped.chains[:, 1:], run.chains)
    np.testing.assert_array_equal(stepped.accepted[:, 1:], run.accepted)
    np.testing.assert_array_equal(stepped.proposals, run.proposals[:, -mcmc.RECENT :])
    if method == "hmc":
        np.testing.assert_array_equal(stepped.trajectories, run.trajectories[:, -1])
    assert len(stepped.moves()) > 0


def test_run_to_goes_back_and_forth_exactly(banana):
    state = mcmc.preset("Banana", seed=1).replace(method="hmc", n_leapfrog=4)
    exp = mcmc.Experiment(state, banana)
    end = exp.advance(300)
    back = exp.run_to(37)
    assert exp.state.steps == back.steps == 37
    fresh = mcmc.Experiment(state.replace(steps=37), banana).result
    for a, b in ((back.chains, fresh.chains), (back.proposals, fresh.proposals)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(back.trajectories, fresh.trajectories)
    again = exp.run_to(300)
    np.testing.assert_array_equal(again.chains, end.chains)
    np.testing.assert_array_equal(again.proposals, end.proposals)
    assert exp.reset().steps == 0 and exp.result.chains.shape == (4, 1, 2)


def test_results_are_read_only_and_never_change_later(banana):
    exp = mcmc.Experiment(mcmc.preset("Banana"), banana)
    first = exp.advance(50)
    kept = first.chains.copy()
    with pytest.raises(ValueError, match="read-only"):
        first.chains[0, 0, 0] = 1.0
    exp.run_to(10)
    exp.adopt(mcmc.with_params(exp.state, proposal_scale=3.0))
    exp.advance(2000)  # a different future, and a grown buffer
    np.testing.assert_array_equal(first.chains, kept)


def test_a_parameter_change_applies_from_the_step_it_was_made(banana):
    state = mcmc.preset("Banana", seed=5)
    exp = mcmc.Experiment(state, banana)
    exp.advance(40)
    changed = mcmc.with_params(exp.state, proposal_scale=2.0)
    assert len(changed.earlier) == 1
    assert changed.earlier[0].same_as(mcmc.Settings(40, 0.5, 1.0, 0.15, 20))
    assert exp.adopt(changed) is exp.result  # the same draws so far
    after = exp.advance(40)
    ref = engine.Sampler(banana.target, "mh", 4, 5, None, proposal_scale=0.5)
    head = ref.run(40)
    tail = ref.with_params(proposal_scale=2.0).run(40)
    np.testing.assert_array_equal(after.chains[:, 1:41], head.chains)
    np.testing.assert_array_equal(after.chains[:, 41:], tail.chains)
    replayed = mcmc.Experiment(exp.state, banana).result  # the schedule is in the State
    np.testing.assert_array_equal(replayed.chains, after.chains)
    np.testing.assert_array_equal(exp.run_to(60).chains, after.chains[:, :61])
    then = mcmc.at_step(exp.state, 30)  # as it stood before the change
    assert then.steps == 30 and then.earlier == () and then.proposal_scale == 0.5
    assert mcmc.at_step(exp.state, 60).same_as(exp.state.replace(steps=60))
    # A change of a parameter the method does not use records nothing.
    assert mcmc.with_params(exp.state, step_size=0.3).earlier == exp.state.earlier


def test_a_changed_seed_or_start_gives_new_chains(banana):
    exp = mcmc.Experiment(mcmc.preset("Banana"), banana)
    before = exp.advance(20)
    started = exp.adopt(mcmc.restarted(exp.state, x0=np.array([0.5, 0.0])))
    assert started.steps == 0
    np.testing.assert_array_equal(started.chains[:, 0], np.tile([0.5, 0.0], (4, 1)))
    other = exp.adopt(exp.state.replace(seed=9, steps=20))
    assert not np.array_equal(other.chains, before.chains)
    assert banana.inside(np.array([0.0, 0.0]))


def test_too_many_steps_are_refused(banana):
    exp = mcmc.Experiment(mcmc.preset("Banana"), banana)
    assert exp.room(mcmc.MAX_STEPS) and not exp.room(mcmc.MAX_STEPS + 1)
    with pytest.raises(ValueError, match="press Reset"):
        exp.advance(mcmc.MAX_STEPS + 1)


def test_long_runs_yield_progress_and_change_nothing_when_cancelled(banana):
    exp = mcmc.Experiment(mcmc.preset("Banana"), banana)
    gen = exp.iter_advance(200_000)
    first = next(gen)
    assert 0 < first.progress < 1 and first.chains().shape[1] > 1
    gen.close()  # cancelled
    assert exp.state.steps == 0 and exp.result.steps == 0


def test_a_run_overtaken_by_a_newer_one_commits_nothing(banana):
    exp = mcmc.Experiment(mcmc.preset("Banana"), banana)
    stale = exp.iter_advance(5)  # a worker left running after a cancel
    next(stale)
    exp.advance(3)  # the newer run
    with pytest.raises(StopIteration) as done:
        next(stale)
    assert done.value.value.steps == 3 and exp.state.steps == 3
    np.testing.assert_array_equal(
        exp.result.chains, mcmc.Experiment(mcmc.preset("Banana"), banana).advance(3).chains
    )


def test_state_round_trips_through_a_session(tmp_path, banana):
    exp = mcmc.Experiment(
        mcmc.custom("-(x**2 + y**2)/2", box=3.0, seed=7).replace(
            x0=np.array([0.5, -0.5]), burn_in=5, thin=2, view="Importance sampling"
        )
    )
    exp.advance(30)
    exp.adopt(mcmc.with_params(exp.state, proposal_scale=1.5))
    exp.advance(10)
    path = S.save_session(
        tmp_path / "m.prmlab",
        S.Session({"mcmc": S.PanelState(mcmc.State.VERSION, exp.state.to_dict())}, "mcmc"),
    )
    back = mcmc.State.from_dict(S.load_session(path).panels["mcmc"].state)
    assert back.same_as(exp.state) and back.steps == 40 and len(back.earlier) == 1
    again = mcmc.Experiment(back, exp.target).result
    np.testing.assert_array_equal(again.chains, exp.result.chains)


def test_diagnostics_are_the_engines(banana):
    r = mcmc.Experiment(mcmc.preset("Banana"), banana).advance(400)
    d = mcmc.diagnose(r.chains, 50, 2)
    s = engine.summary(r.chains, 50, 2)
    for name in ("mean", "sd", "ess", "rhat", "flagged"):
        np.testing.assert_array_equal(getattr(d, name), s[name])
    assert d.acf.shape == (2, mcmc._analysis.MAX_LAG + 1)
    assert mcmc.diagnose(r.chains[:, :10], 5, 1) is None
    assert mcmc.kept_window(mcmc.preset("Banana").replace(burn_in=100), 50) == (42, 1)


def test_views_numbers(banana):
    r = mcmc.Experiment(mcmc.preset("Banana"), banana).advance(3000)
    steps, values = mcmc.trace_envelope(r.chains, 0)
    assert values.shape[1] == len(steps) <= 2 * mcmc.DRAWN_POINTS + 6
    assert values.max() == r.chains[:, :, 0].max() and values.min() == r.chains[:, :, 0].min()
    steps, rates = mcmc.acceptance_curves(r.accepted)
    np.testing.assert_allclose(rates[:, -1], r.accepted[:, 1 : steps[-1] + 1].mean(axis=1))
    np.testing.assert_allclose(rates[:, -1], mcmc.acceptance_rates(r), atol=0.01)
    for hist in mcmc.histograms(r.chains, banana.target.bounds):
        edges, density = hist
        assert np.sum(density * np.diff(edges)) == pytest.approx(1.0)
    table = mcmc.chains_table(mcmc.preset("Banana").replace(burn_in=10), r, "Banana")
    assert len(table["x"]) == 4 * 3001 and table["kept"].sum() == 4 * 2991


def test_rejection_and_importance_are_the_engines(banana):
    state = mcmc.preset("Banana", seed=3).replace(mc_n=500)
    rej = mcmc.rejection(banana, state)
    mean, cov = mcmc.proposal(banana, state)
    ref = engine.rejection_sample(banana.target, 500, mean, cov, seed=3)
    np.testing.assert_array_equal(rej.result.accepted, ref.accepted)
    assert rej.envelope.shape == banana.density.shape and rej.near.sum() == len(rej.heights)
    imp = mcmc.importance(banana, state)
    ref = engine.importance_sample(banana.target, 500, mean, cov, 3)
    np.testing.assert_array_equal(imp.weights, ref.weights)


def test_monte_carlo_tables_and_warning(banana):
    state = mcmc.preset("Banana", seed=3).replace(mc_n=300)
    rej, imp = mcmc.rejection(banana, state), mcmc.importance(banana, state)
    chains, rejection, importance = mcmc.VIEWS
    table = mcmc.monte_carlo_table(rejection, rej)
    assert list(table) == ["x", "y", "u", "log_p", "log_M_q", "accepted"]
    np.testing.assert_array_equal(table["x"], rej.result.proposals[:, 0])
    np.testing.assert_array_equal(table["accepted"], rej.result.accepted)
    table = mcmc.monte_carlo_table(importance, imp)
    assert list(table) == ["x", "y", "log_weight", "weight"]
    assert table["weight"].sum() == pytest.approx(1.0)
    # the chains' view, or a result of the other sampler (its view was left): no table
    for view, result in ((chains, rej), (rejection, imp), (importance, rej), (importance, None)):
        assert mcmc.monte_carlo_table(view, result) is None
    n = rej.result.n_violations
    assert rej.warning() == (f"M·q < p̃ at {n} proposals: widen q" if n else None)
    violated = replace(rej, result=replace(rej.result, n_violations=2))
    assert violated.warning() == "M·q < p̃ at 2 proposals: widen q"


def test_a_bad_expression_is_a_value_error():
    with pytest.raises(ValueError):
        mcmc.prepare_target(mcmc.custom("x +* y"))
    flat = mcmc.prepare_target(mcmc.custom("-(x**2 + y**2)/200", box=1.0))
    assert flat.edge_warning() is not None
