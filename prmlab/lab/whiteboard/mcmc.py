"""MCMC on the whiteboard: the last step of one chain (PRML §11.2-11.5).

Metropolis-Hastings: the current point z, the proposal z*, log p̃ at both, the acceptance
probability α and the decision. Gibbs: the two conditionals drawn in turn. HMC: the momentum r
at the start and end of the leapfrog path, the Hamiltonian H before and after and the energy
error (r the momentum, p̃ the target density: distinct symbols). ``selection`` is a chain
index k (default 0): the proposal of that chain. log p̃ is the engine's (``Target``); the
momenta are recovered from the recorded leapfrog positions (unit mass: r_{1/2} =
(z₁ − z₀)/ε, r₀ = r_{1/2} − ε/2 ∇log p̃(z₀), and the same at the far end).

u is the uniform draw of the chain's accept test (the lab replays it: ``Result.uniforms``),
shown beside α with the decision it made.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine.mcmc import Target
from prmlab.lab import mcmc
from prmlab.lab.whiteboard import Board, Equation, Line

MH_PROPOSAL = r"z^{*}\sim q(z^{*}\mid z^{(\tau)}) = \mathcal{N}(z^{(\tau)},\,s^2 I)"
MH = (
    r"\alpha = \min\Big(1,\ \frac{\tilde p(z^{*})\,q(z^{(\tau)}\mid z^{*})}"
    r"{\tilde p(z^{(\tau)})\,q(z^{*}\mid z^{(\tau)})}\Big) = \min\Big(1,\ "
    r"\frac{\tilde p(z^{*})}{\tilde p(z^{(\tau)})}\Big)"
)
DECISION = r"u\sim\mathcal{U}(0,1):\quad z^{(\tau+1)} = z^{*}\ \text{if}\ u < \alpha,\ \text{else}\ z^{(\tau)}"
GIBBS = (
    r"z_1^{(\tau+1)}\sim p(z_1\mid z_2^{(\tau)}),\qquad"
    r" z_2^{(\tau+1)}\sim p(z_2\mid z_1^{(\tau+1)})"
)
GAUSS_CONDITIONAL = (
    r"p(z_1\mid z_2) = \mathcal{N}\Big(\mu_1 + \frac{\Sigma_{12}}{\Sigma_{22}}(z_2-\mu_2),\ "
    r"\Sigma_{11} - \frac{\Sigma_{12}^2}{\Sigma_{22}}\Big)"
)
HAMILTONIAN = (
    r"H(z, r) = -\ln\tilde p(z) + \tfrac{1}{2}\lVert r\rVert^2,\qquad r\sim\mathcal{N}(0, I)"
)
LEAPFROG = (
    r"r \leftarrow r + \tfrac{\varepsilon}{2}\nabla\ln\tilde p(z),\quad z \leftarrow z + \varepsilon r,"
    r"\quad r \leftarrow r + \tfrac{\varepsilon}{2}\nabla\ln\tilde p(z)"
)
HMC_ACCEPT = r"\alpha = \min\big(1,\ \exp(H(z, r) - H(z^{*}, r^{*}))\big)"

DERIVATION = (
    Line(r"p(z)\,T(z\to z') = p(z')\,T(z'\to z)", "detailed balance: p is left unchanged"),
    Line(MH_PROPOSAL, "the dashed jump from a chain's point to its proposal"),
    Line(MH, "accepted with probability α: uphill always, downhill sometimes"),
    Line(DECISION, "green: accepted, red: rejected (the chain stays)"),
    Line(GIBBS, "Gibbs: the staircase, one axis at a time, always accepted"),
    Line(HAMILTONIAN, "HMC: a ball rolling on −ln p̃ with momentum r"),
    Line(HMC_ACCEPT, "the leapfrog path's energy error decides; small ε: α ≈ 1"),
)  # fmt: skip

NOTES = (
    "PRML §11.2.2 (Metropolis-Hastings), §11.3 (Gibbs), §11.5 (HMC). p̃ is the target's "
    "unnormalised density; r is HMC's momentum (PRML writes it r too).",
)


_TARGETS: dict[tuple, Target] = {}  # the last few targets, by State.target_key()
_KEEP = 4


def target_of(state: mcmc.State) -> Target:
    """The State's compiled target, built once per target (the last few are kept)."""
    key = state.target_key()
    if key not in _TARGETS:
        if len(_TARGETS) >= _KEEP:
            _TARGETS.pop(next(iter(_TARGETS)))
        _TARGETS[key] = mcmc.prepare_target(state).target
    return _TARGETS[key]


def _log_p(target: Target, *points: np.ndarray) -> np.ndarray:
    return target.log_density(np.vstack(points))


def decision(result: mcmc.Result, k: int, alpha: float) -> tuple[str, dict[str, float]]:
    """The live template of chain ``k``'s accept test, u beside α (u < α accepts), and its
    values."""
    u = float(result.uniforms[k]) if result.uniforms is not None else float("nan")
    sign = "<" if result.accepted[k, -1] else r"\ge"
    # no "\ " after a slot: ziamath then left one of its placeholder digits in the picture
    return rf"u = \slot{{u}} {sign} \alpha = \slot{{a}}", {"u": u, "a": alpha}


