"""Cross-checks (issue #21): each topic's results on a State against a reference library.

>>> from prmlab.lab import crosscheck
>>> rows = crosscheck.cross_check(state)   # [Row(output, reference, difference, tolerance)]
>>> rows[0].text()
'SVC dual objective vs scikit-learn: 9e-16 ✓'

The references (scikit-learn, hmmlearn, filterpy, ArviZ) are the optional extra
``prmlab[references]``, imported only when a check runs: a missing one raises
``MissingReference``, whose message names the package to install. No Qt here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from prmlab.lab._state import LabState
from prmlab.lab.crosscheck._rows import INSTALL, MissingReference, Row, largest_difference

# topic -> the module whose cross_check(state) runs it
MODULES = {
    "svm": "prmlab.lab.crosscheck._svm",
    "pca": "prmlab.lab.crosscheck._pca",
    "gmm": "prmlab.lab.crosscheck._gmm",
    "hmm": "prmlab.lab.crosscheck._hmm",
    "track": "prmlab.lab.crosscheck._track",
    "mcmc": "prmlab.lab.crosscheck._mcmc",
    "linear": "prmlab.lab.crosscheck._linear",
    "inference": "prmlab.lab.crosscheck._inference",
}

__all__ = [
    "INSTALL",
    "MODULES",
    "MissingReference",
    "Row",
    "checker",
    "cross_check",
    "largest_difference",
]


def checker(topic: str) -> Callable[[LabState], list[Row]]:
    """The cross-check of ``topic`` (a State's ``TOPIC``); ValueError for a topic without one."""
    if topic not in MODULES:
        raise ValueError(
            f"cross_check: topic {topic!r} has no cross-check; topics with one: "
            f"{', '.join(MODULES)}"
        )
    return importlib.import_module(MODULES[topic]).cross_check


def cross_check(state: LabState) -> list[Row]:
    """Run the reference library on ``state`` and compare its outputs with prmlab's, one
    Row per output. MissingReference when the library is not installed."""
    return checker(state.TOPIC)(state)
