"""λ = (π, A, B) with names: the preset models, seeded random starts, relabelling, and the
checks and conversions of the values a user types into the model's tables."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np

from prmlab.engine import hmm
from prmlab.lab._state import LabState

KINDS = ("symbols", "gaussian")
MAX_SYMBOLS = 24  # a column with at most this many distinct integers is read as symbols
ROW_TOL = 1e-6  # as the engine: how far a row may sum from 1
MAX_ALIGNED_STATES = 7  # relabelling tries every permutation: 7! = 5,040 at most


@dataclass(frozen=True, eq=False)
class Model(LabState):
    """λ = (π, A, B) with names. ``kind`` "symbols" (B is (N, M)) or "gaussian" (1-D:
    ``B[:, 0]`` means, ``B[:, 1]`` variances)."""

    kind: str
    states: tuple[str, ...]
    symbols: tuple[str, ...]
    startprob: np.ndarray
    transmat: np.ndarray
    B: np.ndarray

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Model.kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def n_states(self) -> int:
        return len(self.states)

    def engine(self) -> hmm.CategoricalHMM | hmm.GaussianHMM:
        """The engine model with these parameters (checked by the engine when used)."""
        if self.kind == "symbols":
            m = hmm.CategoricalHMM(self.n_states, len(self.symbols))
            m.emissionprob_ = self.B
        else:
            m = hmm.GaussianHMM(self.n_states, covariance_type="diag")
            m.means_, m.covars_ = self.B[:, :1], self.B[:, 1:2]
        m.startprob_, m.transmat_ = self.startprob, self.transmat
        return m

    def with_engine(self, m: hmm.CategoricalHMM | hmm.GaussianHMM) -> Model:
        """This model's names with the parameters of the engine model ``m``."""
        B = (
            m.emissionprob_
            if self.kind == "symbols"
            else np.column_stack([m.means_[:, 0], np.reshape(m.covars_, (self.n_states, -1))[:, 0]])
        )
        return self.replace(
            startprob=m.startprob_.copy(), transmat=m.transmat_.copy(), B=np.array(B, float)
        )

    def accepts(self, obs: np.ndarray) -> bool:
        """True when ``obs`` are observations of this model's kind (and alphabet)."""
        if self.kind == "symbols":
            return np.issubdtype(obs.dtype, np.integer) and obs.max(initial=-1) < len(self.symbols)
        return np.issubdtype(obs.dtype, np.floating)

    def empty_observations(self) -> np.ndarray:
        return np.zeros(0, dtype=np.int64 if self.kind == "symbols" else float)

    def check(self) -> None:
        """``ValueError`` naming the first problem of λ (the engine's checks)."""
        self.engine().log_emission(np.zeros(1, dtype=self.empty_observations().dtype))


def state_names(n: int) -> tuple[str, ...]:
    """S1, S2, ... for a model whose states have no names."""
    return tuple(f"S{i + 1}" for i in range(n))


def casino() -> Model:
    """Durbin et al.'s occasionally dishonest casino: a fair die and one loaded towards 6."""
    return Model(
        "symbols",
        ("Fair", "Loaded"),
        tuple("123456"),
        np.array([0.5, 0.5]),
        np.array([[0.95, 0.05], [0.10, 0.90]]),
        np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]]),
    )


def umbrella() -> Model:
    """Russell & Norvig's umbrella world: is it raining, seen only through the umbrella."""
    return Model(
        "symbols",
        ("Rain", "Dry"),
        ("U", "N"),
        np.array([0.5, 0.5]),
        np.array([[0.7, 0.3], [0.3, 0.7]]),
        np.array([[0.9, 0.1], [0.2, 0.8]]),
    )


def left_right() -> Model:
    """A 4-state left-right model (as for one spoken word): zeros below the diagonal."""
    return Model(
        "symbols",
        ("Begin", "Mid 1", "Mid 2", "End"),
        ("a", "b", "c"),
        np.array([1.0, 0.0, 0.0, 0.0]),
        np.array(
            [[0.8, 0.2, 0.0, 0.0], [0.0, 0.8, 0.2, 0.0], [0.0, 0.0, 0.8, 0.2], [0.0, 0.0, 0.0, 1.0]]
        ),
        np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7], [0.6, 0.1, 0.3]]),
    )


PRESET_MODELS = {
    "Occasionally dishonest casino": casino,
    "Weather / umbrella": umbrella,
    "Left-right (structural zeros)": left_right,
}


def random_model(template: Model, n_states: int, seed: int, X: np.ndarray | None = None) -> Model:
    """A seeded random λ of ``n_states`` for Baum-Welch to start from (Gaussian: means from
    quantiles of X, the variance of X)."""
    rng = np.random.default_rng(seed)
    A = 0.5 * np.eye(n_states) + 0.5 * rng.dirichlet(np.ones(n_states), size=n_states)
    if template.kind == "symbols":
        B = rng.dirichlet(np.ones(len(template.symbols)), size=n_states)
    else:
        x = np.zeros(1) if X is None or not len(X) else np.asarray(X, float)
        q = np.sort(rng.uniform(0.05, 0.95, n_states))
        B = np.column_stack([np.quantile(x, q), np.full(n_states, max(x.var(), 1e-6))])
    states = template.states if len(template.states) == n_states else state_names(n_states)
    return template.replace(
        states=states, startprob=np.full(n_states, 1 / n_states), transmat=A, B=B
    )


