"""The PCA panel (package: controls, views, panel)."""

from prmlab.gui.panels.pca.panel import PcaPanel

__all__ = ["PcaPanel"]
