"""Date and year columns are told apart from measurements by their finite values only: the
quick range check that spares big measurement columns a copy gives the same answers."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.data.csv._roles import _is_years, _is_yyyymmdd

nan, inf = np.nan, np.inf


@pytest.mark.parametrize(
    ("values", "years", "dates"),
    [
        ([1990.0, 2001.0, nan], True, False),
        ([1990.0, 2001.0, inf], True, False),  # infinities are not looked at
        ([-inf, 1990.0, 2001.0], True, False),
        ([1990.0, 2001.5], False, False),
        ([1990.0, 2500.0], False, False),
        ([-0.3, 1.2, nan], False, False),
        ([20240131.0, 19991231.0, -inf, nan], False, True),
        ([20241331.0], False, False),  # month 13
        ([nan, nan], False, False),
        ([], False, False),
    ],
)
def test_years_and_dates_are_judged_on_the_finite_values(values, years, dates):
    v = np.array(values, dtype=float)
    assert _is_years(v) is years
    assert _is_yyyymmdd(v) is dates
