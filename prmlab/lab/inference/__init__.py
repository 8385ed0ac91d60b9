"""The inference lab (no Qt), PRML chapter 8 and §10.1: belief propagation message by message
on small graphs beside enumeration; d-separation, active trails and moralisation on a
Bayesian network; loopy BP, mean field and Gibbs denoising a binary image on one Ising
model; mean-field coordinate ascent on a correlated Gaussian against moment matching. The
graphs are drawn by edits that each give a new State (``add_node``, ``add_edge``,
``move_node``, ``remove_node``, ``remove_edge``, ``set_role``), as the panel's canvas does.

>>> from prmlab.lab import inference
>>> state = inference.add_node(inference.demo("graph"), (0.5, 0.5), join=4)
>>> exp = inference.Experiment(state)
>>> result = exp.step()  # one more flooding sweep: messages, beliefs, error vs exact
"""

from prmlab.lab.inference._bayes import BayesResult, bayes, set_query
from prmlab.lab.inference._denoise import BP_DAMPING, METHODS, DenoiseResult, DenoiseRun
from prmlab.lab.inference._edits import (
    ROLES,
    add_edge,
    add_node,
    move_node,
    remove_edge,
    remove_node,
    set_role,
)
from prmlab.lab.inference._experiment import Experiment, Result, check
from prmlab.lab.inference._graph import (
    GraphResult,
    GraphRun,
    model_of,
    potentials,
    set_pairwise,
    set_unary,
)
from prmlab.lab.inference._state import (
    GRAPHS,
    IMAGE_SHAPE,
    IMAGES,
    KINDS,
    MAX_NODES,
    MAX_SWEEPS,
    MODE_TITLES,
    MODES,
    NETWORKS,
    State,
    builtin_image,
    demo,
    graph_state,
    network_state,
    noisy_image,
    preset,
)
from prmlab.lab.inference._tables import result_columns
from prmlab.lab.inference._variational import N_UPDATES, VariationalResult, gaussian_kl

__all__ = [
    "BP_DAMPING",
    "GRAPHS",
    "IMAGES",
    "IMAGE_SHAPE",
    "KINDS",
    "MAX_NODES",
    "MAX_SWEEPS",
    "METHODS",
    "MODES",
    "MODE_TITLES",
    "NETWORKS",
    "ROLES",
    "N_UPDATES",
    "BayesResult",
    "DenoiseResult",
    "DenoiseRun",
    "Experiment",
    "GraphResult",
    "GraphRun",
    "Result",
    "State",
    "VariationalResult",
    "add_edge",
    "add_node",
    "bayes",
    "builtin_image",
    "check",
    "demo",
    "gaussian_kl",
    "graph_state",
    "model_of",
    "network_state",
    "noisy_image",
    "potentials",
    "preset",
    "move_node",
    "remove_edge",
    "remove_node",
    "result_columns",
    "set_pairwise",
    "set_query",
    "set_role",
    "set_unary",
]