def _mh(state: mcmc.State, result: mcmc.Result, target: Target, k: int) -> list[Equation]:
    z, z_star = result.chains[k, -2], result.proposals[k, -1]
    lp, lp_star = _log_p(target, z, z_star)
    alpha = 1.0 if lp_star >= lp else float(np.exp(lp_star - lp))
    accepted = bool(result.accepted[k, -1])
    verdict = "accepted: u < α" if accepted else "rejected: u ≥ α, the chain stays at z"
    scale = state.params_at(result.steps - 1)["proposal_scale"]
    test, tested = decision(result, k, alpha)
    return [
        Equation("The current point and the proposal (q symmetric: its ratio is 1)", MH_PROPOSAL,
                 r"s = \slot{s},\; z^{(\tau)} = \slot{z},\; z^{*} = \slot{zs}",
                 {"s": scale, "z": z, "zs": z_star}),
        Equation("log p̃ at both and the acceptance probability", MH,
                 r"\ln\tilde p(z^{(\tau)}) = \slot{lp},\; \ln\tilde p(z^{*}) = \slot{lps},\;"
                 r" \alpha = \slot{a}", {"lp": float(lp), "lps": float(lp_star), "a": alpha}),
        Equation(f"The decision: {verdict}", DECISION,
                 test + r",\quad z^{(\tau+1)} = \slot{z}", {**tested, "z": result.chains[k, -1]}),
    ]  # fmt: skip


def _gibbs(result: mcmc.Result, target: Target, k: int) -> list[Equation]:
    before, corner, after = result.chains[k, -2], result.proposals[k, -1], result.chains[k, -1]
    how = (
        ["exact", "exact"]
        if target.exact.all()
        else ["exact" if e else "a slice-sampling step" for e in target.exact]
    )
    equations = [
        Equation(f"The two conditionals in turn (z₁ by {how[0]}, z₂ by {how[1]})", GIBBS,
                 r"z^{(\tau)} = \slot{b},\; (z_1^{(\tau+1)}, z_2^{(\tau)}) = \slot{c},\;"
                 r" z^{(\tau+1)} = \slot{a}", {"b": before, "c": corner, "a": after}),
    ]  # fmt: skip
    if target.name == "Gaussian" and target.cov is not None:
        mu, S = target.mean, target.cov
        mean = mu[0] + S[0, 1] / S[1, 1] * (before[1] - mu[1])
        var = S[0, 0] - S[0, 1] ** 2 / S[1, 1]
        equations.append(
            Equation("The conditional just sampled for z₁ (PRML (2.81)-(2.82))",
                     GAUSS_CONDITIONAL, r"p(z_1\mid z_2^{(\tau)}) = \mathcal{N}(\slot{m},\ \slot{v})",
                     {"m": float(mean), "v": float(var)})
        )  # fmt: skip
    return equations


def hmc_energies(
    state: mcmc.State, result: mcmc.Result, target: Target, k: int
) -> dict[str, np.ndarray | float]:
    """Chain ``k``'s last leapfrog path: its ends z, z*, momenta r, r* (recovered from the
    positions), H at both ends, the energy error ΔH = H(z*, r*) − H(z, r) and α."""
    path = result.trajectories[k]
    eps = state.params_at(result.steps - 1)["step_size"]
    lp, grad = target.gradient(path[[0, -1]])
    r0 = (path[1] - path[0]) / eps - 0.5 * eps * grad[0]
    r1 = (path[-1] - path[-2]) / eps + 0.5 * eps * grad[1]
    h0 = -lp[0] + 0.5 * float(r0 @ r0)
    h1 = -lp[1] + 0.5 * float(r1 @ r1)
    alpha = float(np.exp(min(0.0, h0 - h1))) if np.isfinite(h1) else 0.0
    return {"z": path[0], "zs": path[-1], "r": r0, "rs": r1, "H": h0, "Hs": h1,
            "dH": h1 - h0, "alpha": alpha, "eps": eps}  # fmt: skip


def _hmc(state: mcmc.State, result: mcmc.Result, target: Target, k: int) -> list[Equation]:
    e = hmc_energies(state, result, target, k)
    verdict = "accepted: u < α" if result.accepted[k, -1] else "rejected: u ≥ α"
    L = result.trajectories.shape[1] - 1
    test, tested = decision(result, k, e["alpha"])
    return [
        Equation("The Hamiltonian at the start: position and a fresh momentum", HAMILTONIAN,
                 r"z = \slot{z},\; r = \slot{r},\; H(z, r) = \slot{H}",
                 {"z": e["z"], "r": e["r"], "H": e["H"]}),
        Equation(f"{L} leapfrog steps of size ε", LEAPFROG, r"\varepsilon = \slot{eps}",
                 {"eps": e["eps"]}),
        Equation("…and at the end of the path", HAMILTONIAN,
                 r"z^{*} = \slot{z},\; r^{*} = \slot{r},\; H(z^{*}, r^{*}) = \slot{H}",
                 {"z": e["zs"], "r": e["rs"], "H": e["Hs"]}),
        Equation(f"The energy error and the decision: {verdict}", HMC_ACCEPT,
                 r"\Delta H = \slot{dH},\quad " + test, {"dH": e["dH"], **tested}),
    ]  # fmt: skip


def board(state: mcmc.State, result: mcmc.Result, selection: int | None = None) -> Board | None:
    """The last step of chain ``selection`` (default 0); None before the first step or
    outside the chains view."""
    if result.steps == 0 or state.view != mcmc.VIEWS[0]:
        return None
    k = min(max(int(selection or 0), 0), len(result.chains) - 1)
    target = target_of(state)
    if result.method == "mh":
        equations = _mh(state, result, target, k)
    elif result.method == "gibbs":
        equations = _gibbs(result, target, k)
    else:
        equations = _hmc(state, result, target, k)
    names = {"mh": "Metropolis-Hastings", "gibbs": "Gibbs", "hmc": "HMC"}
    title = f"{names.get(result.method, result.method)}: step {result.steps} of chain {k + 1}"
    return Board(title, tuple(equations), DERIVATION, NOTES)
