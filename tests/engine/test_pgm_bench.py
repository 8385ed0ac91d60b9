"""The pgm benchmark's NumPy references compute what the engine computes."""

import numpy as np

from prmlab.bench import pgm as bench
from prmlab.engine import pgm


def test_numpy_flooding_bp_gives_the_engines_messages_and_marginals():
    mrf = bench.denoising_model(24)
    marginals, directions = bench.numpy_loopy_bp(mrf, 7)
    ours = pgm.belief_propagation(mrf, max_iter=7, tol=0.0)
    np.testing.assert_allclose(bench.grid_messages(directions), ours.messages, atol=1e-9)
    np.testing.assert_allclose(marginals, ours.marginals, atol=1e-9)


def test_numpy_gibbs_samples_the_same_chain_law():
    mrf = bench.denoising_model(24)
    ours = pgm.gibbs(mrf, 400, burn_in=50, seed=0).marginals
    theirs = bench.numpy_gibbs(mrf, 400, seed=1)
    # same model, same schedule: pixel marginals agree up to Monte Carlo error
    assert np.abs(ours - theirs).mean() < 0.03
    assert np.corrcoef(ours[:, 1], theirs[:, 1])[0, 1] > 0.95
