"""Numbers as a class reads them: zero has no sign, counts agree with their nouns."""

from __future__ import annotations

import pytest

from prmlab.gui.widgets.numbers import plural, shown


@pytest.mark.parametrize(
    "x, spec, text",
    [
        (-0.0, ".4g", "0"),
        (-1e-9, ".3f", "0.000"),
        (-0.0, ".2e", "0.00e+00"),
        (-1e-9, ".4g", "-1e-09"),
    ],
)
def test_zero_is_shown_without_a_sign_other_numbers_keep_theirs(x, spec, text):
    assert shown(x, spec) == text
    assert shown(-0.5, ".3f") == "-0.500" and shown(-100, ".0f") == "-100"


def test_plural_agrees_with_the_count():
    assert plural(1, "run") == "1 run" and plural(3, "run") == "3 runs"
    assert plural(2, "restart") == "2 restarts" and plural(1_000, "chain") == "1,000 chains"
    assert plural(2, "analysis", "analyses") == "2 analyses"
