"""PCA on the whiteboard: the sample covariance and its eigenvectors, the same directions by
the SVD of the centred data (``HX = UΣVᵀ``), and one EM iteration of probabilistic PCA with
its numbers (PRML §12.1, §12.2.2).

``selection`` is a point index n (default 0): the E step's ``E[z_n]`` is that point's. The
board shows the EM iteration that produced the drawn frame (from frame t − 1 to frame t; at
t = 0 the first iteration from the random start), computed here from the old W and σ² by the
E and M updates written on it; they give the engine's next frame back (tested).
"""

from __future__ import annotations

import numpy as np

from prmlab.lab import pca
from prmlab.lab.whiteboard import Board, Equation, Line

COVARIANCE = r"S = \frac{1}{N'}\sum_{n=1}^{N}(x_n-\bar{x})(x_n-\bar{x})^{\top}"
EIGEN = (
    r"S = U\Lambda U^{\top},\quad S\,u_i = \lambda_i u_i,\quad"
    r" \Lambda = \mathrm{diag}(\lambda_1 \ge \lambda_2 \ge \dots),\quad U = [u_1\ u_2\ \dots]"
)
SVD = r"HX = U\Sigma V^{\top},\quad H = I_N - \tfrac{1}{N}\mathbf{1}\mathbf{1}^{\top},\quad \lambda_i = \frac{\sigma_i^2}{N'}"
E_STEP = (
    r"M = W^{\top}W + \sigma^2 I,\quad \mathbb{E}[z_n] = M^{-1}W^{\top}(x_n-\bar{x}),\quad"
    r" \mathbb{E}[z_n z_n^{\top}] = \sigma^2 M^{-1} + \mathbb{E}[z_n]\mathbb{E}[z_n]^{\top}"
)
M_STEP_W = (
    r"W_{\mathrm{new}} = \Big[\sum_{n}(x_n-\bar{x})\,\mathbb{E}[z_n]^{\top}\Big]"
    r"\Big[\sum_{n}\mathbb{E}[z_n z_n^{\top}]\Big]^{-1}"
)
M_STEP_SIGMA = (
    r"\sigma^2_{\mathrm{new}} = \frac{1}{ND}\sum_{n}\Big\{\lVert x_n-\bar{x}\rVert^2"
    r" - 2\,\mathbb{E}[z_n]^{\top}W_{\mathrm{new}}^{\top}(x_n-\bar{x})"
    r" + \mathrm{Tr}\big(\mathbb{E}[z_n z_n^{\top}]W_{\mathrm{new}}^{\top}W_{\mathrm{new}}\big)\Big\}"
)
CLOSED = (
    r"W_{\mathrm{ML}} = U_q(\Lambda_q - \sigma^2 I)^{1/2}R,\quad"
    r" \sigma^2_{\mathrm{ML}} = \frac{1}{D-q}\sum_{i=q+1}^{D}\lambda_i"
)

DERIVATION = (
    Line(r"\max_{\lVert u\rVert=1} u^{\top}S u", "PC 1: the direction of largest spread"),
    Line(r"u^{\top}Su - \lambda(u^{\top}u - 1) \Rightarrow S u = \lambda u",
         "its variance is the eigenvalue λ₁: your line's variance is at most that"),
    Line(r"\frac{1}{N}\sum_n\lVert x_n - \tilde{x}_n\rVert^2 = \sum_{i>M}\lambda_i",
         "the squared projection error: the discarded eigenvalues"),
    Line(SVD, "the same axes without forming S: V's columns are the u_i"),
    Line(r"p(x) = \mathcal{N}(x\mid\bar{x},\,WW^{\top}+\sigma^2 I)", "p-PCA: the drawn ellipse"),
    Line(E_STEP, "E step: each point's latent coordinate given W and σ²"),
    Line(M_STEP_W, "M step: W (the drawn direction) turns towards PC 1"),
)  # fmt: skip

NOTES = (
    "PRML §12.1 (PCA) and §12.2.2 (EM for p-PCA); R is any q × q rotation: EM may "
    "converge to a rotated W with the same WWᵀ.",
)


def sample_denominator(a: pca.Analysis) -> int:
    """N' of S: N or N − 1, whichever the analysis's eigenvalues were computed with."""
    n = len(a.X)
    centred = a.X - a.X.mean(axis=0)
    scatter = centred.T @ centred
    return n if np.allclose(scatter / n, a.covariance, rtol=1e-8, atol=1e-12) else n - 1


