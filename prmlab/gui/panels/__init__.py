"""The six topic panels, by name; each module holds one class, imported when first built.

The registry holds each panel's tab title too, so the main window can show all six tabs
without importing a panel (and the engine, SciPy and Numba behind it) before it is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from prmlab.gui.panels.base import BasePanel


class PanelEntry(NamedTuple):
    module: str
    cls: str
    title: str  # the tab text; equal to the class's ``title`` (a test checks)
    topics: tuple[str, ...]  # the engine topics whose kernels it runs (warmed up first)


# name -> entry; the order is the order of the tabs
PANELS: dict[str, PanelEntry] = {
    "svm": PanelEntry("prmlab.gui.panels.svm", "SvmPanel", "SVM", ("svm",)),
    "pca": PanelEntry("prmlab.gui.panels.pca", "PcaPanel", "PCA", ("pca",)),
    "gmm": PanelEntry("prmlab.gui.panels.gmm", "GmmPanel", "EM/GMM", ("gmm",)),
    "hmm": PanelEntry("prmlab.gui.panels.hmm", "HmmPanel", "HMM", ("hmm",)),
    "track": PanelEntry(
        "prmlab.gui.panels.track", "TrackPanel", "Tracking", ("kalman", "particle")
    ),
    "mcmc": PanelEntry("prmlab.gui.panels.mcmc", "McmcPanel", "MCMC", ("mcmc",)),
    "linear": PanelEntry("prmlab.gui.panels.linear", "LinearPanel", "Linear models", ("linear",)),
    "inference": PanelEntry("prmlab.gui.panels.inference", "InferencePanel", "Inference", ("pgm",)),
}
PANEL_NAMES = tuple(PANELS)


def panel_class(name: str) -> type[BasePanel]:
    """The panel class registered under ``name`` ("svm", "pca", ...); imports its module."""
    entry = PANELS[name]
    return getattr(importlib.import_module(entry.module), entry.cls)
