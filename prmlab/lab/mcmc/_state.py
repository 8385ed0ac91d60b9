"""The MCMC State: the target, the sampler's settings (with their changes along the chains),
the seed, the starts, the view's settings and the number of steps taken."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prmlab.engine import mcmc
from prmlab.lab._state import LabState

CUSTOM = "Custom expression"
# Each preset with the expression a student could type for the same density.
EXPRESSIONS = {
    "Banana": "-x**2/2 - (y - (x**2 - 1))**2/2",
    "Correlated Gaussian": "-(x**2 - 1.6*x*y + y**2) / (2*0.36)",
    "Donut": "-(sqrt(x**2 + y**2) - 2)**2 / (2*0.3**2)",
    "Mixture": "log(exp(-(x+2)**2 - (y+1.5)**2) + exp(-(x-2)**2 - (y-1.5)**2))",
    "Funnel": "-y**2/(2*1.5**2) - x**2*exp(-y)/2 - y/2",
}
PRESETS: tuple[str, ...] = tuple(EXPRESSIONS)
VIEWS = ("MCMC chains", "Rejection sampling", "Importance sampling")
MAX_CHAINS = 8
MAX_STEPS = 1_000_000  # steps per chain kept at most
STEPS_PER_TICK = (1, 10, 100, 1000)


@dataclass(frozen=True, eq=False)
class Settings(LabState):
    """The method parameters used for the steps before ``until`` (a change made at that step)."""

    until: int
    proposal_scale: float
    slice_width: float
    step_size: float
    n_leapfrog: int


@dataclass(frozen=True, eq=False)
class State(LabState):
    """Everything that decides the MCMC panel's picture.

    ``target`` is a preset name or ``CUSTOM`` (then ``expression`` in the ``±box`` square is
    the log-density). The chains are drawn from ``seed`` and start at ``x0`` (None: the
    engine's over-dispersed starts). The method parameters are those used from the last
    change on; ``earlier`` holds the settings of the steps before each change.
    """

    TOPIC = "mcmc"
    VERSION = 1

    target: str = "Banana"
    expression: str = EXPRESSIONS["Banana"]
    box: float = 4.0
    method: str = "mh"
    proposal_scale: float = 0.5
    slice_width: float = 1.0
    step_size: float = 0.15
    n_leapfrog: int = 20
    n_chains: int = 4
    seed: int = 0
    x0: np.ndarray | None = None
    earlier: tuple[Settings, ...] = ()
    steps: int = 0
    steps_per_tick: int = 1
    burn_in: int = 0
    thin: int = 1
    view: str = VIEWS[0]
    mc_n: int = 2000
    mc_sd: float = 0.7

    def __post_init__(self) -> None:
        if self.target not in (*PRESETS, CUSTOM):
            raise ValueError(
                f"target must be one of {(*PRESETS, CUSTOM)}, got {self.target!r}; "
                "choose a preset or type an expression"
            )
        if self.method not in mcmc.METHODS:
            raise ValueError(f"method must be one of {mcmc.METHODS}, got {self.method!r}")
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {self.view!r}")
        if self.steps_per_tick not in STEPS_PER_TICK:
            raise ValueError(
                f"steps_per_tick must be one of {STEPS_PER_TICK}, got {self.steps_per_tick}"
            )
        for name, lo, hi in (
            ("n_chains", 1, MAX_CHAINS),
            ("steps", 0, MAX_STEPS),
            ("burn_in", 0, MAX_STEPS),
            ("thin", 1, 1000),
            ("mc_n", 10, 100_000),
            ("n_leapfrog", 1, 200),
        ):
            value = getattr(self, name)
            if not lo <= value <= hi:
                raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}; choose one there")
        if not 0.5 <= self.box <= 100.0:
            raise ValueError(f"box must be in [0.5, 100], got {self.box}; choose one there")
        if self.x0 is not None and (self.x0.shape != (2,) or not np.isfinite(self.x0).all()):
            raise ValueError(f"x0 must be one finite point (x, y), got {self.x0!r}")
        untils = [s.until for s in self.earlier]
        if untils != sorted(set(untils)) or any(u < 1 for u in untils):
            raise ValueError(f"earlier settings must change at increasing steps >= 1, got {untils}")

    @property
    def params(self) -> dict:
        """The method's parameters from the last change on, as ``mcmc.Sampler`` takes them."""
        return method_params(self.method, self.settings(self.steps))

    def settings(self, until: int) -> Settings:
        """The current parameters as the ``Settings`` of the steps before ``until``."""
        return Settings(
            until, self.proposal_scale, self.slice_width, self.step_size, self.n_leapfrog
        )

    def params_at(self, step: int) -> dict:
        """The method parameters used by step ``step`` (0: the first step from the starts)."""
        for s in self.earlier:
            if step < s.until:
                return method_params(self.method, s)
        return self.params

    def chain_key(self) -> tuple:
        """What decides the chains' starts and random streams (not their parameters)."""
        x0 = None if self.x0 is None else tuple(self.x0.tolist())
        return (*self.target_key(), self.method, self.n_chains, self.seed, x0)

    def target_key(self) -> tuple:
        """What decides the target density."""
        if self.target == CUSTOM:
            return (CUSTOM, self.expression, self.box)
        return (self.target,)


def method_params(method: str, s: Settings) -> dict:
    """The parameters ``mcmc.Sampler`` takes for ``method`` from the settings ``s``."""
    if method == "mh":
        return {"proposal_scale": s.proposal_scale}
    if method == "gibbs":
        return {"slice_width": s.slice_width}
    return {"step_size": s.step_size, "n_leapfrog": s.n_leapfrog}


def with_params(state: State, **params: float) -> State:
    """``state`` with new method parameters from its current step on: the steps taken keep
    the parameters they used (recorded in ``earlier``), later changes are forgotten."""
    changed = state.replace(**params)
    kept = tuple(s for s in state.earlier if s.until <= state.steps)
    last = kept[-1].until if kept else 0
    if state.steps > last and changed.params != state.params:
        kept = (*kept, state.settings(state.steps))
    return changed.replace(earlier=kept)


def at_step(state: State, step: int) -> State:
    """``state`` as it stood after ``step`` steps: the parameter changes made later are
    forgotten and the parameters then in use are the current ones."""
    later = [s for s in state.earlier if s.until > step]
    if not later:
        return state.replace(steps=step)
    used = later[0]
    return state.replace(
        earlier=tuple(s for s in state.earlier if s.until <= step),
        steps=step,
        proposal_scale=used.proposal_scale,
        slice_width=used.slice_width,
        step_size=used.step_size,
        n_leapfrog=used.n_leapfrog,
    )


def restarted(state: State, **changes: object) -> State:
    """``state`` with ``changes`` and new chains: back to step 0, no parameter changes."""
    return state.replace(earlier=(), steps=0, **changes)


def preset(name: str, seed: int = 0) -> State:
    """The State of a preset target (random-walk MH, four chains), before any step."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {PRESETS}, got {name!r}")
    return State(target=name, expression=EXPRESSIONS[name], seed=seed)


def custom(expression: str, box: float = 4.0, seed: int = 0) -> State:
    """The State of a typed log-density in the ``±box`` square, before any step."""
    return State(target=CUSTOM, expression=expression, box=box, seed=seed)
