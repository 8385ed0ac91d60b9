"""The MCMC panel's worker functions (no Qt): each runs in the Job's thread and calls the lab."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from prmlab.gui.panels.mcmc.views import contours
from prmlab.lab import mcmc


@dataclass(frozen=True, eq=False)
class Opened:
    """An Experiment at its State's position, with the contours of its target."""

    experiment: mcmc.Experiment
    lines: tuple[np.ndarray, ...]


def open_experiment(
    state: mcmc.State, view: mcmc.TargetView | None, lines: tuple[np.ndarray, ...]
) -> Opened:
    """Build (compile) the target unless ``view`` is it, and run the chains to the State."""
    if view is None or view.key != state.target_key():
        view = mcmc.prepare_target(state)
        lines = contours(view.density, view.xs, view.ys)
    experiment = mcmc.Experiment(state, view)
    experiment.result  # noqa: B018 (run to the State's position here, in the worker)
    return Opened(experiment, lines)


def long_run(
    experiment: mcmc.Experiment, n_steps: int, state: mcmc.State
) -> Iterator[mcmc.Progress]:
    """``n_steps`` more steps with progress; the diagnostics of all draws at the end."""
    result = yield from experiment.iter_advance(n_steps)
    burn, thin = mcmc.kept_window(state, result.chains.shape[1])
    return result, mcmc.diagnose(result.chains, burn, thin)


def rejection_run(view: mcmc.TargetView, state: mcmc.State) -> tuple:
    """Rejection sampling with the contours of its envelope."""
    rv = mcmc.rejection(view, state)
    return rv, contours(rv.envelope, view.xs, view.ys)
