"""Typed expressions: bounded size and compile cost, look-alike characters, NaN named as NaN.

Every refusal here happens before Numba is asked to compile anything (``numba.njit`` is
replaced by a function that fails the test).
"""

from __future__ import annotations

import numba
import pytest

from prmlab.engine import mcmc
from prmlab.engine.mcmc import expression, targets

# The probe's case: `max` of 285 arguments in 596 characters compiled for 28 s.
MAX_285 = "max(" + ",".join(["-x"] * 22 + ["x"] * 263) + ")"


@pytest.fixture
def no_compile(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("compiled a refused expression")

    monkeypatch.setattr(numba, "njit", refuse)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MAX_285, r"column 1: max\(\) takes 2 to 8 arguments, got 285"),
        ("min(" + ", ".join(["y"] * 9) + ")", r"min\(\) takes 2 to 8 arguments, got 9"),
        ("-(" * 150 + "x" + ")" * 150, r"nested too deeply \(152 levels, at most 64"),
        # 99 nested branches: generated code indented 100 levels, an IndentationError before
        ("(x if x else " * 99 + "y" + ")" * 99, r"nested too deeply \(\d+ levels, at most 64"),
        ("-" * 1999 + "x", r"too large \(4001 syntax nodes, at most 600\)"),
        ("x" * 2001, r"too long \(2001 characters, at most 2000\)"),
        (" + ".join(f"abs(x - {i})" for i in range(40)), r"too complex to compile quickly: cost"),
        (" + ".join(f"{i}*x*y" for i in range(40)), r"too complex to compile quickly: cost"),
    ],
)
def test_size_and_complexity_are_bounded_with_the_limit_and_the_value(text, expected, no_compile):
    assert len(MAX_285) == 596
    with pytest.raises(ValueError, match=expected):
        targets.expression(text)


@pytest.mark.parametrize(
    "text",
    [
        "-x**2/2 - (y - x**2)**2/2",
        "log(0.3*exp(-((x-2)**2 + (y-2)**2)/0.5) + 0.3*exp(-((x+2)**2 + (y+2)**2)/0.5)"
        " + 0.4*exp(-((x-2)**2 + (y+2)**2)/0.5))",
        "max(-x*x, -y*y, -(x-1)**2, -(y-1)**2, -(x+1)**2, -(y+1)**2, -(x-y)**2, -(x+y)**2)",
        "(" * 100 + "x" + ")" * 100 + " - y*y",  # parentheses alone nest nothing
    ],
)
def test_realistic_expressions_stay_within_the_limits(text):
    expression.parse(text)  # checks everything, compiles nothing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ｘ*ｘ",
            r"column 1: 'ｘ' \(U\+FF58 FULLWIDTH LATIN SMALL LETTER X\) is not the variable x",
        ),
        ("-𝐱**2", r"column 2: '𝐱' \(U\+1D431 MATHEMATICAL BOLD SMALL X\) is not the variable x"),
        ("ｅｘｐ(x)", r"'ｅ' \(U\+FF45 FULLWIDTH LATIN SMALL LETTER E\) is not 'e'"),
        (
            "-х**2",
            r"column 2: unknown name 'х' \(U\+0445 CYRILLIC SMALL LETTER HA\): did you mean x\?",
        ),
        ("-y*у", r"unknown name 'у' \(U\+0443 CYRILLIC SMALL LETTER U\): did you mean y\?"),
        ("ехр(x)", r"'ехр' \('е' \(U\+0435 .*\), 'х' \(U\+0445 .*\), 'р' \(U\+0440 .*\)\)"),
        ("-x − y", r"invalid character '−' \(U\+2212\)"),
    ],
)
def test_look_alike_characters_are_named_by_code_point(text, expected, no_compile):
    # Python folds ｘ and 𝐱 into x (NFKC) and would silently accept them
    with pytest.raises(ValueError, match=expected):
        targets.expression(text)


def test_a_density_undefined_everywhere_is_called_nan_not_minus_inf():
    t = targets.expression("log(-1 - x*x)")
    for call in (t.density, lambda: mcmc.sample(t, "mh", 5, n_chains=1, seed=0)):
        with pytest.raises(
            ValueError, match=r"is NaN everywhere \(undefined, e.g. the log"
        ) as info:
            call()
        assert "-inf" not in str(info.value)
    disc = targets.expression("0 if x*x + y*y < 1 else -inf", bounds=(2.0, 3.0, 2.0, 3.0))
    with pytest.raises(ValueError, match=r"is -inf everywhere \(zero density\) in the box"):
        disc.density()
