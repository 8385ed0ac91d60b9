"""What the HMM panel says beside its pictures: the Baum-Welch line under the fit controls
and the true λ to compare the shown one with (Qt-free, so a notebook prints the same)."""

from __future__ import annotations

import numpy as np

from prmlab.lab.hmm._experiment import Result, State
from prmlab.lab.hmm._model import Model


def fit_summary(state: State, result: Result | None) -> str:
    """The Baum-Welch line: this run's iteration, log p(O|λ), gain and convergence; at
    iteration 0 after seeded restarts, the best and worst restart; else ""."""
    if result is not None and result.iteration:
        ll = result.curves[result.best][-1]
        gain = f", gain {result.gain:.3g}" if np.isfinite(result.gain) else ""
        done = " ✓ converged" if result.converged else ""
        return f"iteration {result.iteration}: log p(O|λ) = {ll:.6g}{gain}{done}"
    if state.fit_curves:
        finals = [c[-1] for c in state.fit_curves]
        restarts = f"{len(finals):,} restart{'' if len(finals) == 1 else 's'}"
        return (
            f"{restarts}: best log p(O|λ) = {max(finals):.6g} (seed "
            f"{state.seed + state.fit_best}); worst {min(finals):.6g}. The tables hold the best λ."
        )
    return ""


def other_true_model(state: State, shown: Model) -> Model | None:
    """The model that sampled O when what is shown is another λ (fitted or edited), to draw
    beside it; None when O has no known source or ``shown`` is that model."""
    true = state.reference
    if true is None or shown is true:
        return None
    same = all(
        np.array_equal(a, b)
        for a, b in ((shown.startprob, true.startprob), (shown.transmat, true.transmat),
                     (shown.B, true.B))
    )  # fmt: skip
    return None if same else true