def align_states(model: Model, reference: Model | None) -> Model:
    """Relabel the states of a fitted ``model`` to best match ``reference`` (by B).

    Baum-Welch finds the states in any order; matching them to the model that made the
    data keeps names such as "Loaded" meaningful and the true path comparable.
    """
    n = model.n_states
    if (
        reference is None
        or reference.kind != model.kind
        or reference.n_states != n
        or reference.B.shape != model.B.shape
        or n > MAX_ALIGNED_STATES
    ):
        return model
    best = min(
        itertools.permutations(range(n)),
        key=lambda p: float(np.abs(model.B[list(p)] - reference.B).sum()),
    )
    p = list(best)
    return model.replace(
        states=reference.states,
        startprob=model.startprob[p],
        transmat=model.transmat[np.ix_(p, p)],
        B=model.B[p],
    )


def parse_symbols(text: str, symbols: tuple[str, ...]) -> np.ndarray:
    """Typed observations -> symbol indices: tokens split by spaces or commas, or one
    character per symbol when every symbol is a single character."""
    tokens = [t for t in re.split(r"[\s,;]+", text.strip()) if t]
    if len(tokens) == 1 and all(len(s) == 1 for s in symbols) and len(tokens[0]) > 1:
        tokens = list(tokens[0])
    lookup = {s.lower(): i for i, s in enumerate(symbols)}
    out = []
    for pos, tok in enumerate(tokens):
        if tok.lower() not in lookup:
            raise ValueError(
                f"unknown symbol {tok!r} at position {pos + 1}; the symbols are "
                + " ".join(symbols)
            )
        out.append(lookup[tok.lower()])
    if not out:
        raise ValueError("type at least one observation, e.g. " + " ".join(symbols[:3]))
    return np.array(out, dtype=np.int64)


def symbols_text(model: Model, obs: np.ndarray) -> str:
    """Observations as the text a user would type: "316662" or "U N U"."""
    sep = "" if all(len(s) == 1 for s in model.symbols) else " "
    return sep.join(model.symbols[k] for k in obs)


def symbols_of_column(x: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """(codes, names) when a column holds few distinct integers, else None (Gaussian)."""
    values = np.unique(x)
    if len(values) > MAX_SYMBOLS or not np.all(values == np.round(values)):
        return None
    codes = np.searchsorted(values, x).astype(np.int64)
    return codes, tuple(str(int(v)) for v in values)


def checked_model(
    template: Model, startprob: np.ndarray, transmat: np.ndarray, B: np.ndarray
) -> Model:
    """``template`` with the typed π (N,), A (N, N) and B, or ``ValueError`` naming the first
    problem (the engine's checks; a Gaussian variance must be > 0)."""
    pi, A = hmm.check_model(startprob, transmat)
    B = np.asarray(B, dtype=float)
    if template.kind == "symbols":
        hmm.check_model(pi, A, B)
    elif (B[:, 1] <= 0).any():
        i = int(np.flatnonzero(B[:, 1] <= 0)[0])
        raise ValueError(f"B: the variance of state {template.states[i]} must be > 0")
    return template.replace(startprob=pi, transmat=A, B=B)


def bad_rows(values: np.ndarray, distributions: bool) -> np.ndarray:
    """(rows,) True where a row of typed ``values`` holds a NaN (not a number) or, for
    ``distributions``, a negative entry or a sum away from 1."""
    bad = np.isnan(values).any(axis=1)
    if distributions:
        bad |= (values < 0).any(axis=1) | (np.abs(np.nansum(values, axis=1) - 1.0) > ROW_TOL)
    return bad


def normalised_rows(values: np.ndarray) -> np.ndarray:
    """Each row divided by its sum, negative or unreadable (NaN) entries as 0; a row with
    nothing left becomes uniform."""
    v = np.clip(np.nan_to_num(values, nan=0.0), 0.0, None)
    sums = v.sum(axis=1, keepdims=True)
    return np.where(sums > 0, v / np.where(sums > 0, sums, 1.0), 1.0 / v.shape[1])


def model_dict(model: Model) -> dict:
    """λ as plain lists, the form the JSON export writes."""
    out = {
        "kind": model.kind,
        "states": list(model.states),
        "startprob": model.startprob.tolist(),
        "transmat": model.transmat.tolist(),
    }
    if model.kind == "symbols":
        out["symbols"] = list(model.symbols)
        out["emissionprob"] = model.B.tolist()
    else:
        out["means"] = model.B[:, 0].tolist()
        out["variances"] = model.B[:, 1].tolist()
    return out


def gaussian_densities(
    model: Model, x: np.ndarray | None = None, n_points: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """(x (n_points,), densities (n_points, N)): each state's b_j(x) at ``x``, by default
    over ±4 sd of all, from the engine's log emission."""
    if x is None:
        mu, sd = model.B[:, 0], np.sqrt(model.B[:, 1])
        x = np.linspace((mu - 4 * sd).min(), (mu + 4 * sd).max(), n_points)
    return x, np.exp(model.engine().log_emission(x))
