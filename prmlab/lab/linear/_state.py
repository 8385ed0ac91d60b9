"""The linear-models State: the points, the mode and every parameter that decides the picture,
and the presets (regression curves and two-class clouds) that fill it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from prmlab.data import builtin
from prmlab.lab._state import LabState

MODES = ("regression", "perceptron", "logistic", "generative")
MODE_TITLES = {
    "regression": "Regression",
    "perceptron": "Perceptron",
    "logistic": "Logistic regression",
    "generative": "Generative vs discriminative",
}
PENALTIES = ("ridge", "lasso")
REGRESSION_PRESETS = ("Line + noise", "Polynomial", "Outliers", "Three points")
CLASS_PRESETS = ("Two blobs", "Separable", "Not separable", "XOR", "Unequal covariances")
PRESETS = REGRESSION_PRESETS + CLASS_PRESETS
REGRESSION_AXES = ("x", "y")
CLASS_AXES = ("x₁", "x₂")
CLASS_NAMES = ("class 0", "class 1")
MAX_DEGREE = 9
OFF_ORIGIN = np.array([2.0, 1.0])  # where the perceptron's presets sit


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything the linear-models panel shows.

    ``X (n, 2)``: regression points (x, y), or classification points (x₁, x₂) with
    ``labels (n,)`` in {0, 1} (regression: zeros); ``mode`` one of ``MODES``; ``source`` the
    preset's or table's name, ``seed`` its sample's. Regression: polynomial ``degree``, the
    MAP fit's ``penalty`` ("ridge": Gaussian prior, λ = ``ridge_lambda``; "lasso": Laplace
    prior, α = ``lasso_alpha``). Perceptron: learning rate ``eta``, ``max_epochs``.
    Logistic regression: inverse penalty ``C`` (∞: plain maximum likelihood). Generative vs
    discriminative: the first ``n_train`` points train (0: all), the rest test. ``position``:
    the perceptron's updates or the logistic fit's Newton steps shown so far.
    """

    TOPIC = "linear"
    VERSION = 1

    X: np.ndarray
    labels: np.ndarray
    mode: str = "regression"
    axis_names: tuple[str, str] = REGRESSION_AXES
    source: str = ""
    seed: int = 0
    degree: int = 1
    penalty: str = "ridge"
    ridge_lambda: float = 1.0
    lasso_alpha: float = 0.05
    eta: float = 1.0
    max_epochs: int = 20
    C: float = math.inf
    n_train: int = 0
    position: int = 0

    @property
    def classifying(self) -> bool:
        """Whether the points are two classes in the plane (every mode but regression)."""
        return self.mode != "regression"


def check_state(state: State) -> None:
    """Raise ``ValueError`` (naming the field, the rule, the value and a fix) if ``state``'s
    choices are not ones the panel offers; the engine checks the numbers."""
    if state.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {state.mode!r}")
    if state.penalty not in PENALTIES:
        raise ValueError(f"penalty must be 'ridge' or 'lasso', got {state.penalty!r}")
    if not 1 <= state.degree <= MAX_DEGREE:
        raise ValueError(f"degree must be in 1..{MAX_DEGREE}, got {state.degree}; pick one there")
    X = np.asarray(state.X)
    if X.ndim != 2 or X.shape[1] != 2 or len(state.labels) != len(X):
        raise ValueError(
            f"X must have shape (n, 2) with one label per row, got X {X.shape} and "
            f"{len(state.labels)} labels"
        )


def _regression_points(name: str, rng: np.random.Generator) -> np.ndarray:
    if name == "Three points":
        x = np.array([-1.0, 0.2, 1.1])
        return np.column_stack([x, np.array([-0.6, 0.6, 0.3])])
    n = 30
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    if name == "Polynomial":
        y = 0.2 + np.sin(2.6 * x) + rng.normal(scale=0.18, size=n)
    else:
        y = 0.3 + 0.8 * x + rng.normal(scale=0.15, size=n)
        if name == "Outliers":
            far = rng.choice(n, size=3, replace=False)
            y[far] += rng.choice([-1.0, 1.0], size=3) * rng.uniform(1.2, 1.8, size=3)
    return np.column_stack([x, y])


