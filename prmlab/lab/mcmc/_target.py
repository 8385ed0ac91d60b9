"""The target density as the views draw it, and the rejection and importance samplers' runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import mcmc
from prmlab.engine.mcmc import targets
from prmlab.lab.mcmc._state import CUSTOM, VIEWS, State

GRID = 161
EDGE_WARNING = 0.05  # density at the box edge (relative to the peak) that earns a warning
LEVELS = np.exp(-0.5 * np.array([3.0, 2.0, 1.0]) ** 2)  # 1, 2, 3 "sigma" density levels


@dataclass(frozen=True, eq=False)
class TargetView:
    """A target with what is drawn of it: density on a grid (max 1) and true marginals."""

    key: tuple
    target: mcmc.Target
    label: str
    xs: np.ndarray
    ys: np.ndarray
    density: np.ndarray  # (len(ys), len(xs))
    px: np.ndarray
    py: np.ndarray
    edge: float  # largest density on the box's edge (the peak is 1)

    @property
    def is_expression(self) -> bool:
        return self.target.name == "Expression"

    def edge_warning(self) -> str | None:
        """A warning when much of the density lies outside the box, else None."""
        if self.edge <= EDGE_WARNING:
            return None
        return (
            f"The density is still {self.edge:.0%} of its peak at the edge of the box: "
            "enlarge the box (or check that the density is proper)."
        )

    def inside(self, point: np.ndarray) -> bool:
        """Whether ``point`` (2,) has a positive density (a chain may start there)."""
        return bool(np.isfinite(self.target.log_density(np.asarray(point, float)[None]))[0])


def prepare_target(state: State) -> TargetView:
    """Build (compile) the State's target, its density grid and its marginals by the
    trapezoid rule; ``ValueError`` for an expression that does not compile."""
    if state.target == CUSTOM:
        half = state.box
        target = targets.expression(state.expression, bounds=(-half, half, -half, half))
        label = state.expression
    else:
        target = targets.PRESETS[state.target]()
        label = state.target
    xs, ys, density = target.density(GRID)
    _, px, _, py = targets.grid_marginals(xs, ys, density)
    # Compile the gradient here too (first use), not when the chains start.
    target.gradient(np.array([[xs[0], ys[0]]]))
    edge = max(density[0].max(), density[-1].max(), density[:, 0].max(), density[:, -1].max())
    return TargetView(state.target_key(), target, label, xs, ys, density, px, py, float(edge))


def proposal(view: TargetView, state: State) -> tuple[tuple[float, float], np.ndarray]:
    """q's mean (the box centre) and covariance diag(sd²), sd = ``mc_sd`` × the half-widths."""
    x0, x1, y0, y1 = view.target.bounds
    sd = state.mc_sd * np.array([x1 - x0, y1 - y0]) / 2
    return ((x0 + x1) / 2, (y0 + y1) / 2), np.diag(sd**2)


@dataclass(frozen=True, eq=False)
class Rejection:
    """Rejection sampling and what is drawn of it: the envelope M q on the target's grid
    (relative to the target's peak), the section through the target's mode, and the
    proposals near that section with their heights u·M·q."""

    result: mcmc.RejectionResult
    envelope: np.ndarray  # (len(ys), len(xs))
    y_mode: float
    band: float
    section_p: np.ndarray
    section_env: np.ndarray
    near: np.ndarray  # bool (n,): proposals within band / 2 of the section
    heights: np.ndarray  # u·M·q of those proposals

    def warning(self) -> str | None:
        """A warning when M q fell below p̃ at some proposals (q too narrow), else None."""
        n = self.result.n_violations
        return f"M·q < p̃ at {n} proposals: widen q" if n else None


def rejection(view: TargetView, state: State) -> Rejection:
    """``mcmc.rejection_sample`` with the State's q, N and seed, plus the envelope M q."""
    mean, cov = proposal(view, state)
    r = mcmc.rejection_sample(
        view.target, state.mc_n, proposal_mean=mean, proposal_cov=cov, seed=state.seed
    )
    gx, gy = np.meshgrid(view.xs, view.ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    log_q = r.proposal.log_pdf(grid).reshape(gx.shape)
    lp = view.target.log_density(grid).reshape(gx.shape)
    peak = float(lp[np.isfinite(lp)].max())
    env = np.exp(r.log_M + log_q - peak)
    j = int(np.argmax(view.density.max(axis=1)))
    y_mode = float(view.ys[j])
    band = 0.05 * float(view.ys[-1] - view.ys[0])
    near = np.abs(r.proposals[:, 1] - y_mode) < band / 2
    heights = r.u[near] * np.exp(r.log_envelope[near] - peak)
    return Rejection(r, env, y_mode, band, np.exp(lp[j] - peak), env[j], near, heights)


def importance(view: TargetView, state: State) -> mcmc.ImportanceResult:
    """``mcmc.importance_sample`` with the State's q, N and seed."""
    mean, cov = proposal(view, state)
    return mcmc.importance_sample(view.target, state.mc_n, mean, cov, state.seed)


def monte_carlo_table(
    view: str, result: Rejection | mcmc.ImportanceResult | None
) -> dict[str, np.ndarray] | None:
    """The proposals of ``view``'s sampler as columns for the CSV export: rejection's x, y,
    u, log p̃, log M q and accepted; importance's x, y, log weight and weight. None in the
    chains' view, or when ``result`` is not that sampler's."""
    if view == VIEWS[1] and isinstance(result, Rejection):
        r = result.result
        return {
            "x": r.proposals[:, 0], "y": r.proposals[:, 1], "u": r.u, "log_p": r.log_p,
            "log_M_q": r.log_envelope, "accepted": r.accepted,
        }  # fmt: skip
    if view == VIEWS[2] and isinstance(result, mcmc.ImportanceResult):
        return {
            "x": result.samples[:, 0], "y": result.samples[:, 1],
            "log_weight": result.log_weights, "weight": result.weights,
        }  # fmt: skip
    return None
