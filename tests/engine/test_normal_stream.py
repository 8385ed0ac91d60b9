"""The kernels' normal draws (xoshiro256++ and NumPy's ziggurat) against N(0, 1)."""

import numpy as np
import pytest
from scipy import stats

from prmlab.engine import _normal_stream as ns
from prmlab.engine._jit import jit


@jit
def _draw(stream, out):
    for i in range(out.shape[0]):
        out[i] = ns.standard_normal(stream)


def _draws(seed, n=400_000):
    out = np.empty(n)
    _draw(ns.seed_streams(np.random.default_rng(seed), 1)[0], out)
    return out


def test_tables_are_the_ziggurat_of_the_standard_normal():
    # the right edges x_i = wi * 2^52 (i >= 1); every layer has the base layer's area
    # v = r f(r) + the tail's, the top one (0 to x_1, between f(x_1) and 1) included
    x = ns.WI * 2.0**52
    assert np.all(np.diff(x[1:]) > 0) and x[-1] == pytest.approx(ns.ZIGGURAT_R)
    np.testing.assert_allclose(ns.FI[1:], np.exp(-0.5 * x[1:] ** 2))
    v = ns.ZIGGURAT_R * ns.FI[-1] + stats.norm.sf(ns.ZIGGURAT_R) * np.sqrt(2 * np.pi)
    assert x[0] * ns.FI[-1] == pytest.approx(v)
    np.testing.assert_allclose(x[1:] * (ns.FI[:-1] - ns.FI[1:]), v, rtol=1e-6)
    assert ns.KI[1] == 0  # the top layer: no rectangle, a wedge only


@pytest.mark.parametrize("seed", [0, 1])
def test_draws_follow_the_standard_normal(seed):
    x = _draws(seed)
    assert stats.kstest(x, "norm").pvalue > 1e-3
    assert abs(x.mean()) < 5 / np.sqrt(x.size)
    assert x.var() == pytest.approx(1.0, abs=5 * np.sqrt(2 / x.size))
    # the tail beyond r comes from its own sampler: its frequency, within 5 sd
    p = 2 * stats.norm.sf(ns.ZIGGURAT_R)
    tail = np.mean(np.abs(x) > ns.ZIGGURAT_R)
    assert abs(tail - p) < 5 * np.sqrt(p / x.size)
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < 5 / np.sqrt(x.size)


def test_streams_reproduce_their_seed_and_differ_from_each_other():
    np.testing.assert_array_equal(_draws(3, 1000), _draws(3, 1000))
    a, b = ns.seed_streams(np.random.default_rng(4), 2)
    assert not np.array_equal(a, b)
    out_a, out_b = np.empty(1000), np.empty(1000)
    _draw(a, out_a)
    _draw(b, out_b)
    assert abs(np.corrcoef(out_a, out_b)[0, 1]) < 0.15


def test_the_all_zero_state_is_never_seeded():
    class Zeros:
        def integers(self, *args, size, **kwargs):
            return np.zeros(size, dtype=np.uint64)

    states = ns.seed_streams(Zeros(), 3)
    assert states.any(axis=1).all()