def _class_points(name: str, rng: np.random.Generator, seed: int) -> tuple[np.ndarray, np.ndarray]:
    n = 40  # per class
    labels = np.repeat([0, 1], n)
    if name == "XOR":
        ds = builtin.xor(n_samples=2 * n, noise=0.15, seed=seed)
        return ds.X, ds.y
    if name == "Unequal covariances":
        a = rng.multivariate_normal([-0.8, 0.0], [[0.15, 0.0], [0.0, 0.15]], n)
        b = rng.multivariate_normal([0.9, 0.3], [[1.0, 0.7], [0.7, 0.8]], n)
        return np.vstack([a, b]), labels
    std, centre = {"Two blobs": (0.7, 1.0), "Separable": (0.35, 1.1), "Not separable": (0.6, 0.6)}[
        name
    ]
    centres = np.array([[-centre, -0.5 * centre], [centre, 0.5 * centre]])
    X = centres[labels] + rng.normal(scale=std, size=(2 * n, 2))
    if name == "Separable":  # push stragglers out of a band around the middle line
        u = np.array([1.0, 0.5]) / math.hypot(1.0, 0.5)
        s = np.where(labels == 1, 1.0, -1.0)
        X += (s * np.maximum(0.0, 0.3 - s * (X @ u)))[:, None] * u
    if name != "Two blobs":  # off the origin: the perceptron must learn its bias too
        X += OFF_ORIGIN
    return X, labels


def preset_points(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, 2) and labels (n,) of the preset ``name``, in a random order (the
    generative mode trains on the first N)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}; got {name!r}")
    rng = np.random.default_rng(seed)
    if name in REGRESSION_PRESETS:
        X = _regression_points(name, rng)
        return X, np.zeros(len(X), dtype=np.int64)
    X, labels = _class_points(name, rng, seed)
    order = rng.permutation(len(X))
    return np.ascontiguousarray(X[order], dtype=np.float64), np.asarray(labels)[order]


def preset(name: str, seed: int = 0, mode: str | None = None) -> State:
    """The preset ``name``'s sample for ``seed`` in ``mode`` (default: regression for a
    regression preset, logistic regression for a classification one)."""
    X, labels = preset_points(name, seed)
    regression = name in REGRESSION_PRESETS
    mode = mode or ("regression" if regression else "logistic")
    if (mode == "regression") != regression:
        raise ValueError(
            f"the preset {name!r} is for {'regression' if regression else 'classification'}, "
            f"not the {MODE_TITLES.get(mode, mode)} mode; pick one of "
            f"{', '.join(presets_for(mode))}"
        )
    return State(
        X=np.ascontiguousarray(X, dtype=np.float64),
        labels=np.asarray(labels, dtype=np.int64),
        mode=mode,
        axis_names=REGRESSION_AXES if regression else CLASS_AXES,
        source=name,
        seed=int(seed),
        degree=3 if name == "Polynomial" else 1,
    )


def presets_for(mode: str) -> tuple[str, ...]:
    """The presets that fit ``mode``: curves for regression, two classes for the others."""
    return REGRESSION_PRESETS if mode == "regression" else CLASS_PRESETS


DEMO_PRESETS = {
    "regression": "Polynomial",
    "perceptron": "Separable",
    "logistic": "Two blobs",
    "generative": "Unequal covariances",
}


def demo(mode: str = "regression", seed: int = 0) -> State:
    """Each mode's demo: a cubic with a ridge prior; the perceptron on separable points; a
    logistic fit half-way through Newton's steps; GDA, naive Bayes and logistic regression
    trained on 16 of 80 points."""
    state = preset(DEMO_PRESETS[mode], seed, mode)
    if mode == "regression":
        return state.replace(degree=3, ridge_lambda=0.5)
    if mode == "perceptron":
        return state.replace(position=4)
    if mode == "logistic":
        return state.replace(C=math.inf, position=2)
    return state.replace(n_train=16, C=1.0)
