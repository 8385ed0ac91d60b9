"""The inference lab's State: the mode, each mode's model (a pairwise MRF drawn as a graph, a
DAG, a binary image, a correlated Gaussian), its parameters, the seed and the step position;
and the presets that fill it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from prmlab.lab._state import LabState

MODES = ("graph", "bayes", "denoise", "variational")
MODE_TITLES = {
    "graph": "Graph (belief propagation)",
    "bayes": "Bayesian network",
    "denoise": "Denoising",
    "variational": "Variational",
}
KINDS = ("sum", "max")
GRAPHS = ("Chain", "Tree", "Star", "Single loop", "3×3 grid")
NETWORKS = ("Chain", "Fork", "Collider", "Student")
IMAGES = ("Shapes", "Stripes", "Letters")
MAX_NODES = 16  # enumeration's reference stays instant (2^16 configurations)
MAX_SWEEPS = 60
IMAGE_SHAPE = (40, 56)
GIBBS_BURN_IN = 0


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything the inference panel shows.

    Graph mode: ``node_xy (n, 2)`` where the nodes are drawn, ``edges (m, 2)``, binary
    potentials ``log_unary (n, 2)`` and ``log_pairwise (m, 2, 2)``, sum- or max-product
    (``kind``), ``sweeps`` of the flooding schedule; ``position`` counts messages sent
    (a sweep sends 2m), a Step sends one message (``per_message``) or a whole sweep.
    Bayesian network: ``dag_xy``, ``dag_edges`` (parent, child), ``dag_names``, the query
    ``x``, ``y`` and the observed ``evidence``.
    Denoising: the clean binary ``image (H, W)``, the share of pixels flipped (``noise``,
    the flips drawn with ``seed``), the coupling ``beta`` and the evidence weight ``eta``
    of the Ising model; ``position`` counts sweeps of all three methods.
    Variational: p = N(0, Σ) with unit variance along x₁, ``sd2`` along x₂ and correlation
    ``rho``; ``position`` counts coordinate updates of the mean-field q.
    """

    TOPIC = "inference"
    VERSION = 1

    node_xy: np.ndarray
    edges: np.ndarray
    log_unary: np.ndarray
    log_pairwise: np.ndarray
    dag_xy: np.ndarray
    dag_edges: np.ndarray
    image: np.ndarray
    mode: str = "graph"
    seed: int = 0
    position: int = 0
    graph: str = "Tree"
    kind: str = "sum"
    per_message: bool = False
    sweeps: int = 12
    network: str = "Collider"
    dag_names: tuple[str, ...] = ()
    x: int = 0
    y: int = 1
    evidence: tuple[int, ...] = ()
    image_name: str = "Shapes"
    noise: float = 0.1
    beta: float = 0.9
    eta: float = 1.1
    rho: float = 0.9
    sd2: float = 1.0

    @property
    def n_messages(self) -> int:
        """Messages in one flooding sweep: two per edge."""
        return 2 * len(self.edges)


