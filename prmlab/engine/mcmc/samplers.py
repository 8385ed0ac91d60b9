"""MCMC samplers (Metropolis-Hastings, Gibbs, HMC), rejection and importance sampling.

``sample`` runs chains to the end; ``Sampler`` keeps chains alive so they can be advanced a
step at a time (the panel's animation) or in chunks (``iter_run``: a generator for a GUI
worker, yielding every ~30 ms so it can draw and cancel). Each chain has its own random
generator spawned from the seed, so a run is reproducible whatever the chunking, and the
nogil kernels of different chains run on different cores.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from prmlab.engine._parallel import shared_pool
from prmlab.engine._validation import check_array, check_option, check_random_state, check_scalar
from prmlab.engine.mcmc import _kernels as K
from prmlab.engine.mcmc.targets import Target, check_cov, nowhere_finite

METHODS = ("mh", "gibbs", "hmc")
DEFAULTS: dict[str, dict[str, float]] = {
    "mh": {"proposal_scale": 1.0},
    "gibbs": {"slice_width": 1.0},
    "hmc": {"step_size": 0.1, "n_leapfrog": 20},
}
MAX_CHAINS = 256
MAX_RECORD_BYTES = 400e6
# Below this many steps in total, one thread is faster than handing chains to a pool.
PARALLEL_MIN_STEPS = 50_000
CHUNK_SECONDS = 0.03


@dataclass(frozen=True)
class SampleResult:
    """Chains of a run (or of the part done so far, in a step of ``iter_run``).

    ``chains`` (n_chains, n_steps, 2); ``accepted`` (n_chains, n_steps) bool;
    ``accept_rate`` (n_chains,); with ``record=True`` also ``proposals`` (n_chains, n_steps, 2)
    (MH: the proposal z*; Gibbs: the staircase corner after the x update; HMC: the end of the
    trajectory) and for HMC ``trajectories`` (n_chains, n_steps, n_leapfrog + 1, 2).
    ``progress`` is the fraction of the requested steps done.
    """

    chains: np.ndarray
    accepted: np.ndarray
    method: str
    params: dict
    target: Target
    proposals: np.ndarray | None = None
    trajectories: np.ndarray | None = None
    progress: float = 1.0

    @property
    def accept_rate(self) -> np.ndarray:
        """Fraction of accepted proposals per chain, shape (n_chains,)."""
        if self.accepted.shape[1] == 0:
            return np.zeros(self.accepted.shape[0])
        return self.accepted.mean(axis=1)


def _check_params(method: str, params: dict) -> dict:
    allowed = DEFAULTS[method]
    for key in params:
        if key not in allowed:
            valid = ", ".join(allowed)
            raise ValueError(f"unknown parameter {key!r} for method {method!r}; valid: {valid}")
    out = {**allowed, **params}
    for key in ("proposal_scale", "slice_width", "step_size"):
        if key in out:
            out[key] = check_scalar(out[key], key, gt=0)
    if "n_leapfrog" in out:
        out["n_leapfrog"] = check_scalar(
            out["n_leapfrog"], "n_leapfrog", integer=True, ge=1, le=1000
        )
    return out


def _where(target: Target, x: float, y: float) -> str:
    return f"{target.name} log-density at (x, y) = ({x:.6g}, {y:.6g})"


def _raise_status(status: int, target: Target, where: np.ndarray, chain: int) -> None:
    place = f"{_where(target, where[0], where[1])} (chain {chain})"
    if status == K.NAN_DENSITY:
        raise ValueError(
            f"the {place} is NaN; a log-density must be a number or -inf (zero density) — "
            "guard log/sqrt of negative numbers with 'a if cond else -inf'"
        )
    if status == K.INF_DENSITY:
        raise ValueError(f"the {place} is +inf; a log-density must be finite or -inf")
    if status == K.BAD_GRADIENT:
        raise ValueError(
            f"the gradient of the {place} is not finite; HMC needs a finite gradient wherever "
            "the density is positive — use 'mh' or 'gibbs', or smooth the target"
        )


def default_starts(target: Target, n_chains: int, rng: np.random.Generator) -> np.ndarray:
    """Over-dispersed start points, shape (n_chains, 2): grid points of the target's box with
    density above 1% of its maximum, drawn uniformly (so chains start far apart but inside)."""
    xs, ys, lp = target.grid(61)
    finite = np.isfinite(lp)
    if not finite.any():
        raise ValueError(
            f"the {target.name} log-density is {nowhere_finite(lp)} in its box "
            f"{target.bounds}; give start points x0 inside the support"
        )
    jj, ii = np.nonzero(lp >= lp[finite].max() + np.log(0.01))
    pick = rng.integers(0, len(ii), n_chains)
    return np.column_stack([xs[ii[pick]], ys[jj[pick]]])


class Sampler:
    """Live chains of one method on one target; ``run``/``iter_run`` advance them.

    ``Sampler(target, method, n_chains=4, seed=None, x0=None, **params)`` with ``x0`` one
    start (2,) for all chains or one per chain (n_chains, 2) (default: over-dispersed grid
    points). Method parameters: ``"mh"``: ``proposal_scale``; ``"gibbs"``: ``slice_width``
    (for coordinates without an exact conditional); ``"hmc"``: ``step_size``, ``n_leapfrog``.
    """

    def __init__(
        self,
        target: Target,
        method: str,
        n_chains: int = 4,
        seed: Any = None,
        x0: Any = None,
        **params: Any,
    ) -> None:
        if not isinstance(target, Target):
            raise ValueError(
                f"target must be a Target from mcmc.targets, got {type(target).__name__}"
            )
        self.target = target
        self.method = check_option(method, "method", METHODS)
        self.params = _check_params(method, params)
        self.n_chains = check_scalar(n_chains, "n_chains", integer=True, ge=1, le=MAX_CHAINS)
        rng = check_random_state(seed)
        self._rngs = rng.spawn(self.n_chains)
        if x0 is None:
            start = default_starts(target, self.n_chains, rng)
        else:
            start = check_array(x0, "x0", ndim=(1, 2))
            if start.shape == (2,):
                start = np.tile(start, (self.n_chains, 1))
            if start.shape != (self.n_chains, 2):
                raise ValueError(
                    f"x0 must have shape (2,) or (n_chains, 2) = ({self.n_chains}, 2), "
                    f"got {start.shape}"
                )
        K.ensure_compiled()
        self.start = np.ascontiguousarray(start, dtype=np.float64)
        # Per chain: x, y, log p~(x, y), and for HMC its gradient.
        self._state = np.zeros((self.n_chains, 5))
        self._state[:, :2] = self.start
        lp, g = target.gradient(self.start)
        for c in range(self.n_chains):
            if not np.isfinite(lp[c]):
                what = (
                    "zero density (log-density -inf)"
                    if lp[c] == -np.inf
                    else f"log-density {lp[c]}"
                )
                raise ValueError(
                    f"x0 of chain {c} = ({self.start[c, 0]:.6g}, {self.start[c, 1]:.6g}) has "
                    f"{what}; start inside the support of the target"
                )
            if self.method == "hmc" and not np.isfinite(g[c]).all():
                _raise_status(K.BAD_GRADIENT, target, self.start[c], c)
        self._state[:, 2] = lp
        self._state[:, 3:] = g
        self._where = np.zeros((self.n_chains, 2))
        self.n_done = 0

    def copy(self) -> Sampler:
        """An independent copy (state and random generators), sharing the target: advance the
        copy in a worker and keep it only if the run completes."""
        twin = copy.copy(self)
        twin._state, twin._where = self._state.copy(), self._where.copy()
        twin._rngs = copy.deepcopy(self._rngs)
        twin.params = dict(self.params)
        return twin

    def next_uniforms(self) -> np.ndarray | None:
        """The u (n_chains,) each chain's next accept test ``u < alpha`` will draw, or None
        for Gibbs (no accept test). The MH and HMC kernels draw two normals (the proposal's
        step or the momentum) and then u from the chain's own generator without keeping u:
        the draws are replayed on copies of the generators, so the chains are untouched."""
        if self.method == "gibbs":
            return None
        uniforms = []
        for rng in copy.deepcopy(self._rngs):
            rng.standard_normal(2)
            uniforms.append(rng.random())
        return np.array(uniforms)

    def with_params(self, **params: Any) -> Sampler:
        """A copy that continues the same chains with new method parameters (validated)."""
        twin = self.copy()
        twin.params = _check_params(self.method, params)
        return twin

    @property
    def positions(self) -> np.ndarray:
        """Current point of every chain, shape (n_chains, 2) (a copy)."""
        return self._state[:, :2].copy()

    def _buffers(self, n_steps: int, record: bool) -> tuple:
        n_lf = int(self.params.get("n_leapfrog", 0))
        nrec = n_steps if record else 0
        traj_len = n_lf + 1 if (record and self.method == "hmc") else 1
        need = self.n_chains * nrec * (2 + 2 * traj_len) * 8.0
        if need > MAX_RECORD_BYTES:
            raise ValueError(
                f"record=True for {n_steps} steps would keep {need / 1e6:.0f} MB of proposals and "
                f"trajectories (at most {MAX_RECORD_BYTES / 1e6:.0f} MB); record fewer steps"
            )
        chains = np.empty((self.n_chains, n_steps, 2))
        accepted = np.zeros((self.n_chains, n_steps), dtype=np.bool_)
        proposals = np.empty((self.n_chains, nrec, 2))
        trajectories = np.empty((self.n_chains, nrec if self.method == "hmc" else 0, n_lf + 1, 2))
        return chains, accepted, proposals, trajectories

    def _advance(self, c: int, bufs: tuple, i0: int, i1: int, record: bool) -> int:
        chains, accepted, proposals, trajectories = bufs
        t, p = self.target, self.params
        ch, acc = chains[c, i0:i1], accepted[c, i0:i1]
        pr = proposals[c, i0:i1] if record else proposals[c]
        if self.method == "mh":
            return K.mh_chain(
                t.logp, t.params, self._state[c], p["proposal_scale"], self._rngs[c],
                ch, pr, acc, record, self._where[c],
            )  # fmt: skip
        if self.method == "gibbs":
            return K.gibbs_chain(
                t.logp, t.conditional, t.params, t.exact, self._state[c], p["slice_width"],
                self._rngs[c], ch, pr, acc, record, self._where[c],
            )  # fmt: skip
        tr = trajectories[c, i0:i1] if record else trajectories[c]
        return K.hmc_chain(
            t.grad, t.params, self._state[c], p["step_size"], p["n_leapfrog"], self._rngs[c],
            ch, pr, acc, tr, record, self._where[c], np.empty(2),
        )  # fmt: skip

    def _run_segment(self, bufs: tuple, i0: int, i1: int, record: bool) -> None:
        def one(c: int) -> int:
            return self._advance(c, bufs, i0, i1, record)

        if self.n_chains > 1 and (i1 - i0) * self.n_chains >= PARALLEL_MIN_STEPS:
            statuses = list(shared_pool().map(one, range(self.n_chains)))
        else:
            statuses = [one(c) for c in range(self.n_chains)]
        for c, status in enumerate(statuses):
            _raise_status(status, self.target, self._where[c], c)
        self.n_done += i1 - i0

    def _result(self, bufs: tuple, n: int, record: bool, progress: float) -> SampleResult:
        chains, accepted, proposals, trajectories = bufs
        return SampleResult(
            chains=chains[:, :n],
            accepted=accepted[:, :n],
            method=self.method,
            params=dict(self.params),
            target=self.target,
            proposals=proposals[:, :n] if record else None,
            trajectories=trajectories[:, :n] if (record and self.method == "hmc") else None,
            progress=progress,
        )

    def run(self, n_steps: int, record: bool = False) -> SampleResult:
        """Advance every chain ``n_steps`` steps; return those steps (a ``SampleResult``)."""
        n_steps = check_scalar(n_steps, "n_steps", integer=True, ge=1)
        bufs = self._buffers(n_steps, record)
        self._run_segment(bufs, 0, n_steps, record)
        return self._result(bufs, n_steps, record, 1.0)

    def iter_run(
        self, n_steps: int, record: bool = False
    ) -> Generator[SampleResult, None, SampleResult]:
        """``run`` in chunks of ~30 ms: yields the steps done so far (``progress`` in [0, 1]).

        The yielded arrays are read-only views of the filled part of the output, which later
        chunks never write again; the generator returns the full ``SampleResult``.
        """
        n_steps = check_scalar(n_steps, "n_steps", integer=True, ge=1)
        bufs = self._buffers(n_steps, record)
        done, chunk = 0, 256
        while done < n_steps:
            stop = min(n_steps, done + chunk)
            t0 = time.perf_counter()
            self._run_segment(bufs, done, stop, record)
            elapsed = max(time.perf_counter() - t0, 1e-6)
            chunk = int(np.clip(chunk * CHUNK_SECONDS / elapsed, 64, 4 * chunk))
            done = stop
            if done < n_steps:
                step = self._result(bufs, done, record, done / n_steps)
                yield _frozen(step)
        return self._result(bufs, n_steps, record, 1.0)


def _frozen(step: SampleResult) -> SampleResult:
    for a in (step.chains, step.accepted, step.proposals, step.trajectories):
        if a is not None:
            a.flags.writeable = False
    return step


def sample(
    target: Target,
    method: str,
    n_steps: int,
    n_chains: int = 4,
    seed: Any = None,
    x0: Any = None,
    *,
    record: bool = False,
    **params: Any,
) -> SampleResult:
    """Run ``n_chains`` chains of ``method`` ("mh", "gibbs" or "hmc") for ``n_steps`` steps.

    Returns a ``SampleResult``: ``.chains`` (n_chains, n_steps, 2), ``.accept_rate``
    (n_chains,), and with ``record=True`` the proposals (and HMC trajectories). Parameters
    by method: ``proposal_scale`` (MH), ``slice_width`` (Gibbs), ``step_size`` and
    ``n_leapfrog`` (HMC). Formulas: PRML §11.2.2 (MH acceptance), §11.3 (Gibbs).
    """
    n_steps = check_scalar(n_steps, "n_steps", integer=True, ge=1)
    return Sampler(target, method, n_chains, seed, x0, **params).run(n_steps, record)


def iter_sample(
    target: Target,
    method: str,
    n_steps: int,
    n_chains: int = 4,
    seed: Any = None,
    x0: Any = None,
    *,
    record: bool = False,
    **params: Any,
) -> Generator[SampleResult, None, SampleResult]:
    """``sample`` as a generator for a GUI worker (see ``Sampler.iter_run``)."""
    n_steps = check_scalar(n_steps, "n_steps", integer=True, ge=1)
    sampler = Sampler(target, method, n_chains, seed, x0, **params)
    return (yield from sampler.iter_run(n_steps, record))


# -- Monte Carlo with a Gaussian proposal ----------------------------------------------------


@dataclass(frozen=True)
class GaussianProposal:
    """``q = N(mean, cov)`` in 2-D, with its log-density and sampler."""

    mean: np.ndarray
    cov: np.ndarray
    chol: np.ndarray = field(repr=False)

    def log_pdf(self, z: np.ndarray) -> np.ndarray:
        """``log N(z | mean, cov)`` for z of shape (n, 2)."""
        d = np.linalg.solve(self.chol, (z - self.mean).T)
        logdet = 2.0 * np.log(np.diag(self.chol)).sum()
        return -0.5 * (d * d).sum(axis=0) - np.log(2 * np.pi) - 0.5 * logdet

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.mean + rng.standard_normal((n, 2)) @ self.chol.T


def proposal_for(target: Target, mean: Any = None, cov: Any = None) -> GaussianProposal:
    """The Gaussian proposal: given, or centred on the target's box and as wide as a fifth of
    it per axis (wide tails, so ``M q`` can cover the target)."""
    x0, x1, y0, y1 = target.bounds
    m = (
        np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        if mean is None
        else check_array(mean, "proposal_mean", ndim=1)
    )
    if m.shape != (2,):
        raise ValueError(f"proposal_mean must have 2 entries, got shape {m.shape}")
    if cov is None:
        c = np.diag([((x1 - x0) / 5) ** 2, ((y1 - y0) / 5) ** 2])
    else:
        c = check_cov(cov, "proposal_cov")
    return GaussianProposal(m, c, np.linalg.cholesky(c))


def _target_logp(target: Target, z: np.ndarray) -> np.ndarray:
    lp = target.log_density(z)
    bad = np.isnan(lp) | (lp == np.inf)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"the {_where(target, z[k, 0], z[k, 1])} is {lp[k]}; it must be a number or -inf"
        )
    return lp


@dataclass(frozen=True)
class RejectionResult:
    """Rejection sampling: ``proposals`` (n, 2) from q, uniform ``u`` (n,), ``accepted`` (n,),
    ``log_p`` = log p~(z) and ``log_envelope`` = log(M q(z)) (n,); ``samples`` are the accepted
    proposals. ``n_violations`` counts proposals where ``p~ > M q`` (M too small)."""

    proposals: np.ndarray
    u: np.ndarray
    accepted: np.ndarray
    log_p: np.ndarray
    log_envelope: np.ndarray
    log_M: float
    proposal: GaussianProposal
    n_violations: int

    @property
    def samples(self) -> np.ndarray:
        return self.proposals[self.accepted]

    @property
    def accept_rate(self) -> float:
        return float(self.accepted.mean())


def envelope_log_M(target: Target, proposal: GaussianProposal, n: int = 201) -> float:
    """``log M`` with ``M = 1.1 max_z p~(z) / q(z)`` over a grid of the target's box and the
    proposal's +-4 sd box (PRML §11.1.2: choose M so that ``M q(z) >= p(z)`` for all z)."""
    x0, x1, y0, y1 = target.bounds
    sd = np.sqrt(np.diag(proposal.cov))
    box = (
        min(x0, proposal.mean[0] - 4 * sd[0]),
        max(x1, proposal.mean[0] + 4 * sd[0]),
        min(y0, proposal.mean[1] - 4 * sd[1]),
        max(y1, proposal.mean[1] + 4 * sd[1]),
    )
    xs, ys, lp = target.grid(n, box)
    gx, gy = np.meshgrid(xs, ys)
    ratio = lp.ravel() - proposal.log_pdf(np.column_stack([gx.ravel(), gy.ravel()]))
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size == 0:
        raise ValueError(f"the {target.name} density is zero on the whole grid {box}")
    return float(ratio.max() + np.log(1.1))


