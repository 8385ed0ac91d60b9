"""The SVM panel: controls, views (the decision map, the dual objective) and the panel
wiring them through ``prmlab.lab.svm``."""

from prmlab.gui.panels.svm.panel import SvmPanel

__all__ = ["SvmPanel"]
