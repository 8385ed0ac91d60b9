"""Benchmark workloads of the gmm topic (issue #5).

How the comparison is kept fair:
- EM: both sides run the same number of EM iterations from the same parameters. scikit-learn
  is timed through ``GaussianMixture._e_step`` + ``_m_step``, exactly one EM iteration with no
  fit-time validation or initialisation (its most favourable measure); prmlab through the
  public :func:`prmlab.engine.gmm.em_step`, input checks included.
- k-means: both ``fit`` from the same starting centres, ``n_init=1``, ``tol=0``, on data where
  Lloyd's algorithm does not converge within ``max_iter`` (checked), so both do exactly
  ``max_iter`` iterations; scikit-learn uses ``algorithm="lloyd"`` (Cython + OpenMP).
- scikit-learn's threads: on a small busy machine its BLAS/OpenMP threads can spin and make it
  several times slower than with one thread. Each reference is timed once both ways
  (default threads, and ``threadpoolctl`` limits of 1) and runs with the faster setting.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from prmlab.bench import Workload, _seconds

_K, _D, _EM_ITERS, _KM_ITERS = 5, 2, 5, 20


def _data(n: int) -> np.ndarray:
    """Five overlapping Gaussian blobs in 2-D (slow for Lloyd's algorithm to settle)."""
    rng = np.random.default_rng(0)
    centres = rng.uniform(-4, 4, size=(_K, _D))
    return centres[rng.integers(_K, size=n)] + rng.normal(scale=2.0, size=(n, _D))


def _fastest_threads(fn: Callable[[], None]) -> Callable[[], None]:
    """``fn`` as is or under a one-thread limit (BLAS and OpenMP), whichever ran faster."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return fn

    def limited() -> None:
        with threadpool_limits(limits=1):
            fn()

    fn(), limited()  # warm both
    return min((fn, limited), key=lambda f: min(_seconds(f) for _ in range(2)))


def workloads(quick: bool) -> list[Workload]:
    from prmlab.engine import gmm

    n = 2_000 if quick else 200_000
    X = _data(n)
    start = X[:_K].copy()
    w0, m0, c0, _ = gmm.em_step(X, np.full(_K, 1.0 / _K), start, np.stack([np.eye(_D)] * _K))

    def em_ours() -> None:
        w, m, c = w0, m0, c0
        for _ in range(_EM_ITERS):
            w, m, c, _ = gmm.em_step(X, w, m, c)

    def kmeans_ours() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gmm.KMeans(_K, init=start, n_init=1, max_iter=_KM_ITERS, tol=0.0).fit(X)

    out = []
    try:
        from sklearn.cluster import KMeans as SkKMeans
        from sklearn.mixture import GaussianMixture as SkGMM
    except ImportError:
        SkGMM = SkKMeans = None

    em_ref = km_ref = None
    if SkGMM is not None:
        ref = SkGMM(_K, covariance_type="full", reg_covar=1e-6)
        ref.fit(X[: 10 * _K])  # sets the attributes _e_step/_m_step need; replaced below

        def em_sklearn() -> None:
            ref.weights_, ref.means_, ref.covariances_ = w0, m0, c0
            ref.precisions_cholesky_ = np.linalg.inv(np.linalg.cholesky(c0)).transpose(0, 2, 1)
            for _ in range(_EM_ITERS):
                _, log_resp = ref._e_step(X)
                ref._m_step(X, log_resp)

        def km_sklearn() -> None:
            SkKMeans(_K, init=start, n_init=1, max_iter=_KM_ITERS, tol=0.0, algorithm="lloyd").fit(
                X
            )

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            it = SkKMeans(_K, init=start, n_init=1, max_iter=_KM_ITERS, tol=0.0).fit(X).n_iter_
        if it != _KM_ITERS:
            raise RuntimeError(f"k-means bench data converged in {it} < {_KM_ITERS} iterations")
        em_ref, km_ref = _fastest_threads(em_sklearn), _fastest_threads(km_sklearn)

    out.append(
        Workload(
            f"gmm EM x{_EM_ITERS} full K={_K} d={_D} n={n:,}",
            em_ours,
            "sklearn GMM _e_step+_m_step" if em_ref else None,
            em_ref,
            goal=0.25,
            repeat=7,  # a busy 2-core machine: more interleaved runs, keep each side's best
            parallel=True,
        )
    )
    out.append(
        Workload(
            f"gmm KMeans x{_KM_ITERS} K={_K} d={_D} n={n:,}",
            kmeans_ours,
            "sklearn KMeans lloyd" if km_ref else None,
            km_ref,
            goal=1.0,
            repeat=7,
            parallel=True,
        )
    )

    big = _data(20_000 if quick else 1_000_000)

    def step_big() -> None:
        model = gmm.GaussianMixture(_K, max_iter=1, init_params="random", random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in model.iter_fit(big):
                pass

    out.append(Workload(f"gmm iter_fit init+E+M n={len(big):,}", step_big, repeat=2))
    return out
