"""Many same-sized round dots of one colour (a particle cloud), drawn as one stamped pixmap.

A curve of zero-length round-capped segments, or a ``ScatterPlotItem``, drew the 2,000 dots
of the Tracking demo in 5-13 ms a class (Qt strokes each cap; the scatter also spends ~2 ms
per update on its per-spot records); stamping one antialiased disc per dot took ~1 ms, which
is what a playing or recorded Tracking demo paints at every step.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap


class DotCloud(pg.GraphicsObject):
    """Dots of ``size`` pixels across in ``color`` (its alpha too) at data points; the dots
    keep their pixel size whatever the zoom. Exported (SVG, images), each is a vector disc."""

    def __init__(self, size: float, color: QColor) -> None:
        super().__init__()
        self.size = float(size)
        self.color = QColor(color)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._bounds: tuple[float, float, float, float] | None = None
        self._stamps: dict[float, QPixmap] = {}  # by device pixel ratio

    def setData(self, x, y) -> None:  # noqa: N802 (pyqtgraph's name)
        """The dots' centres ``x``, ``y`` (equal lengths; non-finite ones are not drawn)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        keep = np.isfinite(x) & np.isfinite(y)
        self._x, self._y = x[keep], y[keep]
        self.prepareGeometryChange()
        self._bounds = (
            (self._x.min(), self._y.min(), self._x.max(), self._y.max()) if len(self._x) else None
        )
        self.informViewBoundsChanged()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802
        return self._x, self._y

    # -- bounds, for the view's auto-range and Qt's repaints ---------------------------------
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: N802
        if self._bounds is None:
            return None, None
        return self._bounds[ax], self._bounds[ax + 2]

    def pixelPadding(self) -> float:  # noqa: N802
        return self.size / 2 + 1

    def boundingRect(self) -> QRectF:  # noqa: N802
        if self._bounds is None:
            return QRectF()
        x0, y0, x1, y1 = self._bounds
        pad = self.pixelPadding()
        dx, dy = abs(self.pixelWidth()) * pad, abs(self.pixelHeight()) * pad
        return QRectF(x0 - dx, y0 - dy, x1 - x0 + 2 * dx, y1 - y0 + 2 * dy)

    def viewTransformChanged(self) -> None:  # noqa: N802
        self.prepareGeometryChange()  # the padding, in data units, follows the zoom

    # -- drawing ------------------------------------------------------------------------------
    def _stamp(self, ratio: float) -> QPixmap:
        stamp = self._stamps.get(ratio)
        if stamp is None:
            side = int(np.ceil((self.size + 2) * ratio))
            stamp = QPixmap(side, side)
            stamp.fill(Qt.GlobalColor.transparent)
            painter = QPainter(stamp)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.color)
            margin = (side - self.size * ratio) / 2
            painter.drawEllipse(QRectF(margin, margin, self.size * ratio, self.size * ratio))
            painter.end()
            stamp.setDevicePixelRatio(ratio)
            self._stamps[ratio] = stamp
        return stamp

    def paint(self, painter: QPainter, *args) -> None:
        if not len(self._x):
            return
        # the dots' centres in the painter's own pixels (screen, a kept frame, an export)
        centres = fn.transformCoordinates(painter.transform(), np.vstack([self._x, self._y]))
        centres = np.clip(centres, -(2**30), 2**30).T  # far outside: Qt's coordinates overflow
        painter.resetTransform()
        if self._exportOpts:  # vector discs, at the export's resolution
            radius = self.size / 2 * self._exportOpts.get("resolutionScale", 1.0)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.color)
            for x, y in centres.tolist():
                painter.drawEllipse(QPointF(x, y), radius, radius)
            return
        stamp = self._stamp(painter.device().devicePixelRatioF())
        half = stamp.width() / stamp.devicePixelRatio() / 2
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        for x, y in np.rint(centres - half).astype(int).tolist():
            painter.drawPixmap(x, y, stamp)
