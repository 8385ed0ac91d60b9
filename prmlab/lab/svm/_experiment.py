"""The SVM experiment: a State (the labelled points, the kernel's parameters, the decision
map's extent and the SMO replay's position) and the engine's SMO, run whole or replayed.

Two things can be shown: the finished fit (``replay`` False) or SMO replayed from α = 0
(``replay`` True), where ``position`` counts the engine's frames of ``iter_fit(...,
pairs_per_step=1)``: frame 0 is α = 0, frame k follows k pair updates (the last frame, SMO's
stop, may repeat the last update's count). A Step advances ``pairs_per_step`` frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from prmlab.data import builtin
from prmlab.engine.svm import SVC, SmoStep
from prmlab.lab._state import LabState
from prmlab.lab.svm._contours import contour_segments
from prmlab.lab.svm._duality import duality_row, primal_row

NEG, POS = 0, 1  # labels: 0 is y = -1, 1 is y = +1
KERNELS = ("rbf", "linear", "poly")
PRESETS = ("Separable", "Overlapping", "XOR", "Circles", "Moons")
PRESET_CLASSES = ("class -1", "class +1")  # (label 0, label 1); plain ASCII for the CSV export
PRESET_AXES = ("x₁", "x₂")
PRESET_KERNEL = {"Separable": "linear", "Overlapping": "linear"}  # the others: rbf
GRID = 150  # decision map resolution (GRID x GRID), as in the bench's drag workload
LEVELS = (-1.0, 0.0, 1.0)  # the margins and the boundary
AT_C = 1 - 1e-9  # alpha >= C * AT_C counts as alpha = C
INSIDE = 1 - 5e-3  # y f below this (beyond SMO's tolerance) is strictly inside the margin


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything the SVM panel shows.

    ``X (n, 2)`` the points and ``labels (n,)`` (``POS``: y = +1), named by ``axis_names`` and
    ``class_names`` (``source``: the preset's or table's name); the SVC's parameters (``C``
    may be ∞: hard margin); ``extent`` (x0, x1, y0, y1) the decision map covers and ``view``
    the plot's range (None: the extent's middle, see ``map_extent``); ``seed`` of
    the preset's sample; the replay (``replay``, ``position``, ``pairs_per_step``) as in the
    module's docstring.
    """

    TOPIC = "svm"
    VERSION = 1

    X: np.ndarray
    labels: np.ndarray
    axis_names: tuple[str, str] = PRESET_AXES
    class_names: tuple[str, str] = PRESET_CLASSES
    source: str = ""
    seed: int = 0
    kernel: str = "rbf"
    C: float = 1.0
    gamma: float = 1.0
    degree: int = 3
    coef0: float = 1.0
    extent: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0)
    view: tuple[float, float, float, float] | None = None
    replay: bool = False
    position: int = 0
    pairs_per_step: int = 1

    def svc(self) -> SVC:
        """The engine's classifier with this State's parameters (unfitted)."""
        return SVC(
            C=self.C, kernel=self.kernel, gamma=self.gamma, degree=self.degree, coef0=self.coef0
        )


class TooFewClasses(ValueError):
    """The points are not yet of both classes: a note for the user, not an error."""


def check(state: State) -> None:
    """Raise ``TooFewClasses`` or the engine's ``ValueError`` if ``state`` cannot be fitted."""
    if len(np.unique(state.labels)) < 2:
        raise TooFewClasses(
            "Add points of both classes: left click adds +1 (orange), right click or "
            "Shift+click adds −1 (blue)."
        )
    state.svc().check_input(state.X, state.labels)


