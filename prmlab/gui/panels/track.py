"""Kalman filter, RTS smoother and particle filter (placeholder until its issue lands)."""

from prmlab.gui.panels.placeholder import PlaceholderPanel


class TrackPanel(PlaceholderPanel):
    name = "track"
    title = "Tracking"
