"""Benchmark workloads of the hmm topic: Viterbi and forward-backward against hmmlearn.

Both sides get the same categorical model and symbols and both compute the log emission
table from them inside the timed call (``log B[:, o_t]``). hmmlearn is timed with each of
its implementations ("log" and "scaling"): the goal holds against the faster one when it
holds against both.
"""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload


def workloads(quick: bool) -> list[Workload]:
    from prmlab.engine import hmm

    n_states, n_symbols, T = (8, 6, 2_000) if quick else (32, 16, 100_000)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(n_states))
    A = rng.dirichlet(np.ones(n_states), size=n_states)
    B = rng.dirichlet(np.ones(n_symbols), size=n_states)
    obs = rng.integers(0, n_symbols, size=T)
    log_pi, log_A, log_B = np.log(pi), np.log(A), np.log(B)

    def log_emission() -> np.ndarray:
        return np.ascontiguousarray(log_B.T[obs])

    def run_viterbi():
        return hmm.viterbi(log_pi, log_A, log_emission())

    def run_forward_backward():
        return hmm.forward_backward(log_pi, log_A, log_emission())

    size = f"T={T:,}, N={n_states}"
    try:
        from hmmlearn.hmm import CategoricalHMM
    except ImportError:
        return [
            Workload(f"hmm viterbi {size}", run_viterbi),
            Workload(f"hmm forward_backward {size}", run_forward_backward),
        ]

    out = []
    for impl in ("log", "scaling"):
        ref = CategoricalHMM(n_states, implementation=impl, n_features=n_symbols)
        ref.startprob_, ref.transmat_, ref.emissionprob_ = pi, A, B
        X = obs[:, None]
        for name, run, method in (
            ("viterbi", run_viterbi, "decode"),
            ("forward_backward", run_forward_backward, "score_samples"),
        ):
            out.append(
                Workload(
                    f"hmm {name} {size}",
                    run,
                    f"hmmlearn {method} ({impl})",
                    lambda ref=ref, method=method, X=X: getattr(ref, method)(X),
                    goal=0.5,
                )
            )
    return out
