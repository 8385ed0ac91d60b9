"""SVM: the engine's SVC against scikit-learn's (libsvm) on the State's points and kernel."""

from __future__ import annotations

import numpy as np

from prmlab.lab import svm
from prmlab.lab.crosscheck._rows import Row, reference, row

SKLEARN = "scikit-learn"
TOL = 1e-8  # both solvers stop this close to the optimum, so differences are the solvers'
HARD_C = 1e8  # libsvm has no C = ∞: a C this large keeps every α below it on separable data


def cross_check(state: svm.State) -> list[Row]:
    """SVC's dual objective, decision values and intercept against scikit-learn's SVC."""
    sk_svm = reference("sklearn.svm", SKLEARN)
    pairwise = reference("sklearn.metrics.pairwise", SKLEARN)
    svm.check(state)
    X, y = state.X, np.where(state.labels == svm.POS, 1, -1)
    params = {"gamma": state.gamma, "degree": state.degree, "coef0": state.coef0}
    ours = state.svc()
    ours.tol = TOL
    ours.fit(X, y)
    theirs = sk_svm.SVC(C=min(state.C, HARD_C), kernel=state.kernel, tol=TOL, **params)
    theirs.fit(X, y)
    # scikit-learn keeps y_i α_i of its support vectors: W(α) = Σα − ½ (yα)ᵀ K (yα)
    ya = theirs.dual_coef_[0]
    # (filter_params: each kernel takes only its own of γ, degree and coef0)
    K = pairwise.pairwise_kernels(
        X[theirs.support_], metric=state.kernel, filter_params=True, **params
    )
    objective = np.abs(ya).sum() - 0.5 * ya @ K @ ya
    scale = max(1.0, abs(objective))
    return [
        row("SVC dual objective", SKLEARN, ours.dual_objective_, objective, 1e-6 * scale),
        row("SVC decision values", SKLEARN, ours.decision_function(X),
            theirs.decision_function(X), 1e-4),
        row("SVC intercept b", SKLEARN, ours.intercept_, theirs.intercept_, 1e-4),
    ]  # fmt: skip
