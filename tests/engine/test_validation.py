"""The shared input checks: what they refuse and how each message names the parameter."""

import subprocess
import sys

import numpy as np
import pytest

import prmlab._checks
from prmlab.engine import _validation, gmm, hmm, mcmc, svm
from prmlab.engine._validation import check_array, check_squarable


def test_the_data_floor_imports_no_engine_module():
    # the data floor is below the engine: its checks come from prmlab._checks
    code = (
        "import sys, prmlab.data, prmlab.data.builtin\n"
        "print(sorted(m for m in sys.modules if m.startswith('prmlab.engine')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_engine_reuses_the_shared_scalar_checks_rather_than_copying_them():
    assert _validation.check_scalar is prmlab._checks.check_scalar
    assert _validation.check_option is prmlab._checks.check_option


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "X is None; pass an array"),
        ([[1.0, 2.0], [1.0]], "X must be a rectangular array, but its rows have different lengths"),
        (np.array([[1.0, 2.0 + 1e-9j]]), "X must hold real numbers, got complex ones"),
        (np.array([[1.0, 2.0j]], dtype=object), r"got complex ones \(e.g. 2j at index \(0, 1\)\)"),
        ([[1.0, "a"]], r"X must hold real numbers, got 'a' \(str\) at index \(0, 1\)"),
        ([[1.0, None]], r"X must hold real numbers, got None \(NoneType\) at index \(0, 1\)"),
        (
            np.zeros((60, 0)),
            r"X needs at least 1 column\(s\) \(features\), got 0 \(shape \(60, 0\)\)",
        ),
        (np.zeros((0, 3)), r"X needs at least 1 row\(s\), got 0"),
        (np.array([[1]], dtype="datetime64[s]"), "X must hold real numbers, got an array of dtype"),
    ],
)
def test_check_array_names_what_is_wrong(value, expected):
    with pytest.raises(ValueError, match=expected):
        check_array(value)


def test_complex_with_zero_imaginary_parts_is_refused_too():
    # NumPy would cast silently; a complex dtype says the caller did something unintended
    with pytest.raises(ValueError, match=r"complex ones \(e.g. \(1\+0j\) at index \(0,\)\)"):
        check_array(np.array([1.0 + 0j, 2.0]), ndim=1)


def test_numeric_text_and_booleans_still_convert():
    assert check_array([["1.5", "2"]]).tolist() == [[1.5, 2.0]]
    assert check_array([[True, False]]).tolist() == [[1.0, 0.0]]


def test_check_squarable_refuses_values_whose_squares_overflow():
    X = np.ones((50, 2))
    assert check_squarable(X) is X
    with pytest.raises(ValueError, match=r"X has values too large to square without overflow"):
        check_squarable(X * 1e300)
    with pytest.raises(ValueError, match=r"max \|x\| = 1e\+153, at most 2\.12e\+152 for 1000"):
        check_squarable(np.full((500, 2), -1e153))


@pytest.mark.parametrize(
    ("value", "integer", "expected"),
    [
        (2.0, True, r"k must be an integer, got 2.0; pass the int 2"),
        (np.float64(3.0), True, r"k must be an integer, got 3.0; pass the int 3"),
        (2.5, True, r"k must be an integer, got 2.5$"),
        (10**400, True, r"k must be an integer within \+-\(2\*\*63 - 1\), got one of 401 digits"),
        (10**400, False, r"k must be a finite number, got an integer of 401 digits, beyond"),
        (1 + 2j, False, r"k must be a real number, got complex \(1\+2j\)"),
    ],
)
def test_check_scalar_refuses_what_would_break_later(value, integer, expected):
    # a float count passed the check but broke range() later (TypeError); a huge int raised
    # OverflowError from float()
    with pytest.raises(ValueError, match=expected):
        _validation.check_scalar(value, "k", integer=integer)


@pytest.mark.parametrize(
    "call",
    [
        lambda: gmm.GaussianMixture(np.float64(2.0)).fit(np.eye(3)),
        lambda: gmm.KMeans(2, n_init=10**400).fit(np.eye(3)),
        lambda: gmm.kmeans_plusplus(np.eye(3), "two"),
        lambda: gmm.KMeans(2, init=10**400).fit(np.eye(3)),
        lambda: svm.SVC(kernel="poly", degree=10**400).fit(np.eye(3), [0, 1, 1]),
        lambda: hmm.GaussianHMM(10**400).fit(np.eye(3)),
        lambda: mcmc.targets.expression("-x*x", bounds=0),
    ],
)
def test_hostile_parameters_are_value_errors(call):
    with pytest.raises(ValueError):
        call()
