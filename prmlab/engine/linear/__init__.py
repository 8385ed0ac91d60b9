"""Linear models for regression and classification (issue #18), scikit-learn's API.

PRML chapters 3 and 4:

- :class:`LinearRegression` (§3.1.1), :class:`Ridge` (§3.1.4, MAP under a Gaussian prior),
  :class:`Lasso` and :func:`lasso_path` (§3.1.4, MAP under a Laplace prior);
- :class:`Perceptron` (§4.1.7), stepped by ``iter_fit``;
- :class:`LogisticRegression` (§4.3.2–4.3.4), binary and multinomial, Newton/IRLS;
- :class:`GaussianDiscriminant` (§4.2, LDA and QDA) and :class:`GaussianNB`.
"""

from __future__ import annotations

import numpy as np

from prmlab.engine.linear._common import ConvergenceWarning
from prmlab.engine.linear._generative import GaussianDiscriminant, GaussianNB
from prmlab.engine.linear._logistic import LogisticRegression, LogisticStep, SeparableWarning
from prmlab.engine.linear._perceptron import Perceptron, PerceptronStep
from prmlab.engine.linear._regression import Lasso, LinearRegression, Ridge, lasso_path

__all__ = [
    "ConvergenceWarning",
    "GaussianDiscriminant",
    "GaussianNB",
    "Lasso",
    "LinearRegression",
    "LogisticRegression",
    "LogisticStep",
    "Perceptron",
    "PerceptronStep",
    "Ridge",
    "SeparableWarning",
    "lasso_path",
    "warmup",
]


def warmup() -> None:
    """Compile (or load from the disk cache) every kernel on tiny data."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = np.arange(40) % 2
    lasso_path(X, X[:, 0], np.array([0.1, 0.01]))
    GaussianDiscriminant().fit(X, y).predict_proba(X)
    LogisticRegression().fit(X, y)
