"""The results of each mode as table columns (File > Export results as CSV)."""

from __future__ import annotations

import numpy as np

from prmlab.lab.inference._bayes import BayesResult
from prmlab.lab.inference._denoise import METHODS, DenoiseResult
from prmlab.lab.inference._experiment import Result
from prmlab.lab.inference._graph import GraphResult
from prmlab.lab.inference._state import State


def result_columns(state: State, result: Result) -> dict[str, np.ndarray | list]:
    """The numbers ``result`` shows as named columns of equal length."""
    if isinstance(result, GraphResult):
        exact = result.run.exact
        # max-product: max-marginals, each 1 at its node's best state
        label = "BP max-marginal x=1" if result.run.kind == "max" else "BP p(x=1)"
        return {
            "node": np.arange(len(result.beliefs)),
            label: result.beliefs[:, 1],
            "exact": result.run.exact_beliefs[:, 1],
            "BP state": result.map,
            "exact MAP": exact.map,
        }
    if isinstance(result, BayesResult):
        names = state.dag_names
        return {
            "parent": [names[u] for u in state.dag_edges[:, 0]],
            "child": [names[v] for v in state.dag_edges[:, 1]],
            "on an active trail": result.active_edges,
            "query": [result.statement] * len(state.dag_edges),
        }
    if isinstance(result, DenoiseResult):
        run, k = result.run, result.position
        columns: dict[str, np.ndarray | list] = {"sweep": np.arange(k + 1)}
        for m, name in enumerate(METHODS):
            columns[f"{name} pixel error"] = run.error[m, : k + 1]
            columns[f"{name} energy"] = run.energy[m, : k + 1]
        columns["mean-field ELBO"] = run.elbo[: k + 1]
        return columns
    k = result.position
    return {
        "update": np.arange(k + 1),
        "m1": result.means[: k + 1, 0],
        "m2": result.means[: k + 1, 1],
        "ELBO": result.elbo[: k + 1],
    }
