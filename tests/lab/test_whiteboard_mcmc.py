"""The MCMC whiteboard's live numbers against NumPy: log p̃ of the correlated Gaussian,
MH's α and decision, Gibbs' conditional by the precision form, and HMC's leapfrog path
re-run from the shown momentum with the Hamiltonian computed here."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.lab import mcmc
from prmlab.lab.whiteboard import board_for
from prmlab.lab.whiteboard.mcmc import target_of

GAUSSIAN = "Correlated Gaussian"


def run(method: str, steps: int = 7, **params) -> tuple[mcmc.State, mcmc.Result]:
    state = mcmc.restarted(mcmc.preset(GAUSSIAN, seed=4), method=method, **params)
    experiment = mcmc.Experiment(state)
    result = experiment.run_to(steps)
    return experiment.state, result


def log_p(state: mcmc.State, z: np.ndarray) -> float:
    t = target_of(state)
    d = z - t.mean
    return float(-0.5 * d @ np.linalg.solve(t.cov, d))


@pytest.mark.parametrize("k", [0, 3])
def test_mh_numbers(k):
    state, result = run("mh", proposal_scale=1.5)
    board = board_for(state, result, k)
    point, logs, decision = (eq.values for eq in board.equations)
    z, zs = result.chains[k, -2], result.proposals[k, -1]
    np.testing.assert_allclose(point["z"], z)
    np.testing.assert_allclose(point["zs"], zs)
    # the engine's log p̃ may differ from this by a constant: compare differences
    assert logs["lps"] - logs["lp"] == pytest.approx(log_p(state, zs) - log_p(state, z), abs=1e-9)
    alpha = min(1.0, np.exp(log_p(state, zs) - log_p(state, z)))
    assert logs["a"] == pytest.approx(alpha, abs=1e-12)
    moved = np.allclose(result.chains[k, -1], zs)
    assert moved == bool(result.accepted[k, -1])
    assert ("accepted" in board.equations[2].caption) == moved
    assert board.title == f"Metropolis-Hastings: step 7 of chain {k + 1}"


def test_gibbs_conditional_by_the_precision_form():
    state, result = run("gibbs")
    board = board_for(state, result, 1)
    t = target_of(state)
    P = np.linalg.inv(t.cov)
    y = result.chains[1, -2, 1]
    cond = board.equations[1].values
    assert cond["m"] == pytest.approx(t.mean[0] - P[0, 1] / P[0, 0] * (y - t.mean[1]), abs=1e-12)
    assert cond["v"] == pytest.approx(1.0 / P[0, 0], abs=1e-12)
    np.testing.assert_allclose(board.equations[0].values["c"][1], y)  # z₂ held for z₁'s draw


def test_hmc_hamiltonian_and_leapfrog_path():
    state, result = run("hmc", step_size=0.3, n_leapfrog=6)
    k = 2
    board = board_for(state, result, k)
    start, leap, end, accept = (eq.values for eq in board.equations)
    P = np.linalg.inv(target_of(state).cov)
    mu = target_of(state).mean

    def grad(z):
        return -P @ (z - mu)

    z, r, eps = start["z"].copy(), start["r"].copy(), leap["eps"]
    path = [z.copy()]
    for _ in range(6):  # PRML (11.64)-(11.66)
        r = r + 0.5 * eps * grad(z)
        z = z + eps * r
        r = r + 0.5 * eps * grad(z)
        path.append(z.copy())
    np.testing.assert_allclose(np.array(path), result.trajectories[k], atol=1e-9)
    np.testing.assert_allclose(end["r"], r, atol=1e-9)
    h0 = -log_p(state, start["z"]) + 0.5 * start["r"] @ start["r"]
    h1 = -log_p(state, z) + 0.5 * r @ r
    assert accept["dH"] == pytest.approx(h1 - h0, abs=1e-9)
    assert accept["a"] == pytest.approx(min(1.0, np.exp(h0 - h1)), abs=1e-12)


def test_no_board_before_the_first_step():
    state = mcmc.preset(GAUSSIAN)
    assert board_for(state, mcmc.Experiment(state).result) is None