@dataclass(frozen=True)
class Result:
    """One drawable iterate: a finished fit or a replay frame, with its decision map.

    ``alpha (n,)``, ``b``, ``f_train (n,)`` f at the points; ``grid (GRID, GRID)``,
    ``grid[r, c] = f(xs[c], ys[r])`` over ``extent``; ``contours`` level -> (2m, 2) segment
    ends; ``history (k, 2)`` rows (pair updates, W) of the dual objective so far;
    ``duality (m, 3)`` rows (pair updates, P, P − W): the primal objective and the duality
    gap at every frame so far (``_duality``; ``primal``, ``duality_gap``: now); replay
    frames also carry ``pair`` (None at α = 0), ``violators`` (KKT, indices) and the α and
    b before the pair's update (``alpha_before``, ``b_before``: SMO's step on the whiteboard).
    """

    X: np.ndarray
    labels: np.ndarray
    alpha: np.ndarray
    b: float
    C: float
    kernel: str
    f_train: np.ndarray
    grid: np.ndarray
    extent: tuple[float, float, float, float]
    contours: dict[float, np.ndarray]
    n_iter: int
    dual_objective: float
    gap: float
    converged: bool
    margin_width: float
    history: np.ndarray
    duality: np.ndarray
    position: int = 0
    stepping: bool = False
    finished: bool = True
    pair: tuple[int, int] | None = None
    violators: np.ndarray | None = None
    alpha_before: np.ndarray | None = None
    b_before: float | None = None

    @property
    def y(self) -> np.ndarray:
        """The labels as ±1."""
        return np.where(self.labels == POS, 1.0, -1.0)

    @property
    def yf(self) -> np.ndarray:
        """``y f(x)`` at each point: ≥ 1 outside the margin, < 0 misclassified."""
        return self.y * self.f_train

    @property
    def at_c(self) -> np.ndarray:
        """Mask of the support vectors with α = C (inside the margin or on it)."""
        return self.alpha >= self.C * AT_C

    @property
    def free(self) -> np.ndarray:
        """Mask of the support vectors with 0 < α < C (on the margin)."""
        return (self.alpha > 0) & ~self.at_c

    @property
    def inside(self) -> np.ndarray:
        """Mask of the points strictly inside the margin (y f < 1 beyond SMO's tolerance)."""
        return self.yf < INSIDE

    @property
    def primal(self) -> float:
        """P(w, b) = ½‖w‖² + C Σ ξ_i of this iterate (∞: a hard margin not yet met)."""
        return float(self.duality[-1, 1])

    @property
    def duality_gap(self) -> float:
        """P(w, b) − W(α) ≥ 0, 0 at the optimum."""
        return float(self.duality[-1, 2])

    @property
    def n_sv(self) -> int:
        return int(np.sum(self.alpha > 0))

    @property
    def accuracy(self) -> float:
        """Training accuracy in percent."""
        return 100.0 * float(np.mean(self.yf > 0))


def _result(
    model: SVC,
    step: SmoStep,
    state: State,
    history: np.ndarray,
    duality: np.ndarray | None,
    **extra,
) -> Result:
    """The Result of the iterate ``step`` (``duality`` None: this frame's row only)."""
    x0, x1, y0, y1 = state.extent
    F = model.decision_grid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    f = model.decision_function(state.X)
    if duality is None:
        duality = primal_row(step, f, state.labels == POS, float(model.C))
    return Result(
        X=state.X,
        labels=state.labels,
        alpha=step.alpha,
        b=step.b,
        C=float(model.C),
        kernel=model.kernel,
        f_train=f,
        grid=F,
        extent=state.extent,
        contours={lev: contour_segments(F, lev, state.extent) for lev in LEVELS},
        n_iter=step.n_iter,
        dual_objective=step.dual_objective,
        gap=step.gap,
        converged=step.converged,
        margin_width=model.margin_width_,
        history=history,
        duality=duality,
        **extra,
    )


