"""Painting a typeset equation (``layout.Layout``) with its live numbers, on the GUI thread.

The SVG of a layout becomes a QPicture once (``Typeset``); a repaint replays it and draws
each number as text in its slot's box, in ziamath's own STIX Two Math font, centred and
squeezed sideways if it is wider than the box.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

from PySide6.QtCore import QByteArray, QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QPainter, QPicture
from PySide6.QtSvg import QSvgRenderer

from prmlab.gui.widgets.equations.layout import Layout


@functools.cache
def math_family() -> str:
    """The font family of ziamath's STIX Two Math, registered with Qt once (the app's
    default family if it cannot be)."""
    import importlib.util

    spec = importlib.util.find_spec("ziamath")
    if spec is not None and spec.origin:
        path = os.path.join(os.path.dirname(spec.origin), "fonts", "STIXTwoMath-Regular.ttf")
        families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(path))
        if families:
            return families[0]
    return QFont().family()


@functools.cache
def _digit_height_per_pixel() -> float:
    """The height of a digit "0" per pixel of font size, in the math font."""
    font = QFont(math_family())
    font.setPixelSize(100)
    return QFontMetricsF(font).tightBoundingRect("0").height() / 100.0


class Typeset:
    """One laid-out equation ready to paint: ``size()`` in SVG units (≈ pixels)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        x, y, w, h = layout.viewbox
        self.picture = QPicture()
        painter = QPainter(self.picture)
        QSvgRenderer(QByteArray(layout.svg.encode())).render(painter, QRectF(0, 0, w, h))
        painter.end()

    def size(self) -> tuple[float, float]:
        return self.layout.viewbox[2], self.layout.viewbox[3]

    def paint(
        self, painter: QPainter, origin: QPointF, texts: Mapping[str, str], color: QColor
    ) -> None:
        """Draw at ``origin`` (top left) with ``texts`` (slot name -> number text) in their
        boxes, the numbers in ``color`` (the pane is a whiteboard in both themes: ziamath's
        glyphs are black)."""
        painter.save()
        painter.translate(origin)
        painter.drawPicture(0, 0, self.picture)
        vx, vy = self.layout.viewbox[:2]
        painter.setPen(color)
        font = QFont(math_family())
        ratio = _digit_height_per_pixel()
        for name, (x0, y0, x1, y1) in self.layout.boxes.items():
            text = texts.get(name, "")
            if not text:
                continue
            font.setPixelSize(max(1, round((y1 - y0) / ratio)))
            painter.setFont(font)
            width = QFontMetricsF(font).horizontalAdvance(text)
            squeeze = min(1.0, (x1 - x0) / width) if width else 1.0
            painter.save()
            painter.translate((x0 + x1) / 2 - vx, y1 - vy)
            painter.scale(squeeze, 1.0)
            painter.drawText(QPointF(-width / 2, 0), text)
            painter.restore()
        painter.restore()
