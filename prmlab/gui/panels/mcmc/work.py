"""The MCMC panel's worker functions (no Qt): each runs in the Job's thread and calls the lab."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from prmlab.gui.panels.mcmc.views import contours
from prmlab.lab import mcmc


@dataclass(frozen=True, eq=False)
class Pictures:
    """What the statistics plots draw of one Result's ``chains``, computed in the worker (on
    a million draws the reductions held the GUI thread for ~100 ms): each coordinate's trace
    envelope (steps, values), the histograms of the draws kept by ``window`` (burn, thin)
    and the running acceptance rates (steps, rates)."""

    chains: np.ndarray
    window: tuple[int, int]
    traces: tuple[tuple[np.ndarray, np.ndarray], ...]
    histograms: tuple[tuple[np.ndarray, np.ndarray] | None, ...]
    rates: tuple[np.ndarray, np.ndarray]


def pictures(result: mcmc.Result, state: mcmc.State, bounds: tuple) -> Pictures:
    """The statistics plots' arrays of ``result`` (its draws kept as ``state`` says)."""
    chains = result.chains
    burn, thin = mcmc.kept_window(state, chains.shape[1])
    return Pictures(
        chains,
        (burn, thin),
        tuple(mcmc.trace_envelope(chains, k) for k in range(2)),
        mcmc.histograms(chains[:, burn::thin], bounds),
        mcmc.acceptance_curves(result.accepted),
    )


@dataclass(frozen=True, eq=False)
class Opened:
    """An Experiment at its State's position, with the contours of its target."""

    experiment: mcmc.Experiment
    lines: tuple[np.ndarray, ...]
    pictures: Pictures


def open_experiment(
    state: mcmc.State, view: mcmc.TargetView | None, lines: tuple[np.ndarray, ...]
) -> Opened:
    """Build (compile) the target unless ``view`` is it, and run the chains to the State."""
    if view is None or view.key != state.target_key():
        view = mcmc.prepare_target(state)
        lines = contours(view.density, view.xs, view.ys)
    experiment = mcmc.Experiment(state, view)
    # run to the State's position here, in the worker
    return Opened(experiment, lines, pictures(experiment.result, state, view.target.bounds))


def adopted(experiment: mcmc.Experiment, state: mcmc.State) -> tuple[mcmc.Result, Pictures]:
    """``experiment`` going on with ``state`` (re-run or rewound to its step), with the
    Result's pictures."""
    result = experiment.adopt(state)
    return result, pictures(result, experiment.state, experiment.target.target.bounds)


def advance(
    experiment: mcmc.Experiment, n_steps: int, state: mcmc.State
) -> Iterator[mcmc.Progress]:
    """A Step's ``n_steps`` steps, then the Result with its pictures."""
    result = yield from experiment.iter_advance(n_steps)
    return result, pictures(result, state, experiment.target.target.bounds)


@dataclass(frozen=True, eq=False)
class PartialRun:
    """A long run so far, with the trace envelopes of its draws at most
    ``TRACE_PERIOD_S`` old (the panel redraws the traces when they change)."""

    run: mcmc.Progress
    traces: tuple[tuple[np.ndarray, np.ndarray], ...]

    @property
    def progress(self) -> float:
        return self.run.progress


TRACE_PERIOD_S = 1.0  # between the trace envelopes of a long run's draws so far


def long_run(experiment: mcmc.Experiment, n_steps: int, state: mcmc.State) -> Iterator[PartialRun]:
    """``n_steps`` more steps with progress; the diagnostics and pictures of all draws at
    the end."""
    run = experiment.iter_advance(n_steps)
    traces: tuple = ()
    made = 0.0
    try:
        while True:
            progress = next(run)
            if time.perf_counter() - made >= TRACE_PERIOD_S:
                chains = progress.chains()
                traces = tuple(mcmc.trace_envelope(chains, k) for k in range(2))
                made = time.perf_counter()
            yield PartialRun(progress, traces)
    except StopIteration as stop:
        result = stop.value
    finally:
        run.close()  # cancelled at a yield: the steps are not committed
    burn, thin = mcmc.kept_window(state, result.chains.shape[1])
    summary = mcmc.diagnose(result.chains, burn, thin)
    return result, summary, pictures(result, state, experiment.target.target.bounds)


def rejection_run(view: mcmc.TargetView, state: mcmc.State) -> tuple:
    """Rejection sampling with the contours of its envelope."""
    rv = mcmc.rejection(view, state)
    return rv, contours(rv.envelope, view.xs, view.ys)
