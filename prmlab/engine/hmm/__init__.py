"""Hidden Markov models, all in log space at the interface (PRML §13.2).

Functional core: ``viterbi``, ``viterbi_lattice`` (δ and ψ for every t),
``forward_backward``, ``posteriors``, ``transition_posteriors``, ``check_model``.
Models with Baum-Welch: ``CategoricalHMM``, ``GaussianHMM`` (``fit``, ``iter_fit``,
``decode``, ``predict``, ``score``, ``predict_proba``, ``sample``).
"""

from prmlab.engine.hmm._core import (
    ImpossibleSequenceWarning,
    check_model,
    forward_backward,
    posteriors,
    transition_posteriors,
    viterbi,
    viterbi_lattice,
    warmup,
)
from prmlab.engine.hmm._models import BaumWelchStep, CategoricalHMM, GaussianHMM

__all__ = [
    "BaumWelchStep",
    "CategoricalHMM",
    "GaussianHMM",
    "ImpossibleSequenceWarning",
    "check_model",
    "forward_backward",
    "posteriors",
    "transition_posteriors",
    "viterbi",
    "viterbi_lattice",
    "warmup",
]
