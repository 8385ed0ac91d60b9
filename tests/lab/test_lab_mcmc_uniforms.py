"""The u of each chain's accept test, recorded in the MCMC lab's step result: the kernel's
own draw (its decision is u < α, α from the target's log density), the same however the
steps are grouped or re-run, and the chains bit-identical to the engine's for the seed."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.engine import mcmc as engine
from prmlab.lab import mcmc
from prmlab.lab.whiteboard import board_for
from prmlab.lab.whiteboard.mcmc import hmc_energies, target_of


def state_of(method: str) -> mcmc.State:
    return mcmc.restarted(mcmc.preset("Banana", seed=3), method=method)


@pytest.mark.parametrize("method", ["mh", "hmc", "gibbs"])
def test_the_chains_are_the_engines_draw_for_draw(method):
    state = state_of(method)
    experiment = mcmc.Experiment(state)
    for _ in range(40):
        experiment.advance(1)  # the last step runs alone (its u is replayed before it)
    experiment.advance(25)
    sampler = engine.Sampler(
        mcmc.prepare_target(state).target, method, state.n_chains, state.seed, state.x0,
        **state.params_at(0),
    )  # fmt: skip
    reference = sampler.run(65)
    np.testing.assert_array_equal(experiment.result.chains[:, 1:], reference.chains)
    np.testing.assert_array_equal(experiment.result.accepted[:, 1:], reference.accepted)


def test_each_metropolis_hastings_decision_is_u_below_alpha():
    experiment = mcmc.Experiment(state_of("mh"))
    target = target_of(experiment.state)
    assert experiment.result.uniforms is None  # step 0: no test yet
    for _ in range(150):
        result = experiment.advance(1)
        before, proposal = np.array(result.chains[:, -2]), np.array(result.proposals[:, -1])
        alpha = np.minimum(1.0, np.exp(target.log_density(proposal) - target.log_density(before)))
        u = result.uniforms
        assert u.shape == (len(before),) and np.all((u >= 0) & (u < 1))
        np.testing.assert_array_equal(result.accepted[:, -1], u < alpha)


def test_each_hmc_decision_is_u_below_alpha_of_the_energy_error():
    experiment = mcmc.Experiment(state_of("hmc"))
    target = target_of(experiment.state)
    for _ in range(40):
        result = experiment.advance(1)
        for k in range(len(result.chains)):
            e = hmc_energies(experiment.state, result, target, k)
            if abs(np.log(result.uniforms[k]) - (e["H"] - e["Hs"])) > 1e-9:  # not a tie
                assert bool(result.accepted[k, -1]) == (result.uniforms[k] < e["alpha"])


def test_u_is_the_same_when_the_step_is_reached_again_and_gibbs_has_none():
    experiment = mcmc.Experiment(state_of("mh"))
    first = experiment.run_to(37).uniforms.copy()
    experiment.advance(100)
    np.testing.assert_array_equal(experiment.run_to(37).uniforms, first)  # re-run from a snapshot
    np.testing.assert_array_equal(mcmc.Experiment(state_of("mh")).advance(37).uniforms, first)
    assert mcmc.Experiment(state_of("gibbs")).advance(5).uniforms is None


@pytest.mark.parametrize("method", ["mh", "hmc"])
def test_the_board_shows_u_beside_alpha_and_the_decision(method):
    experiment = mcmc.Experiment(state_of(method))
    result = experiment.advance(12)
    for k in range(len(result.chains)):
        board = board_for(experiment.state, result, k)
        test = next(eq for eq in board.equations if "decision" in eq.caption)
        assert test.values["u"] == result.uniforms[k]
        accepted = bool(result.accepted[k, -1])
        assert (test.values["u"] < test.values["a"]) == accepted
        assert ("<" in test.live) == accepted and ("accepted" in test.caption) == accepted
