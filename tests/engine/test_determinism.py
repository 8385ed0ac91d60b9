"""A seed gives bit-identical numbers whatever the number of threads: parallel work is split
into a fixed number of chunks (``_parallel.N_CHUNKS``), never one per core.

Each case runs in a fresh interpreter with ``NUMBA_NUM_THREADS=1`` and with Numba's default
(one thread per core), and prints a digest of every output array.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from prmlab.engine.pca import PCA, centred_scatter

# Each case builds its inputs from fixed seeds and returns the arrays that must not change.
# Sizes are the smallest that take each workload's parallel path.
CASES = {
    "particle filter": """
from prmlab.engine import particle
F = np.array([[1.0, 1.0], [0.0, 1.0]]); H = np.array([[1.0, 0.0]])
model = particle.linear_gaussian(F, H, np.eye(2) * 0.1, np.eye(1))
_, zs = particle.simulate(model, 6, np.zeros(2), np.eye(2), seed=1)
r = particle.run_particle_filter(model, zs, 5_003, np.zeros(2), np.eye(2), seed=2,
                                 return_particles=True)
out = [r.means, r.covs, r.ess, r.particles, r.weights, np.array(r.log_likelihood)]
""",
    "MCMC": """
from prmlab.engine import mcmc
r = mcmc.sample(mcmc.targets.banana(), "mh", 30_000, n_chains=4, seed=3)
out = [r.chains]
""",
    "GMM and k-means initialisation": """
from prmlab.engine.gmm import GaussianMixture, KMeans, kmeans_plusplus
rng = np.random.default_rng(4)
X = rng.normal(size=(40_000, 2)) + rng.integers(0, 4, size=(40_000, 1)) * 3.0
centres, indices = kmeans_plusplus(X, 4, np.random.default_rng(5))
km = KMeans(4, n_init=1, max_iter=5, random_state=6).fit(X)
gm = GaussianMixture(4, max_iter=3, random_state=7).fit(X)
out = [centres, indices, km.cluster_centers_, gm.means_, gm.covariances_]
""",
    "PCA": """
from prmlab.engine.pca import PCA
rng = np.random.default_rng(8)
X = rng.normal(size=(20_011, 50)) @ rng.normal(size=(50, 50)) + 1.0
p = PCA(3).fit(X)
out = [p.mean_, p.components_, p.explained_variance_]
""",
}

_RUNNER = """
import hashlib, sys
import numpy as np
{case}
print(" ".join(hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest() for a in out))
"""


def _digests(case: str, threads: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_NUM_THREADS"}
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = threads
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER.format(case=case)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("name", list(CASES))
def test_one_thread_and_the_default_give_the_same_bits(name):
    one = _digests(CASES[name], "1")
    assert one == _digests(CASES[name], None)
    assert one  # the case printed its digests


def test_overlapping_pca_fits_in_two_threads_are_right_and_leave_blas_as_it_was():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    rng = np.random.default_rng(9)
    datasets = [rng.normal(size=(10_000, 30)) * (1.0 + k) for k in range(2)]
    expected = [centred_scatter(X) for X in datasets]
    PCA(2).fit(datasets[0])  # every library the fits use is loaded now
    before = _blas_threads(threadpoolctl)
    results: dict[int, list] = {0: [], 1: []}
    start = threading.Barrier(2)

    def fit_repeatedly(k: int) -> None:
        start.wait()  # both threads' fits overlap
        for _ in range(5):
            results[k].append(centred_scatter(datasets[k]))
        results[k].append(PCA(2).fit(datasets[k]).explained_variance_)

    threads = [threading.Thread(target=fit_repeatedly, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(2):
        for mean, scatter in results[k][:-1]:
            assert np.array_equal(mean, expected[k][0])
            assert np.array_equal(scatter, expected[k][1])
        n = datasets[k].shape[0]
        top = np.linalg.eigvalsh(expected[k][1] / (n - 1))[::-1][:2]
        np.testing.assert_allclose(results[k][-1], top, rtol=1e-12)
        centred = datasets[k] - datasets[k].mean(axis=0)
        np.testing.assert_allclose(expected[k][1], centred.T @ centred, rtol=1e-12, atol=1e-9)
    assert _blas_threads(threadpoolctl) == before


def _blas_threads(threadpoolctl) -> dict[str, int]:
    return {lib["filepath"]: lib["num_threads"] for lib in threadpoolctl.threadpool_info()}


def test_every_chunk_of_work_is_a_fixed_slice_of_the_rows():
    from prmlab.engine._parallel import N_CHUNKS, chunk_range

    for n in (0, 1, 15, 16, 17, 200_003):
        bounds = [chunk_range(n, c, N_CHUNKS) for c in range(N_CHUNKS)]
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
        assert max(hi - lo for lo, hi in bounds) - min(hi - lo for lo, hi in bounds) <= 1
