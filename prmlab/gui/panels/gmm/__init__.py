"""The EM/GMM panel: controls, views and the wiring through prmlab.lab.gmm."""

from prmlab.gui.panels.gmm.panel import GmmPanel

__all__ = ["GmmPanel"]
