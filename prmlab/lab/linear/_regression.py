"""Regression analyses: the polynomial fit by least squares (MLE) and by ridge or lasso (MAP),
the coefficient paths, the loss contours meeting the prior's ball in coefficient space, and
the projection picture of least squares for three points. Every fit is the engine's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine.linear import Lasso, LinearRegression, Ridge, lasso_path
from prmlab.lab.linear._state import State

CURVE_POINTS = 200
PATH_POINTS = 25  # each a Ridge fit: a drag refits them all
ELLIPSE_POINTS = 97
RIDGE_RANGE = (1e-4, 1e3)  # the ridge λ slider's range: the path covers it
LASSO_RANGE = (1e-4, 10.0)


@dataclass(frozen=True, eq=False)
class Features:
    """Polynomial features of x, scaled so the coefficients are comparable: z = (x − m)/s,
    columns z, z², …, z^degree."""

    mean: float
    scale: float
    degree: int

    def __call__(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, float) - self.mean) / self.scale
        return z[:, None] ** np.arange(1, self.degree + 1)


def features_for(x: np.ndarray, degree: int) -> Features:
    """The expansion of degree ``degree`` scaled to the points ``x`` (|z| ≤ 1 on them)."""
    mean = float(np.mean(x)) if len(x) else 0.0
    spread = float(np.max(np.abs(x - mean))) if len(x) else 1.0
    return Features(mean, spread if spread > 0 else 1.0, degree)


@dataclass(frozen=True, eq=False)
class CoefficientPlane:
    """The first two coefficients (w₁, w₂), the others held at the MAP fit's: the loss is a
    quadratic, so its contours are ellipses around the least-squares point ``mle``:
    ``contours`` (m, 2) polylines, the one through the MAP point ``map`` first; ``extent``
    (w₁0, w₁1, w₂0, w₂1) shows both points and 0; the prior's ball through the MAP point has
    ``radius``: the L2 circle (ridge) or L1 diamond (lasso)."""

    contours: tuple[np.ndarray, ...]
    extent: tuple[float, float, float, float]
    mle: np.ndarray
    map: np.ndarray
    penalty: str
    radius: float


@dataclass(frozen=True, eq=False)
class Projection:
    """Least squares as a projection, for three points: in an orthonormal frame (u₁, u₂ span
    the column space of X = [1, x], n is normal to it), the columns ``ones`` and ``xs``, the
    data ``y`` and its projection ``y_hat`` = X(XᵀX)⁻¹Xᵀy, each (3,) in that frame."""

    ones: np.ndarray
    xs: np.ndarray
    y: np.ndarray
    y_hat: np.ndarray


@dataclass(frozen=True, eq=False)
class RegressionResult:
    """The fits drawn over ``x_grid (m,)``: ``mle_curve`` (least squares) and ``map_curve``
    (ridge or lasso, per ``penalty`` at ``strength``); ``fitted (n,)`` the MAP fit at the
    points (the residuals are ``y − fitted``); ``coef_mle``/``coef_map`` (degree,) and their
    intercepts; the coefficient path: ``path_values (k,)`` of λ or α, ``path_coefs (k,
    degree)``; the coefficient plane (degree ≥ 2) and the projection (three points, degree 1);
    ``notes`` for the user."""

    x_grid: np.ndarray
    mle_curve: np.ndarray
    map_curve: np.ndarray
    fitted: np.ndarray
    coef_mle: np.ndarray
    coef_map: np.ndarray
    intercept_mle: float
    intercept_map: float
    penalty: str
    strength: float
    path_values: np.ndarray
    path_coefs: np.ndarray
    plane: CoefficientPlane | None
    projection: Projection | None
    rss_mle: float
    rss_map: float
    notes: tuple[str, ...] = ()


def check_regression(state: State) -> None:
    """Raise ``ValueError`` if the points cannot be fitted (fewer than two)."""
    if len(state.X) < 2:
        raise ValueError(
            f"regression needs at least 2 points, got {len(state.X)}; click to add points"
        )


def _map_model(state: State):
    if state.penalty == "ridge":
        return Ridge(alpha=state.ridge_lambda)
    return Lasso(alpha=state.lasso_alpha, max_iter=10_000)


def regression(state: State) -> RegressionResult:
    """Least squares and the MAP fit of ``state``'s polynomial, with the views' analyses."""
    check_regression(state)
    x, y = state.X[:, 0], state.X[:, 1]
    feats = features_for(x, state.degree)
    Z = feats(x)
    mle = LinearRegression().fit(Z, y)
    post = _map_model(state).fit(Z, y)
    lo, hi = float(x.min()), float(x.max())
    pad = 0.08 * max(hi - lo, 1e-6)
    x_grid = np.linspace(lo - pad, hi + pad, CURVE_POINTS)
    Zg = feats(x_grid)
    values, coefs = coefficient_path(Z, y, state.penalty)
    notes = []
    if len(x) <= state.degree:
        notes.append(
            f"{len(x)} points cannot fix {state.degree + 1} coefficients: least squares "
            "gives the least-norm solution of the many that fit exactly."
        )
    fitted = post.predict(Z)
    return RegressionResult(
        x_grid=x_grid,
        mle_curve=mle.predict(Zg),
        map_curve=post.predict(Zg),
        fitted=fitted,
        coef_mle=np.array(mle.coef_, float),
        coef_map=np.array(post.coef_, float),
        intercept_mle=float(mle.intercept_),
        intercept_map=float(post.intercept_),
        penalty=state.penalty,
        strength=state.ridge_lambda if state.penalty == "ridge" else state.lasso_alpha,
        path_values=values,
        path_coefs=coefs,
        plane=coefficient_plane(Z, y, np.array(post.coef_, float), state.penalty),
        projection=projection(state) if len(x) == 3 and state.degree == 1 else None,
        rss_mle=float(np.sum((y - mle.predict(Z)) ** 2)),
        rss_map=float(np.sum((y - fitted) ** 2)),
        notes=tuple(notes),
    )


def coefficient_path(Z: np.ndarray, y: np.ndarray, penalty: str) -> tuple[np.ndarray, np.ndarray]:
    """The coefficients (k, d) against λ (ridge) or α (lasso), ``PATH_POINTS`` values over
    the slider's range, increasing."""
    lo, hi = RIDGE_RANGE if penalty == "ridge" else LASSO_RANGE
    values = np.geomspace(lo, hi, PATH_POINTS)
    if penalty == "lasso":  # the engine's path: centred data, no intercept, largest α first
        Zc, yc = Z - Z.mean(axis=0), y - y.mean()
        coefs = lasso_path(Zc, yc, values[::-1])[::-1]
        return values, np.asarray(coefs, float)
    # the same coefficients from d rows instead of n: centred, ‖yc − Zc w‖² = ‖Qᵀyc − R w‖²
    # + a constant (Zc = QR), so each λ's fit costs a d × d problem
    q, r = np.linalg.qr(Z - Z.mean(axis=0))
    small_y = q.T @ (y - y.mean())
    coefs = np.array(
        [Ridge(alpha=v, fit_intercept=False).fit(r, small_y).coef_ for v in values], float
    )
    return values, coefs


