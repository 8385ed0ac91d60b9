"""k-means and Gaussian mixtures by EM (placeholder until its issue lands)."""

from prmlab.gui.panels.placeholder import PlaceholderPanel


class GmmPanel(PlaceholderPanel):
    name = "gmm"
    title = "EM/GMM"
