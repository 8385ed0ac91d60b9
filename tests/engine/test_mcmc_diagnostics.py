"""ESS and R-hat against ArviZ on the same draws; autocorrelation; a stuck chain is flagged."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from prmlab.engine import mcmc

az = pytest.importorskip("arviz")


def _ar1(n_chains, n_draws, phi, seed, shift=None):
    rng = np.random.default_rng(seed)
    x = np.empty((n_chains, n_draws))
    x[:, 0] = rng.standard_normal(n_chains)
    noise = rng.standard_normal((n_chains, n_draws))
    for t in range(1, n_draws):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    if shift is not None:
        x += np.asarray(shift)[:, None]
    return x


CASES = {
    "iid": _ar1(4, 500, 0.0, 0),
    "sticky": _ar1(4, 801, 0.95, 1),  # odd number of draws: split drops the middle one
    "disagreeing": _ar1(3, 400, 0.5, 2, shift=[0.0, 0.0, 1.5]),
    "antithetic": _ar1(2, 300, -0.6, 3),
    "few": _ar1(2, 6, 0.3, 4),
}


@pytest.mark.parametrize("name", list(CASES))
def test_ess_and_rhat_agree_with_arviz(name):
    draws = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_ess = az.ess(draws, method="bulk")
        ref_rhat = az.rhat(draws)
    assert mcmc.ess(draws) == pytest.approx(float(ref_ess), rel=1e-9)
    assert mcmc.rhat(draws) == pytest.approx(float(ref_rhat), rel=1e-9)


def test_per_coordinate_on_sampler_output():
    r = mcmc.sample(mcmc.targets.banana(), "mh", 600, n_chains=4, seed=0)
    ess, rhat = mcmc.ess(r.chains), mcmc.rhat(r.chains)
    assert ess.shape == rhat.shape == (2,)
    for k in range(2):
        assert ess[k] == pytest.approx(float(az.ess(r.chains[:, :, k], method="bulk")), rel=1e-9)
        assert rhat[k] == pytest.approx(float(az.rhat(r.chains[:, :, k])), rel=1e-9)


def test_stuck_chain_is_flagged():
    draws = np.stack([_ar1(3, 400, 0.3, 5)] * 2, axis=2)
    good = mcmc.summary(draws)
    assert not good["flagged"].any()
    stuck = np.concatenate([draws, np.full((1, 400, 2), 0.7)], axis=0)
    s = mcmc.summary(stuck)
    assert s["flagged"].all()
    assert np.all(s["rhat"] > 1.01)
    # A chain that never moves from a far start: R-hat is huge.
    far = np.concatenate([draws, np.full((1, 400, 2), 25.0)], axis=0)
    assert np.all(mcmc.rhat(far) > 1.5)


def test_summary_burn_in_and_thinning():
    draws = np.stack([_ar1(4, 200, 0.3, 6)] * 2, axis=2)
    s = mcmc.summary(draws, burn_in=50, thin=3)
    assert s["n_draws"][0] == len(range(50, 200, 3))
    with pytest.raises(ValueError, match="burn_in must be < 200"):
        mcmc.summary(draws, burn_in=200)
    with pytest.raises(ValueError, match="thin must be >= 1"):
        mcmc.summary(draws, thin=0)


def test_autocorr_matches_direct_sum():
    x = _ar1(1, 300, 0.7, 7)[0]
    d = x - x.mean()
    direct = np.array([np.dot(d[: len(d) - k], d[k:]) for k in range(21)]) / np.dot(d, d)
    np.testing.assert_allclose(mcmc.autocorr(x, 20), direct, atol=1e-12)
    rows = mcmc.autocorr(np.vstack([x, x]), 5)
    assert rows.shape == (2, 6)
    np.testing.assert_array_equal(mcmc.autocorr(np.full(10, 3.0), 3), np.ones(4))
    with pytest.raises(ValueError, match="max_lag must be < 300"):
        mcmc.autocorr(x, 300)


def test_bad_diagnostic_input():
    with pytest.raises(ValueError, match="chains must have shape"):
        mcmc.ess(np.zeros(5))
    with pytest.raises(ValueError, match="must hold real numbers"):
        mcmc.rhat([["a", "b"]])
    assert np.isnan(mcmc.rhat(np.zeros((1, 100))))  # one chain: R-hat undefined, as ArviZ


def test_rhat_of_constant_chains_is_defined_and_matches_arviz_where_arviz_is_defined():
    same = np.full((4, 100), 3.0)
    with np.errstate(invalid="ignore"):  # ArviZ divides 0 by 0 here
        assert np.isnan(mcmc.rhat(same)) and np.isnan(float(az.rhat(same)))
    assert mcmc.ess(same) == float(az.ess(same)) == 400
    apart = np.repeat([[1.0], [2.0], [2.0], [5.0]], 100, axis=1)
    # ArviZ returns a rounding residue's ratio (~1e7) here; both are far above the threshold
    assert mcmc.rhat(apart) == np.inf and float(az.rhat(apart)) > 1e6
    stuck = np.random.default_rng(0).standard_normal((4, 100))
    stuck[0] = 5.0  # one stuck chain still has within-chain variance from the others
    assert mcmc.rhat(stuck) == pytest.approx(float(az.rhat(stuck)), rel=1e-9)