def rejection_sample(
    target: Target,
    n: int,
    proposal_mean: Any = None,
    proposal_cov: Any = None,
    M: float | None = None,
    seed: Any = None,
) -> RejectionResult:
    """Rejection sampling of ``target`` with a Gaussian proposal q and envelope ``M q``.

    PRML §11.1.2 (rejection sampling): draw ``z ~ q``, ``u ~ U(0, 1)``; accept when
    ``u <= alpha = p~(z) / (M q(z))``. ``M`` defaults to ``envelope_log_M``'s estimate; a
    warning reports proposals where ``M q`` fails to cover ``p~``.
    """
    n = check_scalar(n, "n", integer=True, ge=1, le=10_000_000)
    rng = check_random_state(seed)
    q = proposal_for(target, proposal_mean, proposal_cov)
    log_M = envelope_log_M(target, q) if M is None else np.log(check_scalar(M, "M", gt=0))
    z = q.draw(n, rng)
    u = rng.random(n)
    log_p = _target_logp(target, z)
    log_env = log_M + q.log_pdf(z)
    violations = int((log_p > log_env).sum())
    if violations:
        warnings.warn(
            f"M q(z) < p~(z) at {violations} of {n} proposals: M is too small for an envelope; "
            "increase M or widen the proposal",
            stacklevel=2,
        )
    accepted = np.log(u) + log_env <= log_p
    return RejectionResult(z, u, accepted, log_p, log_env, float(log_M), q, violations)


