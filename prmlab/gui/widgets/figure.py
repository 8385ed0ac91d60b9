"""The panels' figure: a pyqtgraph layout that shrinks as a whole rather than being cut off."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt


class Figure(pg.GraphicsLayoutWidget):
    """A ``GraphicsLayoutWidget`` whose plots always all show.

    pyqtgraph sizes the layout to the widget, but never below the layout's minimum (axis
    text, titles, legends), so in a small window (a 1024x768 projector) the right-hand plots
    were cut off. Below that minimum the whole figure is drawn scaled down to fit instead.
    The minimum grows when results arrive (longer tick labels, titles), so it is checked
    again before each paint.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scene = self.scene()
        send_hover_events = scene.sendHoverEvents

        def hover_unless_dragging(ev, exitOnly: bool = False) -> None:
            # Mid-drag no item may accept a hover, and finding the items near the cursor cost
            # ~5 ms a mouse move (a third of a drag's move); the release sends them anew.
            if exitOnly or not ev.buttons() or scene.dragItem is None:
                send_hover_events(ev, exitOnly)

        scene.sendHoverEvents = hover_unless_dragging

    def resizeEvent(self, ev) -> None:
        if not self.closed:
            self._fit(force=True)

    def paintEvent(self, ev) -> None:
        self._fit(force=False)
        super().paintEvent(ev)

    def _fit(self, force: bool) -> None:
        width, height = self.width(), self.height()
        least = self.centralWidget.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        scale = min(
            1.0,
            width / max(least.width(), 1.0),
            height / max(least.height(), 1.0),
        )
        wanted = QRectF(0, 0, width / scale, height / scale)
        if not force and wanted == self.range:
            return
        # at scale 1 pyqtgraph maps scene pixels to widget pixels itself (autoPixelRange)
        self.autoPixelRange = scale >= 1.0
        pg.GraphicsView.setRange(self, wanted, padding=0, disableAutoPixel=False)


def settle_ranges(*plots: pg.PlotItem) -> None:
    """Auto-range ``plots`` now, with their new data, rather than at their next paint.

    pyqtgraph auto-ranges lazily, just before painting, and a range that changes there
    repaints the plot once more, together with whatever else is due: plots drawn in
    separate turns (``BasePanel.draw_in_turns``) then repainted all at once.
    """
    for plot in plots:
        plot.getViewBox().updateAutoRange()