def coefficient_plane(
    Z: np.ndarray, y: np.ndarray, w_map: np.ndarray, penalty: str
) -> CoefficientPlane | None:
    """The loss over (w₁, w₂) with the other coefficients at ``w_map``'s and the intercept
    profiled out (centred data); None for a single coefficient."""
    if Z.shape[1] < 2:
        return None
    Zc, yc = Z - Z.mean(axis=0), y - y.mean()
    A = Zc[:, :2]
    r0 = yc - Zc[:, 2:] @ w_map[2:]
    # the loss is a quadratic: ‖r0 − A w‖² = r0·r0 − 2 (Aᵀr0)·w + wᵀ(AᵀA)w
    G = A.T @ A
    mle = LinearRegression(fit_intercept=False).fit(A, r0).coef_
    mle, here = np.asarray(mle, float), w_map[:2].copy()
    pts = np.vstack([mle, here, np.zeros(2)])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    half = 0.75 * max(float(np.max(hi - lo)), 1e-3)
    mid = 0.5 * (lo + hi)
    # ‖r0 − A w‖² = its least + (w − mle)ᵀ G (w − mle): the level through the MAP point,
    # then multiples of its distance from the least (the ellipses' half-axes scale with k)
    d = here - mle
    touch = max(float(d @ G @ d), 1e-24)
    vals, vecs = np.linalg.eigh(G)
    radii = np.sqrt(touch / np.maximum(vals, 1e-300))
    t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    unit = (vecs * radii) @ np.vstack([np.cos(t), np.sin(t)])
    contours = tuple((mle[:, None] + k * unit).T for k in (1.0, 0.5, 2.0, 3.0, 4.0, 6.0, 8.0))
    radius = float(np.linalg.norm(here, 2 if penalty == "ridge" else 1))
    return CoefficientPlane(
        contours=contours,
        extent=(mid[0] - half, mid[0] + half, mid[1] - half, mid[1] + half),
        mle=mle,
        map=here,
        penalty=penalty,
        radius=radius,
    )


def projection(state: State) -> Projection:
    """ŷ as the orthogonal projection of y onto the column space of X = [1, x], in a frame
    that puts the column space in its first two axes (three points only)."""
    x, y = state.X[:, 0], state.X[:, 1]
    y_hat = LinearRegression().fit(x[:, None], y).predict(x[:, None])
    ones = np.ones(3)
    u1 = ones / np.sqrt(3.0)
    xc = x - x.mean()  # the part of x orthogonal to the ones
    u2 = xc / np.linalg.norm(xc) if np.linalg.norm(xc) > 0 else np.array([1.0, -1.0, 0]) / 2**0.5
    n = np.cross(u1, u2)
    frame = np.vstack([u1, u2, n])
    return Projection(ones=frame @ ones, xs=frame @ x, y=frame @ y, y_hat=frame @ y_hat)
