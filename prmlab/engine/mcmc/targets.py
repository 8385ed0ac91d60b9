"""2-D target densities for the samplers: built-in families and typed expressions.

Every target is an unnormalised log-density ``log p~(x, y)`` with its gradient, compiled by
Numba and handed to the samplers as function pointers (see ``_kernels``). Built-in families
are module-level functions of a parameter vector, so they compile once and are cached on
disk; ``expression(text)`` compiles the user's formula at run time.

Gaussian conditionals (PRML (2.81)-(2.82)): ``x_b | x_a ~ N(mu_b + S_ba S_aa^-1 (x_a - mu_a),
S_bb - S_ba S_aa^-1 S_ab)``; with the precision ``P = S^-1`` that is
``x | y ~ N(mu_x - P_xy / P_xx (y - mu_y), 1 / P_xx)``, used by Gibbs' exact steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prmlab.engine._jit import jit
from prmlab.engine._validation import check_array, check_scalar
from prmlab.engine.mcmc import _kernels
from prmlab.engine.mcmc.expression import compile_expression

# Mixture parameter layout: params[0] = K, then per component these 10 numbers.
_LOGC, _M0, _M1, _P00, _P01, _P11, _S00, _S01, _S11, _W = range(10)
_STRIDE = 10
MAX_COMPONENTS = 16


@dataclass(frozen=True, eq=False)
class Target:
    """A 2-D target: compiled ``logp``, ``grad`` and exact conditionals, with its parameters.

    ``exact[i]`` says whether coordinate ``i`` has an exact conditional sampler (Gibbs);
    ``bounds = (xmin, xmax, ymin, ymax)`` is a box that holds nearly all the mass (for plots,
    start points and envelopes); ``mean`` (2,) and ``cov`` (2, 2) are the true moments when
    known in closed form, else ``None``.
    """

    name: str
    formula: str
    logp: Any
    grad: Any
    conditional: Any
    params: np.ndarray
    exact: np.ndarray
    bounds: tuple[float, float, float, float]
    mean: np.ndarray | None = None
    cov: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    def log_density(self, points: Any) -> np.ndarray:
        """``log p~`` at points of shape (n, 2) -> (n,); ``-inf`` outside the support."""
        pts = check_array(points, "points", min_cols=2)
        if pts.shape[1] != 2:
            raise ValueError(f"points must have 2 columns (x, y), got shape {pts.shape}")
        _kernels.ensure_compiled()
        out = np.empty(pts.shape[0])
        _kernels.eval_logp(self.logp, self.params, pts, out)
        return out

    def gradient(self, points: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(log p~, grad log p~)`` at points (n, 2) -> shapes (n,) and (n, 2)."""
        pts = check_array(points, "points", min_cols=2)
        if pts.shape[1] != 2:
            raise ValueError(f"points must have 2 columns (x, y), got shape {pts.shape}")
        _kernels.ensure_compiled()
        out, g = np.empty(pts.shape[0]), np.empty((pts.shape[0], 2))
        _kernels.eval_grad(self.grad, self.params, pts, out, g)
        return out, g

    def grid(
        self, n: int = 161, bounds: tuple[float, float, float, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(xs (n,), ys (n,), logp (n, n))`` on a regular grid; ``logp[j, i]`` is at ``(xs[i], ys[j])``."""
        n = check_scalar(n, "n", integer=True, ge=3)
        x0, x1, y0, y1 = self.bounds if bounds is None else bounds
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        gx, gy = np.meshgrid(xs, ys)
        lp = self.log_density(np.column_stack([gx.ravel(), gy.ravel()]))
        return xs, ys, lp.reshape(n, n)

    def density(
        self, n: int = 161, bounds: tuple[float, float, float, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(xs, ys, p)``: ``p~`` on the grid scaled to a maximum of 1 (0 where ``-inf``).

        A ``ValueError`` when the density is zero on the whole grid.
        """
        xs, ys, lp = self.grid(n, bounds)
        finite = np.isfinite(lp)
        if not finite.any():
            box = self.bounds if bounds is None else bounds
            raise ValueError(
                f"the log-density of {self.name} is {nowhere_finite(lp)} in the box "
                f"{tuple(box)}; choose other bounds"
            )
        return xs, ys, np.where(finite, np.exp(lp - lp[finite].max()), 0.0)

    def marginals(
        self, n: int = 161, bounds: tuple[float, float, float, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """True marginal densities ``(xs, p(x), ys, p(y))`` on the grid (``grid_marginals``)."""
        return grid_marginals(*self.density(n, bounds))


def nowhere_finite(lp: np.ndarray) -> str:
    """What a log-density with no finite value on a grid is, in words ("NaN everywhere
    (undefined, ...)"): NaN (undefined) is not -inf (zero density), and the fix differs."""
    meanings = {
        "NaN": "undefined, e.g. the log or square root of a negative number",
        "-inf": "zero density",
        "+inf": "infinite density",
    }
    found = [
        k for k, hit in zip(meanings, (np.isnan(lp), lp == -np.inf, lp == np.inf)) if hit.any()
    ]
    return f"{' or '.join(found)} everywhere ({'; '.join(meanings[k] for k in found)})"


def grid_marginals(
    xs: np.ndarray, ys: np.ndarray, p: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Marginals of a density ``p`` (len(ys), len(xs)) on a grid by the trapezoid rule:
    ``p(x) = int p(x, y) dy``, each normalised to integrate to 1 over the box."""
    px = np.trapezoid(p, ys, axis=0)
    py = np.trapezoid(p, xs, axis=1)
    return xs, px / np.trapezoid(px, xs), ys, py / np.trapezoid(py, ys)


# -- Gaussian mixtures (a Gaussian is the one-component case) -------------------------------


@jit
def _mixture_terms(x, y, params, k):
    o = 1 + _STRIDE * k
    dx, dy = x - params[o + _M0], y - params[o + _M1]
    q = params[o + _P00] * dx * dx + 2.0 * params[o + _P01] * dx * dy + params[o + _P11] * dy * dy
    return params[o + _LOGC] - 0.5 * q, dx, dy


@jit
def mixture_logp(x, y, params):
    """``log sum_k w_k N(z | mu_k, S_k)`` up to ``2 pi``: a log-sum-exp over components."""
    n = int(params[0])
    m = -np.inf
    for k in range(n):
        m = max(m, _mixture_terms(x, y, params, k)[0])
    s = 0.0
    for k in range(n):
        s += np.exp(_mixture_terms(x, y, params, k)[0] - m)
    return m + np.log(s)


@jit
def mixture_grad(x, y, params, g):
    """Gradient ``sum_k r_k (-P_k (z - mu_k))`` with responsibilities ``r_k``."""
    lp = mixture_logp(x, y, params)
    g[0], g[1] = 0.0, 0.0
    for k in range(int(params[0])):
        o = 1 + _STRIDE * k
        a, dx, dy = _mixture_terms(x, y, params, k)
        r = np.exp(a - lp)
        g[0] -= r * (params[o + _P00] * dx + params[o + _P01] * dy)
        g[1] -= r * (params[o + _P01] * dx + params[o + _P11] * dy)
    return lp


@jit
def mixture_conditional(i, other, params, u, z):
    """Exact ``z_i | z_-i``: pick component k by ``w_k N(z_-i | mu_k,-i, S_k,-i,-i)``, then
    ``z_i ~ N(mu_k,i - P_k,01 / P_k,ii (z_-i - mu_k,-i), 1 / P_k,ii)``."""
    n = int(params[0])
    pi, po, so = (_P00, _M1, _S11) if i == 0 else (_P11, _M0, _S00)
    mi = _M0 if i == 0 else _M1
    logw = np.empty(n)
    for k in range(n):
        o = 1 + _STRIDE * k
        d = other - params[o + po]
        logw[k] = (
            np.log(params[o + _W]) - 0.5 * np.log(params[o + so]) - 0.5 * d * d / params[o + so]
        )
    m = logw.max()
    total = 0.0
    for k in range(n):
        logw[k] = np.exp(logw[k] - m)
        total += logw[k]
    k = 0
    acc = logw[0] / total
    while acc < u and k < n - 1:
        k += 1
        acc += logw[k] / total
    o = 1 + _STRIDE * k
    prec = params[o + pi]
    mean = params[o + mi] - params[o + _P01] / prec * (other - params[o + po])
    return mean + z / np.sqrt(prec)


def check_cov(cov: Any, name: str) -> np.ndarray:
    """``cov`` as a symmetric positive definite 2x2 matrix, or a ``ValueError``."""
    c = check_array(cov, name, min_rows=2, min_cols=2)
    if c.shape != (2, 2):
        raise ValueError(f"{name} must be a 2x2 matrix, got shape {c.shape}")
    if not np.allclose(c, c.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be symmetric, got {c.tolist()}")
    if c[0, 0] <= 0 or np.linalg.det(c) <= 0:
        raise ValueError(
            f"{name} must be positive definite (variances > 0, |correlation| < 1), got {c.tolist()}"
        )
    return c


def _pack_mixture(weights: np.ndarray, means: np.ndarray, covs: np.ndarray) -> np.ndarray:
    params = np.zeros(1 + _STRIDE * len(weights))
    params[0] = len(weights)
    for k, (w, m, s) in enumerate(zip(weights, means, covs)):
        p = np.linalg.inv(s)
        o = 1 + _STRIDE * k
        params[o + _LOGC] = math.log(w) - 0.5 * math.log(np.linalg.det(s))
        params[o + _M0 : o + _M1 + 1] = m
        params[o + _P00], params[o + _P01], params[o + _P11] = p[0, 0], p[0, 1], p[1, 1]
        params[o + _S00], params[o + _S01], params[o + _S11] = s[0, 0], s[0, 1], s[1, 1]
        params[o + _W] = w
    return params


def _mixture_target(
    name: str, formula: str, weights: np.ndarray, means: np.ndarray, covs: np.ndarray
) -> Target:
    mean = weights @ means
    second = sum(w * (s + np.outer(m, m)) for w, m, s in zip(weights, means, covs))
    sd = np.sqrt(np.array([[s[0, 0], s[1, 1]] for s in covs]))
    lo, hi = (means - 3.5 * sd).min(axis=0), (means + 3.5 * sd).max(axis=0)
    return Target(
        name=name,
        formula=formula,
        logp=mixture_logp,
        grad=mixture_grad,
        conditional=mixture_conditional,
        params=_pack_mixture(weights, means, covs),
        exact=np.array([1, 1], dtype=np.int64),
        bounds=(float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])),
        mean=mean,
        cov=second - np.outer(mean, mean),
    )


def gaussian(mean: Any = (0.0, 0.0), cov: Any = ((1.0, 0.8), (0.8, 1.0))) -> Target:
    """A correlated Gaussian ``N(mean, cov)``, mean (2,), cov (2, 2) positive definite.

    ``log p~ = -1/2 (z - mu)^T S^-1 (z - mu)`` (PRML (2.43)); both conditionals exact.
    """
    m = check_array(mean, "mean", ndim=1)
    if m.shape != (2,):
        raise ValueError(f"mean must have 2 entries (x, y), got shape {m.shape}")
    c = check_cov(cov, "cov")
    return _mixture_target(
        "Gaussian", "-(z-mu)^T Sigma^-1 (z-mu) / 2", np.ones(1), m[None], c[None]
    )


def mixture(
    means: Any = ((-2.0, -1.5), (2.0, 1.5)),
    covs: Any = None,
    weights: Any = None,
) -> Target:
    """A Gaussian mixture ``sum_k w_k N(mu_k, S_k)``: means (K, 2), covs (K, 2, 2), weights (K,).

    ``covs`` defaults to ``0.5 I`` for every component, ``weights`` to equal weights (they
    are normalised to sum to 1). Both conditionals are exact mixtures of 1-D Gaussians.
    """
    m = check_array(means, "means", min_cols=2)
    if m.shape[1] != 2 or m.shape[0] > MAX_COMPONENTS:
        raise ValueError(f"means must have shape (K, 2) with K <= {MAX_COMPONENTS}, got {m.shape}")
    k = m.shape[0]
    if covs is None:
        c = np.repeat(0.5 * np.eye(2)[None], k, axis=0)
    else:
        c = check_array(covs, "covs", ndim=3)
        if c.shape != (k, 2, 2):
            raise ValueError(f"covs must have shape ({k}, 2, 2), one per mean, got {c.shape}")
        for j in range(k):
            check_cov(c[j], f"covs[{j}]")
    if weights is None:
        w = np.full(k, 1.0 / k)
    else:
        w = check_array(weights, "weights", ndim=1)
        if w.shape != (k,) or (w <= 0).any():
            raise ValueError(f"weights must be {k} positive numbers, got {w.tolist()}")
        w = w / w.sum()
    return _mixture_target(
        f"Mixture of {k}", "log sum_k w_k N(z | mu_k, Sigma_k)", w, m, np.ascontiguousarray(c)
    )


# -- Banana (a twisted Gaussian, Haario et al. 1999) ----------------------------------------


@jit
def banana_logp(x, y, params):
    """``x ~ N(0, s^2)``, ``y | x ~ N(b (x^2 - s^2), 1)``: ``-x^2/(2 s^2) - (y - b(x^2-s^2))^2/2``."""
    s, b = params[0], params[1]
    d = y - b * (x * x - s * s)
    return -0.5 * x * x / (s * s) - 0.5 * d * d


@jit
def banana_grad(x, y, params, g):
    s, b = params[0], params[1]
    d = y - b * (x * x - s * s)
    g[0] = -x / (s * s) + 2.0 * b * x * d
    g[1] = -d
    return -0.5 * x * x / (s * s) - 0.5 * d * d


@jit
def banana_conditional(i, other, params, u, z):
    """``y | x ~ N(b (x^2 - s^2), 1)``; x | y has no closed form (slice-sampled)."""
    s, b = params[0], params[1]
    return b * (other * other - s * s) + z


def banana(curvature: float = 1.0, sigma: float = 1.0) -> Target:
    """The banana: ``x ~ N(0, sigma^2)``, ``y | x ~ N(curvature (x^2 - sigma^2), 1)``.

    A random walk creeps along its curved ridge; HMC follows it. True moments:
    ``E = 0``, ``Var x = sigma^2``, ``Var y = 1 + 2 curvature^2 sigma^4``, ``Cov = 0``.
    """
    b = check_scalar(curvature, "curvature")
    s = check_scalar(sigma, "sigma", gt=0)
    xs = np.linspace(-2.5 * s, 2.5 * s, 51)
    ridge = b * (xs * xs - s * s)
    return Target(
        name="Banana",
        formula="-x^2/(2 sigma^2) - (y - b (x^2 - sigma^2))^2 / 2",
        logp=banana_logp,
        grad=banana_grad,
        conditional=banana_conditional,
        params=np.array([s, b]),
        exact=np.array([0, 1], dtype=np.int64),
        bounds=(-3.2 * s, 3.2 * s, float(ridge.min()) - 3.0, float(ridge.max()) + 3.0),
        mean=np.zeros(2),
        cov=np.diag([s * s, 1.0 + 2.0 * b * b * s**4]),
    )


# -- Donut (a ring) --------------------------------------------------------------------------


@jit
def donut_logp(x, y, params):
    """``-(r - R)^2 / (2 w^2)`` with ``r = |z|``."""
    d = np.sqrt(x * x + y * y) - params[0]
    return -0.5 * d * d / (params[1] * params[1])


@jit
def donut_grad(x, y, params, g):
    r = np.sqrt(x * x + y * y)
    d = r - params[0]
    # At the centre the gradient has no direction; 0 is the symmetric choice.
    f = 0.0 if r == 0.0 else -d / (params[1] * params[1] * r)
    g[0], g[1] = f * x, f * y
    return -0.5 * d * d / (params[1] * params[1])


@jit
def no_conditional(i, other, params, u, z):
    """Placeholder for targets without exact conditionals (never called: ``exact`` is 0)."""
    return np.nan


def donut(radius: float = 2.0, width: float = 0.3) -> Target:
    """A ring of ``radius`` and thickness ``width``: ``log p~ = -(|z| - R)^2 / (2 w^2)``."""
    r = check_scalar(radius, "radius", ge=0)
    w = check_scalar(width, "width", gt=0)
    h = r + 4.0 * w
    return Target(
        name="Donut",
        formula="-(sqrt(x^2 + y^2) - R)^2 / (2 w^2)",
        logp=donut_logp,
        grad=donut_grad,
        conditional=no_conditional,
        params=np.array([r, w]),
        exact=np.array([0, 0], dtype=np.int64),
        bounds=(-h, h, -h, h),
        mean=np.zeros(2),
    )


# -- Neal's funnel ---------------------------------------------------------------------------


@jit
def funnel_logp(x, y, params):
    """``y ~ N(0, s^2)``, ``x | y ~ N(0, e^y)``: ``-y^2/(2 s^2) - x^2 e^-y / 2 - y / 2``."""
    s = params[0]
    return -0.5 * y * y / (s * s) - 0.5 * x * x * np.exp(-y) - 0.5 * y


@jit
def funnel_grad(x, y, params, g):
    s = params[0]
    e = np.exp(-y)
    g[0] = -x * e
    g[1] = -y / (s * s) + 0.5 * x * x * e - 0.5
    return -0.5 * y * y / (s * s) - 0.5 * x * x * e - 0.5 * y


@jit
def funnel_conditional(i, other, params, u, z):
    """``x | y ~ N(0, e^y)``; y | x has no closed form (slice-sampled)."""
    return np.exp(0.5 * other) * z


def funnel(scale: float = 1.5) -> Target:
    """Neal's funnel: ``y ~ N(0, scale^2)``, ``x | y ~ N(0, e^y)``; a narrow neck, a wide mouth.

    True moments: ``E = 0``, ``Var y = scale^2``, ``Var x = E[e^y] = e^(scale^2 / 2)``.
    """
    s = check_scalar(scale, "scale", gt=0, le=5)
    half = 3.0 * math.exp(0.5 * 2.0 * s)
    return Target(
        name="Funnel",
        formula="-y^2/(2 s^2) - x^2 e^(-y) / 2 - y / 2",
        logp=funnel_logp,
        grad=funnel_grad,
        conditional=funnel_conditional,
        params=np.array([s]),
        exact=np.array([1, 0], dtype=np.int64),
        bounds=(-half, half, -3.0 * s, 3.0 * s),
        mean=np.zeros(2),
        cov=np.diag([math.exp(0.5 * s * s), s * s]),
    )


# -- Typed expressions -----------------------------------------------------------------------

_EMPTY = np.zeros(1)


def expression(
    text: str, bounds: tuple[float, float, float, float] = (-4.0, 4.0, -4.0, 4.0)
) -> Target:
    """A target from a log-density typed in ``x`` and ``y``, e.g. ``-(x**2 + y**2)/2``.

    The language: numbers; ``x``, ``y``; ``+ - * / **`` and unary ``-``; comparisons and
    ``a if cond else b``; ``exp log sqrt sin cos tan tanh abs min max``; ``pi e inf``.
    ``-inf`` marks zero density (``-inf if x*x + y*y > 1 else 0`` is a disc). The text is
    parsed and checked against that whitelist, then compiled to Numba code generated from
    the checked syntax tree (never ``eval``); its gradient is derived symbolically (forward
    mode over the tree), so HMC gets exact gradients. Anything else is a ``ValueError``
    naming the problem and its column. So that no expression compiles for long, its size is
    bounded (``expression.MAX_LENGTH`` characters, ``MAX_NODES`` syntax nodes, ``MAX_DEPTH``
    levels of nesting, ``MAX_ARGS`` arguments of min/max, ``MAX_COST`` for the generated
    code); characters Python would fold into x or y (``ｘ``, ``𝐱``) are refused by code point.
    """
    if not isinstance(bounds, (tuple, list, np.ndarray)) or len(bounds) != 4:
        raise ValueError(f"bounds must be (xmin, xmax, ymin, ymax), got {bounds!r}")
    x0, x1, y0, y1 = (check_scalar(b, "bounds") for b in bounds)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"bounds must have xmin < xmax and ymin < ymax, got {bounds!r}")
    compiled = compile_expression(text)
    return Target(
        name="Expression",
        formula=compiled.text,
        logp=compiled.logp,
        grad=compiled.grad,
        conditional=no_conditional,
        params=_EMPTY,
        exact=np.array([0, 0], dtype=np.int64),
        bounds=(x0, x1, y0, y1),
    )


PRESETS = {
    "Correlated Gaussian": gaussian,
    "Banana": banana,
    "Donut": donut,
    "Mixture": mixture,
    "Funnel": funnel,
}
