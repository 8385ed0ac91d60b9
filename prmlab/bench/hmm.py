"""Benchmark workloads of the hmm topic: Viterbi and forward-backward against hmmlearn.

Both sides get the same categorical model and symbols and produce the same outputs from them
inside the timed call: Viterbi's path and its log-probability (``decode``), and for
forward-backward log p(O) with the posteriors γ (T, N) (``score_samples``), each side's
emission table included. hmmlearn is timed with each of its implementations ("log" and
"scaling"): the goal holds against the faster one when it holds against both.
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
    ours = hmm.CategoricalHMM(n_states, n_symbols)
    ours.startprob_, ours.transmat_, ours.emissionprob_ = pi, A, B

    size = f"T={T:,}, N={n_states}"
    try:
        from hmmlearn.hmm import CategoricalHMM
    except ImportError:
        return [
            Workload(f"hmm viterbi {size}", lambda: ours.decode(obs)),
            Workload(f"hmm forward_backward+posteriors {size}", lambda: ours.score_samples(obs)),
        ]

    out = []
    for impl in ("log", "scaling"):
        ref = CategoricalHMM(n_states, implementation=impl, n_features=n_symbols)
        ref.startprob_, ref.transmat_, ref.emissionprob_ = pi, A, B
        X = obs[:, None]
        for name, method in (
            ("viterbi", "decode"),
            ("forward_backward+posteriors", "score_samples"),
        ):
            out.append(
                Workload(
                    f"hmm {name} {size}",
                    lambda method=method: getattr(ours, method)(obs),
                    f"hmmlearn {method} ({impl})",
                    lambda ref=ref, method=method, X=X: getattr(ref, method)(X),
                    goal=0.5,
                )
            )
    return out
