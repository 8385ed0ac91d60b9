"""Inference: BP's beliefs against enumeration (the engine's exact_inference) in graph mode,
d-separation against networkx in the Bayesian-network mode."""

from __future__ import annotations

import numpy as np

from prmlab.lab import inference
from prmlab.lab.crosscheck._rows import Row, reference, row
from prmlab.lab.inference._graph import graph_run

ENUMERATION = "enumeration"
NETWORKX = "networkx"


def cross_check(state: inference.State) -> list[Row]:
    """Graph mode: the beliefs after the State's sweeps (and the MAP of max-product) against
    enumeration, exact on a tree, with no bound on a loopy graph; Bayesian network: X ⊥ Y | Z
    against networkx. The denoising and variational modes have no reference (ValueError)."""
    inference.check(state)
    if state.mode == "graph":
        return _graph(state)
    if state.mode == "bayes":
        return _bayes(state)
    why = {
        "denoise": "its Ising grid is far too big to enumerate",
        "variational": "its q is already drawn beside the exact p and moment matching",
    }[state.mode]
    raise ValueError(
        f"The {state.mode} mode has no reference library to cross-check against ({why}): "
        "cross-check the graph or Bayesian-network mode"
    )


def _graph(state: inference.State) -> list[Row]:
    run = graph_run(state)
    kind = "marginals" if state.kind == "sum" else "max-marginals"
    # BP is exact on a tree once its sweeps reach the diameter; on a loop it is approximate
    tolerance = 1e-9 if run.is_tree else None
    shape = "tree" if run.is_tree else "loopy graph"
    rows = [row(f"BP {kind} after {run.sweeps} sweeps ({shape})", ENUMERATION,
                run.beliefs[-1], run.exact_beliefs, tolerance)]  # fmt: skip
    if state.kind == "max" and run.is_tree:
        ours = np.argmax(run.beliefs[-1], axis=1)
        rows.append(Row("max-product MAP (nodes that differ)", ENUMERATION,
                        float(np.sum(ours != run.exact.map)), 0.0))  # fmt: skip
    return rows


def _bayes(state: inference.State) -> list[Row]:
    nx = reference("networkx", NETWORKX)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(state.dag_xy)))
    graph.add_edges_from(state.dag_edges.tolist())
    separated = getattr(nx, "is_d_separator", None) or nx.d_separated
    theirs = separated(graph, {state.x}, {state.y}, set(state.evidence))
    ours = inference.bayes(state)
    return [Row(f"d-separation {ours.statement}", NETWORKX,
                float(ours.separated != theirs), 0.0)]  # fmt: skip