# -- graphs ------------------------------------------------------------------------------------
def _graph_layout(name: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
    if name == "Chain":
        return np.column_stack([np.arange(5.0), np.zeros(5)]), [(i, i + 1) for i in range(4)]
    if name == "Tree":
        xy = [(2.1, 2.4), (0.7, 1.2), (3.5, 1.2), (0, 0), (1.4, 0), (2.8, 0), (4.2, 0)]
        return np.array(xy, float), [(0, 1), (0, 2), (1, 3), (1, 4), (2, 5), (2, 6)]
    if name == "Star":
        angles = np.pi / 2 + 2 * np.pi * np.arange(5) / 5
        leaves = np.column_stack([np.cos(angles), np.sin(angles)])
        return np.vstack([[0.0, 0.0], leaves]), [(0, i) for i in range(1, 6)]
    if name == "Single loop":
        angles = np.pi / 2 + 2 * np.pi * np.arange(5) / 5
        return np.column_stack([np.cos(angles), np.sin(angles)]), [
            (i, (i + 1) % 5) for i in range(5)
        ]
    if name == "3×3 grid":
        xy = np.array([(c, 2 - r) for r in range(3) for c in range(3)], float)
        edges = [(3 * r + c, 3 * r + c + 1) for r in range(3) for c in range(2)]
        edges += [(3 * r + c, 3 * r + c + 3) for r in range(2) for c in range(3)]
        return xy, edges
    raise ValueError(f"graph must be one of {', '.join(GRAPHS)}, got {name!r}")


def graph_potentials(n_nodes: int, n_edges: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Binary potentials for a preset: each node leans to a state drawn with ``seed``
    (log ψᵢ = [0, uᵢ], uᵢ ~ N(0, 0.8²)); neighbours like to agree (log ψ = ±0.8)."""
    rng = np.random.default_rng(seed)
    unary = np.column_stack([np.zeros(n_nodes), rng.normal(0.0, 0.8, n_nodes)])
    agree = np.array([[0.8, -0.8], [-0.8, 0.8]])
    return unary, np.repeat(agree[None], n_edges, axis=0)


def graph_state(state: State, name: str, seed: int) -> State:
    """``state`` with the graph preset ``name``'s nodes, edges and potentials for ``seed``."""
    xy, edges = _graph_layout(name)
    unary, pairwise = graph_potentials(len(xy), len(edges), seed)
    return state.replace(
        graph=name,
        node_xy=xy,
        edges=np.array(edges, dtype=np.int64).reshape(-1, 2),
        log_unary=unary,
        log_pairwise=pairwise,
        seed=int(seed),
        position=0,
    )


# -- Bayesian networks -------------------------------------------------------------------------
_NETWORKS = {
    "Chain": (("A", "B", "C"), [(0, 0), (1, 0), (2, 0)], [(0, 1), (1, 2)], (0, 2, (1,))),
    "Fork": (("A", "B", "C"), [(1, 1), (0, 0), (2, 0)], [(0, 1), (0, 2)], (1, 2, (0,))),
    "Collider": (
        ("Burglary", "Earthquake", "Alarm", "Call"),
        [(0, 1), (2, 1), (1, 0), (1, -1)],
        [(0, 2), (1, 2), (2, 3)],
        (0, 1, (3,)),
    ),
    "Student": (
        ("Difficulty", "Intelligence", "Grade", "SAT", "Letter"),
        [(0, 1), (2, 1), (1, 0), (3, 0), (1, -1)],
        [(0, 2), (1, 2), (1, 3), (2, 4)],
        (0, 3, (4,)),
    ),
}


def network_state(state: State, name: str) -> State:
    """``state`` with the Bayesian network ``name`` and its teaching query."""
    if name not in _NETWORKS:
        raise ValueError(f"network must be one of {', '.join(NETWORKS)}, got {name!r}")
    names, xy, edges, (x, y, given) = _NETWORKS[name]
    return state.replace(
        network=name,
        dag_names=names,
        dag_xy=np.array(xy, float),
        dag_edges=np.array(edges, dtype=np.int64).reshape(-1, 2),
        x=x,
        y=y,
        evidence=given,
    )


# -- images ------------------------------------------------------------------------------------
def builtin_image(name: str) -> np.ndarray:
    """A ``IMAGE_SHAPE`` binary image (0/1, int64): shapes, stripes or block letters."""
    h, w = IMAGE_SHAPE
    r, c = np.mgrid[0:h, 0:w]
    if name == "Shapes":
        disc = (r - 14) ** 2 + (c - 15) ** 2 < 10**2
        box = (r > 20) & (r < 35) & (c > 30) & (c < 50)
        tri = (r > 4) & (r < 18) & (np.abs(c - 42) < (r - 4) * 0.7)
        img = disc | box | tri
    elif name == "Stripes":
        img = ((c + r // 2) // 7) % 2 == 0
    elif name == "Letters":
        img = np.zeros((h, w), bool)
        img[8:32, 6:11] = img[8:13, 6:22] = img[18:23, 6:22] = img[8:23, 18:22] = True  # P
        img[8:32, 28:33] = img[27:32, 28:44] = True  # L
        img[8:13, 46:54] = img[27:32, 46:54] = img[8:32, 48:52] = True  # I
    else:
        raise ValueError(f"image must be one of {', '.join(IMAGES)}, got {name!r}")
    return img.astype(np.int64)


def noisy_image(state: State) -> np.ndarray:
    """The clean image with each pixel flipped with probability ``noise``; the same seed
    flips a growing set of pixels as the noise rises."""
    u = np.random.default_rng(state.seed).random(state.image.shape)
    return np.where(u < state.noise, 1 - state.image, state.image)


# -- all modes ---------------------------------------------------------------------------------
def preset(seed: int = 0) -> State:
    """Every mode's default model (the graph mode shown)."""
    empty = np.empty((0, 2))
    state = State(
        node_xy=empty,
        edges=empty.astype(np.int64),
        log_unary=empty,
        log_pairwise=np.empty((0, 2, 2)),
        dag_xy=empty,
        dag_edges=empty.astype(np.int64),
        image=builtin_image("Shapes"),
        seed=int(seed),
    )
    return network_state(graph_state(state, "Tree", seed), "Collider")


DEMO_POSITIONS = {"graph": None, "bayes": 0, "denoise": 10, "variational": 5}


def demo(mode: str = "graph", seed: int = 0) -> State:
    """Each mode's demo: BP on a 3×3 grid three sweeps in; explaining away in the burglar
    alarm; ten sweeps of denoising; mean field five coordinate updates in."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    state = preset(seed).replace(mode=mode)
    if mode == "graph":
        state = graph_state(state, "3×3 grid", seed)
        return state.replace(position=3 * state.n_messages)
    return state.replace(position=DEMO_POSITIONS[mode])


def check_state(state: State) -> None:
    """Raise ``ValueError`` (the field, the rule, the value, a fix) for choices the panel
    does not offer; the engine checks the models' numbers."""
    if state.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {state.mode!r}")
    if state.kind not in KINDS:
        raise ValueError(f"kind must be 'sum' or 'max', got {state.kind!r}")
    if not 1 <= state.sweeps <= MAX_SWEEPS:
        raise ValueError(f"sweeps must be in 1..{MAX_SWEEPS}, got {state.sweeps}")
    if state.position < 0:
        raise ValueError(f"position must be >= 0, got {state.position}")
    n = len(state.node_xy)
    if not 2 <= n <= MAX_NODES:
        raise ValueError(
            f"the graph must have 2..{MAX_NODES} nodes (enumeration is the reference), got "
            f"{n}; remove nodes or load a preset"
        )
    if len(state.edges) == 0:
        raise ValueError(
            "the graph must have at least one edge for belief propagation to send messages, "
            "got none; join two nodes or load a preset"
        )
    if not 0.0 <= state.noise <= 0.5:
        raise ValueError(f"noise must be in [0, 0.5], got {state.noise}")
    if not (math.isfinite(state.rho) and -0.99 <= state.rho <= 0.99):
        raise ValueError(f"rho must be in [-0.99, 0.99], got {state.rho}; pick one there")
    if not (math.isfinite(state.sd2) and state.sd2 > 0):
        raise ValueError(f"sd2 must be > 0, got {state.sd2}")
