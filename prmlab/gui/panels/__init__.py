"""The six topic panels, by name; each module holds one class."""

from __future__ import annotations

import importlib

from prmlab.gui.panels.base import BasePanel

# name -> (module, class); the order is the order of the tabs
PANELS: dict[str, tuple[str, str]] = {
    "svm": ("prmlab.gui.panels.svm", "SvmPanel"),
    "pca": ("prmlab.gui.panels.pca", "PcaPanel"),
    "gmm": ("prmlab.gui.panels.gmm", "GmmPanel"),
    "hmm": ("prmlab.gui.panels.hmm", "HmmPanel"),
    "track": ("prmlab.gui.panels.track", "TrackPanel"),
    "mcmc": ("prmlab.gui.panels.mcmc", "McmcPanel"),
}
PANEL_NAMES = tuple(PANELS)


def panel_class(name: str) -> type[BasePanel]:
    """The panel class registered under ``name`` ("svm", "pca", ...)."""
    module, cls = PANELS[name]
    return getattr(importlib.import_module(module), cls)