@dataclass(frozen=True)
class ImportanceResult:
    """Importance sampling: ``samples`` (n, 2) from q, ``log_weights`` = log p~ - log q (n,),
    normalised ``weights`` (n,), their effective sample size ``ess`` = 1 / sum w^2, the
    self-normalised ``mean`` (2,) and ``cov`` (2, 2) of the target, ``log_Z`` = log mean(p~/q)."""

    samples: np.ndarray
    log_weights: np.ndarray
    weights: np.ndarray
    ess: float
    mean: np.ndarray
    cov: np.ndarray
    log_Z: float
    proposal: GaussianProposal


def importance_sample(
    target: Target,
    n: int,
    proposal_mean: Any = None,
    proposal_cov: Any = None,
    seed: Any = None,
) -> ImportanceResult:
    """Self-normalised importance sampling of ``target`` with a Gaussian proposal q.

    PRML §11.1.4 (importance sampling): ``E_p[f] = int f (p/q) q dz ~ 1/N sum f(z_i)
    p(z_i)/q(z_i)``; with an unnormalised p~ the weights ``w_i = p~(z_i)/q(z_i)`` are
    normalised to sum to 1, and ``ESS = (sum w)^2 / sum w^2``.
    """
    n = check_scalar(n, "n", integer=True, ge=2, le=10_000_000)
    rng = check_random_state(seed)
    q = proposal_for(target, proposal_mean, proposal_cov)
    z = q.draw(n, rng)
    log_w = _target_logp(target, z) - q.log_pdf(z)
    top = log_w.max()
    if not np.isfinite(top):
        raise ValueError(
            f"none of the {n} proposals has positive {target.name} density; move or widen the proposal"
        )
    w = np.exp(log_w - top)
    log_Z = float(top + np.log(w.sum()) - np.log(n))
    w /= w.sum()
    mean = w @ z
    d = z - mean
    cov = (d * w[:, None]).T @ d
    return ImportanceResult(z, log_w, w, float(1.0 / (w * w).sum()), mean, cov, log_Z, q)
