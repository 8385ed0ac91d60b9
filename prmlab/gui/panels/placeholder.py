"""A slot for a panel whose issue is not done yet."""

from __future__ import annotations

from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets.text import TextItem


class PlaceholderPanel(BasePanel):
    """Shows what the panel will teach; used until the topic's own panel lands."""

    def build(self) -> None:
        plot = self.figure.addPlot(title=self.title)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        text = TextItem(f"The {self.title} panel is coming soon.", anchor=(0.5, 0.5))
        plot.addItem(text)
        plot.setRange(xRange=(-1, 1), yRange=(-1, 1))
