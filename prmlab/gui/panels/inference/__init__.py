"""The inference panel: controls, each mode's views, and the panel wiring them through
``prmlab.lab.inference``."""

from prmlab.gui.panels.inference.panel import InferencePanel

__all__ = ["InferencePanel"]
