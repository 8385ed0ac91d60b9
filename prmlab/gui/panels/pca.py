"""Principal components, probabilistic PCA and Fisher's direction (placeholder until its issue lands)."""

from prmlab.gui.panels.placeholder import PlaceholderPanel


class PcaPanel(PlaceholderPanel):
    name = "pca"
    title = "PCA"
