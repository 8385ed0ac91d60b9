"""The linear-models panel: controls, the data view and the side plots, and the panel
wiring them through ``prmlab.lab.linear``."""

from prmlab.gui.panels.linear.panel import LinearPanel

__all__ = ["LinearPanel"]
