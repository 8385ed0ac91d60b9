"""The PCA whiteboard's live numbers against NumPy's SVD, scikit-learn's PCA and a direct
NumPy computation of Tipping & Bishop's EM updates (PRML §12.2.2), and the engine's frames."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA as SkPCA

from prmlab.lab import pca
from prmlab.lab.whiteboard.pca import board


@pytest.fixture(scope="module")
def experiment():
    return pca.Experiment(pca.preset(pca.PRESETS[0], seed=1))


def shown(b) -> dict:
    return {eq.caption.split(" (")[0]: eq.values for eq in b.equations}


def test_eigen_and_svd_numbers_match_numpy_and_sklearn(experiment):
    result = experiment.run_to(0)
    values = shown(board(experiment.state, result))
    X = result.analysis.X
    reference = SkPCA().fit(X)
    eig = values["Its eigenvalues"]
    np.testing.assert_allclose(eig["lam"], reference.explained_variance_, rtol=1e-10)
    for u, v in zip(eig["U"].T, reference.components_, strict=True):
        assert abs(abs(u @ v) - 1.0) < 1e-10  # the same axis, either sign
    svd = values["The same axes by the SVD of the centred data"]
    sv = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    np.testing.assert_allclose(svd["sv"], sv, rtol=1e-10)
    np.testing.assert_allclose(svd["lam"], reference.explained_variance_, rtol=1e-10)


def tipping_bishop_step(X: np.ndarray, W: np.ndarray, s2: float) -> tuple[np.ndarray, float]:
    """PRML (12.58)-(12.59) (the compact form through S with N), written independently."""
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / len(X)
    Minv = np.linalg.inv(W.T @ W + s2 * np.eye(W.shape[1]))
    W_new = S @ W @ np.linalg.inv(s2 * np.eye(W.shape[1]) + Minv @ W.T @ S @ W)
    s2_new = np.trace(S - S @ W @ Minv @ W_new.T) / X.shape[1]
    return W_new, float(s2_new)


@pytest.mark.parametrize("t", [0, 1, 3])
def test_ppca_em_numbers_match_tipping_bishop_and_the_engine(experiment, t):
    result = experiment.run_to(t)
    a = result.analysis
    values = shown(board(experiment.state, result, 4))
    old = a.frames[max(t, 1) - 1]
    W_ref, s2_ref = tipping_bishop_step(a.X, old.W, old.sigma2)
    np.testing.assert_allclose(values["M step: the new W"]["W"], W_ref, atol=1e-10)
    np.testing.assert_allclose(values["M step: the new noise variance"]["s2"], s2_ref, rtol=1e-9)
    np.testing.assert_allclose(values["M step: the new W"]["W"], a.frames[max(t, 1)].W, atol=1e-9)
    M = old.W.T @ old.W + old.sigma2 * np.eye(old.W.shape[1])
    Ez = np.linalg.solve(M, old.W.T @ (a.X[4] - a.X.mean(axis=0)))
    e_step = values["E step from the old W and σ²"]
    np.testing.assert_allclose(e_step["Ez"], Ez, atol=1e-12)
    np.testing.assert_allclose(e_step["M"], M, atol=1e-12)


def test_the_pca_route_is_s_equals_u_lambda_u_transposed_and_the_svd_gives_v_equal_to_u(
    experiment,
):
    result = experiment.run_to(2)
    values = shown(board(experiment.state, result))
    X = result.analysis.X
    S = np.cov(X.T, ddof=1)
    np.testing.assert_allclose(values["The sample covariance"]["S"], S, rtol=1e-12)
    eig = values["Its eigenvalues"]
    U, lam = eig["U"], eig["lam"]
    np.testing.assert_allclose(U @ np.diag(lam) @ U.T, S, atol=1e-12)  # S = UΛUᵀ
    V = values["The same axes by the SVD of the centred data"]["V"]
    np.testing.assert_allclose(np.abs(V.T @ U), np.eye(len(lam)), atol=1e-10)  # up to sign


def test_a_table_of_many_columns_shows_the_leading_block_and_says_so():
    # 13 x 13 matrices took ~7 s each to lay out: the pane stayed busy past half a minute
    experiment = pca.Experiment(pca.preset("Wine (13 columns)"))
    result = experiment.run_to(2)
    b = board(experiment.state, result)
    assert all(max(s, default=0) <= 4 for eq in b.equations for s in eq.shapes().values())
    values = shown(b)
    np.testing.assert_array_equal(values["The sample covariance"]["S"],
                                  result.analysis.covariance[:4, :4])  # fmt: skip
    assert "of the 13 columns the first 4 are shown" in b.equations[0].caption
