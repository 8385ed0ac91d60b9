"""The tracking panel: controls, views (track, ESS, consistency, RMSE) and the panel wiring
them through ``prmlab.lab.track``."""

from prmlab.gui.panels.track.panel import TrackPanel

__all__ = ["TrackPanel"]
