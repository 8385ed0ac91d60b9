"""The results of each mode as table columns (File > Export results as CSV)."""

from __future__ import annotations

import numpy as np

from prmlab.lab.linear._experiment import Result
from prmlab.lab.linear._generative import MODELS, GenerativeResult
from prmlab.lab.linear._logistic import LogisticResult
from prmlab.lab.linear._perceptron import PerceptronResult
from prmlab.lab.linear._regression import RegressionResult


def result_columns(result: Result) -> dict[str, np.ndarray | list]:
    """The numbers ``result`` shows as named columns of equal length."""
    if isinstance(result, RegressionResult):
        d = len(result.coef_mle)
        prior = (
            "MAP ridge (Gaussian prior)"
            if result.penalty == "ridge"
            else "MAP lasso (Laplace prior)"
        )
        return {
            "term": ["intercept", *(f"z^{k}" for k in range(1, d + 1))],
            "MLE (least squares)": np.r_[result.intercept_mle, result.coef_mle],
            prior: np.r_[result.intercept_map, result.coef_map],
        }
    if isinstance(result, PerceptronResult):
        run, k = result.run, result.position
        return {
            "update": np.arange(k + 1),
            "point": np.r_[-1, run.index[:k]],
            "epoch": np.r_[0, run.epochs[:k]],
            "w1": run.coefs[: k + 1, 0],
            "w2": run.coefs[: k + 1, 1],
            "b": run.intercepts[: k + 1],
            "training errors": run.errors[: k + 1],
        }
    if isinstance(result, LogisticResult):
        run, k = result.run, result.position
        return {
            "Newton step": np.arange(k + 1),
            "w1": run.coefs[: k + 1, 0],
            "w2": run.coefs[: k + 1, 1],
            "b": run.intercepts[: k + 1],
            "log-likelihood": run.loglik[: k + 1],
        }
    assert isinstance(result, GenerativeResult)
    what = "test accuracy" if result.tested else "training accuracy"
    return {
        "model": list(MODELS),
        "training points": np.full(len(MODELS), result.n_train),
        what: result.accuracy,
    }
