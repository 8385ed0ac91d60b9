"""Cross-checks (issue #21): every topic's demo State against its reference library, the
rows' verdicts, a missing library named with the package to install, and the States that
have no reference said in words."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from prmlab.lab import crosscheck, gmm, hmm, inference, linear, mcmc, pca, svm, track
from prmlab.lab.crosscheck import MissingReference, Row

DEMOS = {
    "svm": lambda: svm.demo(),
    "pca": lambda: pca.preset("Two clusters"),
    "pca-table": lambda: pca.preset("Iris (4 columns)"),
    "gmm": lambda: gmm.preset("Old Faithful"),
    "k-means": lambda: gmm.preset("Blobs (3)").replace(method="kmeans", k=3),
    "hmm": lambda: hmm.preset(hmm.PRESETS[0], length=120),
    "track": lambda: track.demo(n_steps=60),
    "mcmc": lambda: mcmc.preset("Banana").replace(burn_in=20),
    "linear-regression": lambda: linear.demo("regression"),
    "linear-lasso": lambda: linear.demo("regression").replace(penalty="lasso", degree=3),
    "linear-logistic": lambda: linear.demo("logistic").replace(C=1.0),
    "linear-generative": lambda: linear.demo("generative"),
    "inference-tree": lambda: inference.graph_state(inference.demo("graph"), "Tree", 0),
    "inference-bayes": lambda: inference.demo("bayes"),
}
# what each check must compare, at least (a row left out would pass unseen)
EXPECTED = {
    "svm": ("SVC dual objective", "SVC decision values"),
    "pca": ("PCA explained variance", "p-PCA covariance (closed form)", "Fisher direction"),
    "pca-table": ("PCA components", "Fisher direction"),
    "gmm": ("GMM means μ", "GMM covariances Σ", "GMM mean log-likelihood"),
    "k-means": ("k-means centres", "k-means inertia J"),
    "hmm": ("forward-backward log p(O | λ)", "posteriors γ", "Viterbi log-probability",
            "Baum-Welch step: A"),
    "track": ("Kalman filtered means", "RTS smoothed covariances"),
    "mcmc": ("bulk ESS", "R̂"),
    "linear-regression": ("least-squares weights", "ridge"),
    "linear-lasso": ("lasso",),
    "linear-logistic": ("logistic p(y = 1 | x)", "logistic weights"),
    "linear-generative": ("GDA, shared Σ", "GDA, separate Σ", "Naive Bayes"),
    "inference-tree": ("BP marginals",),
    "inference-bayes": ("d-separation",),
}  # fmt: skip


@pytest.mark.parametrize("name", list(DEMOS))
def test_each_topic_agrees_with_its_reference_on_its_demo(name):
    rows = crosscheck.cross_check(DEMOS[name]())
    failed = [row.text() for row in rows if not row.passed]
    assert not failed, failed
    outputs = " | ".join(row.output for row in rows)
    for expected in EXPECTED[name]:
        assert expected in outputs, (expected, outputs)
    assert all(row.tolerance is not None and row.verdict == "✓" for row in rows)


def test_a_wrong_result_fails_its_row():
    wrong = Row("SVC dual objective", "scikit-learn", 3e-3, 1e-6)
    assert not wrong.passed
    assert wrong.text() == "SVC dual objective vs scikit-learn: 0.003 ✗"
    assert Row("SVC dual objective", "scikit-learn", 3e-9, 1e-6).text() == (
        "SVC dual objective vs scikit-learn: 3e-09 ✓"
    )
    assert crosscheck.largest_difference([1.0, np.nan], [1.0, np.nan]) == 0.0
    assert crosscheck.largest_difference([1.0, np.inf], [1.0, 2.0]) == math.inf
    assert crosscheck.largest_difference([1.0, np.nan], [1.0, 2.0]) == math.inf
    assert crosscheck.largest_difference([1.0], [1.0, 2.0]) == math.inf


@pytest.mark.parametrize(
    ("module", "package", "state"),
    [
        ("sklearn.svm", "scikit-learn", lambda: svm.demo()),
        ("hmmlearn.hmm", "hmmlearn", lambda: hmm.preset(hmm.PRESETS[0], length=50)),
        ("filterpy.kalman", "filterpy", lambda: track.demo(n_steps=20)),
        ("arviz", "arviz", lambda: mcmc.preset("Banana")),
        ("networkx", "networkx", lambda: inference.demo("bayes")),
    ],
)
def test_a_missing_reference_names_the_package_to_install(monkeypatch, module, package, state):
    monkeypatch.setitem(sys.modules, module, None)  # import module now raises ImportError
    with pytest.raises(MissingReference) as caught:
        crosscheck.cross_check(state())
    assert caught.value.package == package
    assert "pip install prmlab[references]" in str(caught.value)
    assert f"pip install {package}" in str(caught.value)


def test_loopy_bp_is_reported_without_a_bound():
    state = inference.graph_state(inference.demo("graph"), "Single loop", 0)
    (row,) = crosscheck.cross_check(state)
    assert row.tolerance is None and row.passed and row.verdict == "(no bound)"
    assert "loopy graph" in row.output and row.difference > 0


def test_states_without_a_reference_say_why():
    with pytest.raises(ValueError, match="perceptron's updates follow its own shuffled order"):
        crosscheck.cross_check(linear.demo("perceptron"))
    with pytest.raises(ValueError, match="denoise mode has no reference library"):
        crosscheck.cross_check(inference.demo("denoise"))
    with pytest.raises(ValueError, match="topic 'nope' has no cross-check; topics with one: svm"):
        crosscheck.checker("nope")