class Experiment:
    """Advances a State through the engine's SMO: ``fit`` it whole, or replay it from α = 0.

    ``state`` and ``result`` are the latest; every method returning a Result also has an
    ``iter_`` generator twin yielding the engine's ``SmoStep`` frames (their ``progress``
    drives a status bar), so a Job can animate and cancel it.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self.result: Result | None = None
        self._replay: _Replay | None = None

    # -- the finished fit ---------------------------------------------------------------------
    def iter_fit(self) -> Iterator[SmoStep]:
        """The whole fit of ``state`` (leaving any replay); returns its Result."""
        check(self.state)
        state = self.state.replace(replay=False, position=0)
        model = state.svc()
        history, step = [np.zeros((1, 2))], None  # W(0) = 0
        for step in model.iter_fit(state.X, state.labels):
            history.append(step.trace)
            yield step
        self.state, self._replay = state, None
        # P at the end only: a decision_function call per frame cost as much as the fit
        self.result = _result(model, step, state, np.vstack(history), None)
        return self.result

    def fit(self) -> Result:
        return _drain(self.iter_fit())

    # -- the replay ----------------------------------------------------------------------------
    def iter_run_to(self, position: int | None) -> Iterator[SmoStep]:
        """The replay at frame ``position`` (None or past SMO's stop: its last frame);
        going back restarts from α = 0, so the same State and position give the same Result."""
        check(self.state)
        if position is not None and position < 0:
            raise ValueError(f"position must be >= 0, got {position}")
        replay = self._replay
        if replay is None or position is not None and position < replay.position:
            replay = _Replay(self.state)
        self._replay = None  # unusable if cancelled half-way
        while not replay.done and (position is None or replay.position < position):
            yield replay.advance()
        self._replay = replay
        self.state = self.state.replace(replay=True, position=replay.position)
        self.result = replay.result(self.state)
        return self.result

    def run_to(self, position: int) -> Result:
        return _drain(self.iter_run_to(position))

    def run_to_end(self) -> Result:
        return _drain(self.iter_run_to(None))

    def reset(self) -> Result:
        """The replay's first frame, α = 0."""
        self._replay = None
        return self.run_to(0)

    def iter_step(self) -> Iterator[SmoStep]:
        """One Step: ``pairs_per_step`` more frames of the replay (its first frame if none
        runs); at SMO's stop it stays there."""
        if not self.state.replay:
            return (yield from self.iter_run_to(0))
        return (yield from self.iter_run_to(self.state.position + self.state.pairs_per_step))

    def step(self) -> Result:
        return _drain(self.iter_step())

    # -- whatever the State says ---------------------------------------------------------------
    def iter_show(self) -> Iterator[SmoStep]:
        """The Result ``state`` describes: its fit, or its replay frame."""
        if self.state.replay:
            return (yield from self.iter_run_to(self.state.position))
        return (yield from self.iter_fit())

    def show(self) -> Result:
        return _drain(self.iter_show())


class _Replay:
    """The engine's one-pair-per-frame generator, the dual objective's trace and the primal
    objective's and duality gap's rows so far."""

    def __init__(self, state: State) -> None:
        self.model = state.svc()
        self.steps = self.model.iter_fit(state.X, state.labels, pairs_per_step=1)
        self.step = next(self.steps)  # alpha = 0
        self.before = self.step  # the frame before the last pair's update
        self.position = 0
        self.traces = [np.zeros((1, 2))]
        self.points = (state.X, state.labels == POS)
        self.duality = [duality_row(self.model, self.step, *self.points)]
        self.done = False

    def advance(self) -> SmoStep:
        step = next(self.steps, None)
        if step is None:
            self.done = True
            return self.step
        self.before, self.step, self.position = self.step, step, self.position + 1
        self.traces.append(step.trace)
        self.duality.append(duality_row(self.model, step, *self.points))
        self.done = step.converged
        return step

    def result(self, state: State) -> Result:
        step = self.step
        return _result(
            self.model,
            step,
            state,
            np.vstack(self.traces),
            np.vstack(self.duality),
            position=self.position,
            stepping=True,
            finished=self.done,
            pair=step.pair if step.pair[0] >= 0 else None,
            violators=step.violators,
            alpha_before=self.before.alpha,
            b_before=self.before.b,
        )


def _drain(steps: Iterator[SmoStep]) -> Result:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


# -- presets --------------------------------------------------------------------------------
def preset_points(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, 2) and labels (n,) of the preset ``name``."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}; got {name!r}")
    rng = np.random.default_rng(seed)
    if name in ("Separable", "Overlapping"):
        std, n = (0.45, 25) if name == "Separable" else (0.9, 35)
        centres = np.array([[-1.2, -0.6], [1.2, 0.6]])
        labels = np.repeat([NEG, POS], n)
        X = centres[labels] + rng.normal(scale=std, size=(2 * n, 2))
        if name == "Separable":  # push stragglers out of a band, so a margin exists
            u = np.array([1.0, 0.5]) / math.hypot(1.0, 0.5)
            s = np.where(labels == POS, 1.0, -1.0)
            short = np.maximum(0.0, 0.35 - s * (X @ u))
            X += (s * short)[:, None] * u
        return X, labels
    make = {"XOR": builtin.xor, "Circles": builtin.circles, "Moons": builtin.moons}[name]
    kwargs = {
        "XOR": dict(n_samples=80, noise=0.12),
        "Circles": dict(n_samples=100, noise=0.08, factor=0.45),
        "Moons": dict(n_samples=120, noise=0.2),
    }[name]
    ds = make(seed=seed, **kwargs)
    return ds.X, ds.y


def points_range(X: np.ndarray) -> tuple[float, float, float, float]:
    """The points' bounding box padded by 12 % (x0, x1, y0, y1): the view that shows them."""
    if not len(X):
        return (-1.0, 1.0, -1.0, 1.0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.12 * np.maximum(hi - lo, 1e-6)
    return (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])


def map_extent(view: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The decision map's extent for a view (x0, x1, y0, y1): the view and 10 % around it,
    so a small pan does not uncover the plot."""
    x0, x1, y0, y1 = (float(v) for v in view)
    mx, my = 0.1 * (x1 - x0), 0.1 * (y1 - y0)
    return (x0 - mx, x1 + mx, y0 - my, y1 + my)


def view_of(state: State) -> tuple[float, float, float, float]:
    """The plot's range ``state`` shows: its ``view``, else the one its extent was made for."""
    if state.view is not None:
        return state.view
    x0, x1, y0, y1 = state.extent
    mx, my = (x1 - x0) / 12, (y1 - y0) / 12  # map_extent added 10 % of the view each side
    return (x0 + mx, x1 - mx, y0 + my, y1 - my)


def preset(name: str, seed: int = 0) -> State:
    """The preset ``name``'s sample for ``seed``, with its kernel and default parameters."""
    X, labels = preset_points(name, seed)
    return State(
        X=np.ascontiguousarray(X, dtype=np.float64),
        labels=np.asarray(labels, dtype=np.int64),
        source=name,
        seed=int(seed),
        kernel=PRESET_KERNEL.get(name, "rbf"),
        extent=map_extent(points_range(X)),
    )


def demo(seed: int = 0) -> State:
    """Noisy moons, RBF, C = 10, γ = 2: a curved boundary, SVs both on and inside the margin."""
    return preset("Moons", seed).replace(C=10.0, gamma=2.0)