def em_update(a: pca.Analysis, W: np.ndarray, sigma2: float, n: int) -> dict[str, np.ndarray]:
    """One EM iteration of p-PCA from ``W``, ``sigma2`` on ``a.X`` (PRML (12.54)-(12.57)),
    summed point by point as written: M, point ``n``'s E[z_n] and E[z_n z_nᵀ], the sums
    Σ (x_n − x̄)E[z_n]ᵀ and Σ E[z_n z_nᵀ], W_new and σ²_new."""
    X = a.X - a.X.mean(axis=0)
    N, D = X.shape
    q = W.shape[1]
    M = W.T @ W + sigma2 * np.eye(q)
    Minv = np.linalg.inv(M)
    Ez = X @ W @ Minv  # rows E[z_n]ᵀ (M is symmetric)
    sum_Ezz = N * sigma2 * Minv + Ez.T @ Ez
    sum_xEz = X.T @ Ez
    W_new = sum_xEz @ np.linalg.inv(sum_Ezz)
    sigma2_new = (
        float((X * X).sum())
        - 2.0 * float(np.einsum("nq,dq,nd->", Ez, W_new, X))
        + float(np.trace(sum_Ezz @ W_new.T @ W_new))
    ) / (N * D)
    return {
        "M": M, "Ez": Ez[n], "Ezz": sigma2 * Minv + np.outer(Ez[n], Ez[n]),
        "sum_xEz": sum_xEz, "sum_Ezz": sum_Ezz, "W_new": W_new, "sigma2_new": sigma2_new,
    }  # fmt: skip


# rows and columns of a matrix shown on the board: a 13 x 13 matrix took ~7 s to lay out
SHOWN = 4


def leading(array: np.ndarray) -> np.ndarray:
    """The leading ``SHOWN`` entries of a vector, rows of a D x q matrix, or block of a
    matrix: what the board shows of a table's many columns."""
    array = np.asarray(array)
    return array[:SHOWN] if array.ndim < 2 else array[:SHOWN, :SHOWN]


def _shown_note(a: pca.Analysis) -> str:
    D = a.X.shape[1]
    return f"; of the {D} columns the first {SHOWN} are shown" if D > SHOWN else ""


def _pca_equations(a: pca.Analysis) -> list[Equation]:
    Xc = a.X - a.X.mean(axis=0)
    _, singular, Vt = np.linalg.svd(Xc, full_matrices=False)
    q = len(a.pca.explained_variance_)
    denominator = sample_denominator(a)
    note = _shown_note(a)
    return [
        Equation(f"The sample covariance (N' = {denominator} here{note})", COVARIANCE,
                 r"S = \slot{S}", {"S": leading(a.covariance)}),
        Equation(f"Its eigenvalues (the variances along the principal axes) and eigenvectors"
                 f"{note and f' ({note[2:]})'}",
                 EIGEN, r"\mathrm{diag}\,\Lambda = \slot{lam},\quad U = \slot{U}",
                 {"lam": leading(a.pca.explained_variance_), "U": leading(a.pca.components_.T)}),
        Equation(f"The same axes by the SVD of the centred data (V's columns are the u_i, up "
                 f"to sign; this U is N × N{note})", SVD,
                 r"\sigma = \slot{sv},\quad \sigma^2/N' = \slot{lam},\quad V = \slot{V}",
                 {"sv": leading(singular[:q]), "lam": leading(singular[:q] ** 2 / denominator),
                  "V": leading(Vt[:q].T)}),
    ]  # fmt: skip


def _ppca_equations(a: pca.Analysis, t: int, n: int) -> list[Equation]:
    old = a.frames[max(t - 1, 0)]
    u = em_update(a, old.W, old.sigma2, n)
    note = _shown_note(a)
    equations = [
        Equation(f"E step from the old W and σ² (the selected point n = {n + 1}'s latent mean)",
                 E_STEP, r"\sigma^2 = \slot{s2},\; M = \slot{M},\; \mathbb{E}[z_n] = \slot{Ez}",
                 {"s2": old.sigma2, "M": leading(u["M"]), "Ez": leading(u["Ez"])}),
        Equation(f"M step: the new W{note and f' ({note[2:]})'}", M_STEP_W,
                 r"W_{\mathrm{new}} = \slot{W}", {"W": leading(u["W_new"])}),
        Equation("M step: the new noise variance", M_STEP_SIGMA,
                 r"\sigma^2_{\mathrm{new}} = \slot{s2}", {"s2": u["sigma2_new"]}),
    ]  # fmt: skip
    if a.closed is not None:
        equations.append(
            Equation("Where EM goes: the maximum-likelihood solution (Tipping & Bishop)",
                     CLOSED, r"W_{\mathrm{ML}} = \slot{W},\quad \sigma^2_{\mathrm{ML}} = \slot{s2}",
                     {"W": leading(a.closed.W_), "s2": a.closed.sigma2_})
        )  # fmt: skip
    return equations


def board(state: pca.State, result: pca.Result, selection: int | None = None) -> Board | None:
    """The equations of PCA for ``result``'s data and of the EM iteration that led to its
    frame, for point ``selection`` (default 0)."""
    a = result.analysis
    if a is None:
        return None
    n = min(max(int(selection or 0), 0), len(a.X) - 1)
    equations = _pca_equations(a)
    title = f"PCA of {len(a.X)} points in {a.X.shape[1]} dimensions"
    if a.frames and len(a.frames) > 1:
        t = max(result.iteration, 1)
        equations += _ppca_equations(a, t, n)
        title += f"; p-PCA EM iteration {t} (point n = {n + 1})"
    return Board(title, tuple(equations), DERIVATION, NOTES)
