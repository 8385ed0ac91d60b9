"""Support vector machines: maximum margin and SMO (placeholder until its issue lands)."""

from prmlab.gui.panels.placeholder import PlaceholderPanel


class SvmPanel(PlaceholderPanel):
    name = "svm"
    title = "SVM"
