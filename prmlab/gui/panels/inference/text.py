"""The inference panel's result and stepper lines: the lab's numbers as text."""

from __future__ import annotations

from prmlab.lab import inference as lab


def _states(x) -> str:
    return " ".join(str(int(v)) for v in x)


def _graph(state: lab.State, r: lab.GraphResult) -> tuple[str, str]:
    run = r.run
    per_sweep = max(1, state.n_messages)
    kind = "max-product" if run.kind == "max" else "sum-product"
    shape = "tree: BP is exact" if run.is_tree else "loopy graph: BP approximates"
    error = run.error[r.position // per_sweep]
    lines = [
        f"{len(state.node_xy)} nodes, {len(state.edges)} edges ({shape})",
        f"max |BP − exact| after the last full sweep: <b>{error:.2g}</b>",
        f"BP's states: {_states(r.map)}",
        f"{'MAP' if run.kind == 'max' else 'argmax of p(xᵢ)'} by enumeration: "
        f"{_states(run.exact_beliefs.argmax(axis=1))} "
        + ("<b>agree</b>" if r.map_agrees else "<b>differ</b>"),
        f"log Z = {run.exact.log_partition:.4g}",
    ]
    step = (
        f"{kind}: {r.position} of {run.sweeps * per_sweep} messages ({r.sweep:.2f} sweeps); "
        "each arrow shows m(x = 1)"
    )
    return "<br>".join(lines), step


def _bayes(state: lab.State, r: lab.BayesResult) -> tuple[str, str]:
    names = state.dag_names
    reached = ", ".join(names[i] for i in r.reachable) or "none"
    answer = "d-separated: independent" if r.separated else "not d-separated: dependent"
    text = (
        f"<b>{r.statement}</b><br>{answer}<br>Reached from X by active trails: {reached}<br>"
        f"Active arrows (red): {int(r.active_edges.sum())} of {len(r.active_edges)}"
    )
    return text, "d-separation has no steps: change X, Y or the evidence."


def _denoise(state: lab.State, r: lab.DenoiseResult) -> tuple[str, str]:
    run, k = r.run, r.position
    rows = "".join(
        f"<br>{name}: <b>{100 * run.error[m, k]:.1f} %</b> wrong, energy {run.energy[m, k]:.0f}"
        for m, name in enumerate(lab.METHODS)
    )
    text = (
        f"Noisy y: {100 * run.error[0, 0]:.1f} % wrong{rows}<br>"
        f"Mean-field ELBO: {run.elbo[k]:.1f}<br><i>BP damped by {lab.BP_DAMPING}</i>"
    )
    return text, f"Sweep {k} of {run.sweeps} (all three methods)"


def _variational(state: lab.State, r: lab.VariationalResult) -> tuple[str, str]:
    m = r.mean
    text = (
        f"q's means: ({m[0]:.3f}, {m[1]:.3f}); ELBO <b>{r.elbo[r.position]:.4f}</b><br>"
        f"Variances q: ({r.q_var[0]:.3g}, {r.q_var[1]:.3g}) vs p's marginals "
        f"({r.moment_var[0]:.3g}, {r.moment_var[1]:.3g})<br>"
        f"KL(q‖p): mean field {r.kl_qp[0]:.3f}, moment match {r.kl_qp[1]:.3f}<br>"
        f"KL(p‖q): mean field {r.kl_pq[0]:.3f}, moment match {r.kl_pq[1]:.3f}"
    )
    which = "" if r.updated < 0 else f": q{r.updated + 1} updated"
    return text, f"Coordinate update {r.position} of {lab.N_UPDATES}{which}"


def describe(state: lab.State, result: lab.Result) -> tuple[str, str]:
    """The result's numbers (rich text) and the stepper's line."""
    if isinstance(result, lab.GraphResult):
        return _graph(state, result)
    if isinstance(result, lab.BayesResult):
        return _bayes(state, result)
    if isinstance(result, lab.DenoiseResult):
        return _denoise(state, result)
    return _variational(state, result)
