"""The HMM experiment: a State (λ, O, the parameters, both stepper positions), Baum-Welch
one iteration at a time or to convergence from seeded restarts, and the State changes a
user makes (sample, type, load a column, change N)."""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from prmlab.lab._state import LabState
from prmlab.lab.hmm._analysis import QUANTITIES, Analysis, analyse
from prmlab.lab.hmm._model import (
    PRESET_MODELS,
    Model,
    align_states,
    casino,
    random_model,
    state_names,
    symbols_of_column,
)

TOL = 1e-6  # Baum-Welch has converged when log p(O | λ) gains less than this
DEFAULT_LENGTH = 300  # T of a sampled sequence


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything the HMM panel shows.

    ``model`` is λ before the first of ``iteration`` Baum-Welch steps; ``obs`` the sequence
    (symbol codes int64, or float values for a Gaussian model) with ``true_path`` and the
    ``reference`` model that made it when sampled; ``fit_curves`` the log p(O | λ) curves of
    the restarts fit that gave ``model`` (``fit_best`` the one kept). ``time_step`` is the
    trellis stepper: 0..T-1 fills columns t = 0..T-1, then T..2T-1 backtracks the Viterbi
    path from T-1 down to 0.
    """

    TOPIC = "hmm"
    VERSION = 1

    model: Model
    obs: np.ndarray
    source: str = ""
    true_path: np.ndarray | None = None
    reference: Model | None = None
    seed: int = 0
    length: int = DEFAULT_LENGTH
    restarts: int = 5
    max_iter: int = 200
    fit_curves: tuple[np.ndarray, ...] = ()
    fit_best: int = 0
    iteration: int = 0
    time_step: int = 0
    quantity: str = "gamma"
    show_viterbi: bool = True
    show_posterior: bool = True
    show_true: bool = True

    def __post_init__(self) -> None:
        if self.quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {QUANTITIES}, got {self.quantity!r}")
        for name, least in (("length", 1), ("restarts", 1), ("max_iter", 1), ("iteration", 0)):
            if getattr(self, name) < least:
                raise ValueError(f"{name} must be >= {least}, got {getattr(self, name)}")
        if self.obs.ndim != 1 or not (len(self.obs) == 0 or self.model.accepts(self.obs)):
            raise ValueError(
                f"obs must be one sequence of the model's {self.model.kind}, got an array of "
                f"shape {self.obs.shape} and type {self.obs.dtype}"
            )
        if self.fit_curves and not 0 <= self.fit_best < len(self.fit_curves):
            raise ValueError(f"fit_best must index fit_curves, got {self.fit_best}")

    @property
    def T(self) -> int:
        return len(self.obs)

    @property
    def last_time_step(self) -> int:
        """The trellis filled and the whole Viterbi path backtracked."""
        return max(2 * self.T - 1, 0)

    @property
    def t_now(self) -> int:
        """The trellis is filled up to this column."""
        return max(min(self.time_step, self.T - 1), 0)

    @property
    def back_from(self) -> int | None:
        """The Viterbi path is drawn from this column to T-1 (None: not backtracking yet)."""
        if self.time_step < self.T:
            return None
        return max(2 * self.T - 1 - self.time_step, 0)

    def fit_input(self) -> np.ndarray:
        """O as Baum-Welch takes it, or ``ValueError`` when it is too short."""
        if self.T < 2:
            raise ValueError("Baum-Welch needs at least 2 observations: sample or type some")
        return self.obs if self.model.kind == "symbols" else self.obs.astype(float)


@dataclass(frozen=True)
class Result:
    """λ after ``iteration`` Baum-Welch steps, its analysis of O (None when O is empty),
    the log-likelihood curves (the restarts' and this run's, appended to ``best``'s) and
    the last iteration's gain (NaN before the second)."""

    iteration: int
    model: Model
    analysis: Analysis | None
    curves: tuple[np.ndarray, ...]
    best: int
    gain: float

    @property
    def converged(self) -> bool:
        return 0 <= self.gain < TOL


def one_iteration(model: Model, obs: np.ndarray) -> tuple[Model, float]:
    """One Baum-Welch E+M step from ``model``: the new model and log p(O | old model)."""
    m = model.engine()
    m.n_iter, m.tol, m.random_state, m.init_params = 1, 0.0, 0, ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # one iteration never "converges"
        step = next(m.iter_fit(obs))
    return model.with_engine(m), step.log_likelihood


class Experiment:
    """Baum-Welch from ``state.model``, one iteration per ``step``; ``start`` (a Result of
    this State at an earlier iteration) resumes from there instead of from λ."""

    def __init__(self, state: State, start: Result | None = None) -> None:
        self.state = state
        self._base = state.fit_curves[state.fit_best] if state.fit_curves else np.zeros(0)
        self._model, self._lls, self._iteration = state.model, [], 0
        self._result: Result | None = None
        if start is not None and 0 < start.iteration <= state.iteration:
            self._model = start.model
            self._lls = list(start.curves[self._best_index()][len(self._base) :])
            self._iteration = start.iteration

    @property
    def result(self) -> Result:
        """The Result at the State's iteration (computed when first asked for)."""
        if self._result is None:
            self.run_to(self.state.iteration)
        return self._result

    def _best_index(self) -> int:
        return self.state.fit_best if self.state.fit_curves else 0

    def _finish(self) -> Result:
        curve = np.concatenate([self._base, self._lls])
        curves = list(self.state.fit_curves) or [curve]
        curves[self._best_index()] = curve
        curves = tuple(c for c in curves if len(c))
        gain = float(np.diff(curve[-2:])[0]) if len(curve) > 1 and self._lls else np.nan
        analysis = analyse(self._model, self.state.obs) if self.state.T else None
        self.state = self.state.replace(iteration=self._iteration)
        self._result = Result(
            self._iteration, self._model, analysis, curves, self._best_index(), gain
        )
        return self._result

    def reset(self) -> Result:
        """λ as the State holds it, before any iteration."""
        self._model, self._lls, self._iteration = self.state.model, [], 0
        return self._finish()

    def _advance(self) -> None:
        model, ll = one_iteration(self._model, self.state.fit_input())
        self._model = align_states(model, self.state.reference)
        self._lls.append(ll)
        self._iteration += 1

    def step(self) -> Result:
        """One Baum-Welch iteration (E and M step)."""
        self._advance()
        return self._finish()

    def run_to(self, position: int) -> Result:
        """λ after ``position`` iterations from the State's λ (analysed once, at the end)."""
        if position < self._iteration:
            self.reset()
        while self._iteration < position:
            self._advance()
        return self._finish()

    def run_to_end(self) -> Result:
        """Iterations until the gain is below TOL or ``max_iter`` iterations are done."""
        while self._iteration < self.state.max_iter:
            self._advance()
            if len(self._lls) > 1 and 0 <= self._lls[-1] - self._lls[-2] < TOL:
                break
        return self._finish()


@dataclass(frozen=True)
class FitStep:
    """What a restarts fit shows while it runs: the leading model and every curve so far."""

    model: Model
    curves: tuple[np.ndarray, ...]  # log-likelihood per iteration, one per restart
    best: int  # the restart whose model is shown
    converged: bool
    progress: float


def fit_restarts(state: State) -> Generator[FitStep, None, State]:
    """Baum-Welch to convergence from ``state.restarts`` seeded random models (seed,
    seed+1, ...), yielding after every iteration; returns the State holding the best λ
    (relabelled to match the reference) and every restart's curve."""
    obs = state.fit_input()
    X = obs if state.model.kind == "gaussian" else None
    n = state.model.n_states
    curves: list[np.ndarray] = []
    best, best_ll, best_model = 0, -np.inf, state.model
    for r in range(state.restarts):
        start = random_model(state.model, n, state.seed + r, X)
        m = start.engine()
        m.n_iter, m.tol, m.random_state, m.init_params = state.max_iter, TOL, state.seed + r, ""
        current = start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the curves say it
            for step in m.iter_fit(obs):
                current = start.with_engine(m)
                lead = current if step.log_likelihood >= best_ll else best_model
                yield FitStep(
                    align_states(lead, state.reference),
                    (*curves, step.history),
                    r if lead is current else best,
                    step.converged,
                    (r + step.progress) / state.restarts,
                )
        curves.append(m.loglik_history_.copy())
        if curves[-1][-1] > best_ll:
            best, best_ll, best_model = r, curves[-1][-1], current
    return state.replace(
        model=align_states(best_model, state.reference),
        fit_curves=tuple(curves),
        fit_best=best,
        iteration=0,
    )


# ---------------------------------------------------------------- the changes a user makes
def rebased(state: State, result: Result) -> State:
    """The State at iteration 0 whose λ is ``result``'s (the λ on screen), with its
    curves: where an edit of the model or of O starts."""
    return state.replace(
        model=result.model, fit_curves=result.curves, fit_best=result.best, iteration=0
    )


def with_model(state: State, model: Model) -> State:
    """``model`` as λ at iteration 0; observations of another alphabet are dropped."""
    if state.T and not model.accepts(state.obs):
        state = state.replace(
            obs=model.empty_observations(), true_path=None, source="", time_step=0
        )
    return state.replace(model=model, iteration=0)


def with_observations(
    state: State, obs: np.ndarray, source: str, true_path: np.ndarray | None = None
) -> State:
    """New observations O, trellis filled and backtracked."""
    state = state.replace(obs=np.asarray(obs), source=source, true_path=true_path, iteration=0)
    return state.replace(time_step=state.last_time_step)


def sampled(state: State) -> State:
    """``state.length`` observations and their hidden states drawn from λ with the seed."""
    X, path = state.model.engine().sample(state.length, random_state=state.seed)
    obs = X if state.model.kind == "symbols" else X[:, 0]
    source = f"sampled from λ, seed {state.seed}"
    return with_observations(state.replace(reference=state.model), obs, source, path)


def without_fit(state: State) -> State:
    """No Baum-Welch curve: they belong to other data or another λ."""
    return state.replace(fit_curves=(), fit_best=0, iteration=0)


def random_start(state: State, n_states: int | None = None) -> State:
    """A seeded random λ (of ``n_states``, else as many as now) and no curve; a true path
    of another number of states is dropped."""
    n = state.model.n_states if n_states is None else n_states
    X = state.obs if state.model.kind == "gaussian" else None
    state = without_fit(state.replace(model=random_model(state.model, n, state.seed, X)))
    if state.reference is not None and state.reference.n_states != n:
        state = state.replace(true_path=None)
    return state


def from_column(state: State, x: np.ndarray, name: str, n_states: int) -> State:
    """A table column as O (symbols when it holds few distinct integers, else Gaussian
    values) with a seeded random λ of ``n_states`` and no reference."""
    as_symbols = symbols_of_column(x)
    names = state_names(n_states)
    dummy = (np.ones(1), np.ones((1, 1)), np.ones((1, 1)))
    if as_symbols is not None:
        obs, symbols = as_symbols
        template = Model("symbols", names, symbols, *dummy)
        source = f"{name} ({len(symbols)} symbols)"
    else:
        obs = np.array(x, dtype=float)
        template = Model("gaussian", names, (), *dummy)
        source = f"{name} (Gaussian)"
    model = random_model(template, n_states, state.seed, None if as_symbols else obs)
    state = state.replace(model=model, obs=model.empty_observations(), reference=None)
    return without_fit(with_observations(state, obs, source))


PRESETS: tuple[str, ...] = tuple(PRESET_MODELS)


def preset(name: str, seed: int = 0, length: int = DEFAULT_LENGTH) -> State:
    """The preset model ``name`` with ``length`` observations sampled from it (seeded)."""
    if name not in PRESET_MODELS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}; got {name!r}")
    model = PRESET_MODELS[name]()
    return sampled(State(model, model.empty_observations(), seed=seed, length=length))


def empty_state(seed: int = 0) -> State:
    """The casino's λ with no observations yet."""
    model = casino()
    return State(model, model.empty_observations(), seed=seed)


def results_table(state: State, result: Result) -> dict[str, np.ndarray] | None:
    """Columns t, observation, Viterbi and posterior-decoded states, γ per state and the
    true state (when known), for the CSV export; None before any analysis."""
    a, m = result.analysis, result.model
    if a is None:
        return None
    states = np.array(m.states)
    table = {
        "t": np.arange(state.T),
        "observation": np.array(m.symbols)[state.obs] if m.kind == "symbols" else state.obs,
        "viterbi_state": states[a.viterbi],
        "posterior_state": states[a.posterior],
    }
    for k, s in enumerate(m.states):
        table[f"gamma_{s}"] = a.gamma[:, k]
    if state.true_path is not None and len(state.true_path) == state.T:
        table["true_state"] = states[state.true_path]
    return table
