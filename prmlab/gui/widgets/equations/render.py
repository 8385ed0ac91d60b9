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


class _Advances(dict):
    """Each character's advance in one font, measured once (a number's width without
    shaping it)."""

    def __init__(self, metrics: QFontMetricsF) -> None:
        super().__init__()
        self.metrics = metrics

    def __missing__(self, char: str) -> float:
        self[char] = advance = self.metrics.horizontalAdvance(char)
        return advance


@functools.cache
def _font(pixel_size: int) -> tuple[QFont, _Advances]:
    """The math font at ``pixel_size`` and its character advances."""
    font = QFont(math_family())
    font.setPixelSize(pixel_size)
    return font, _Advances(QFontMetricsF(font))


class Typeset:
    """One laid-out equation ready to paint: ``size()`` in SVG units (≈ pixels)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        x, y, w, h = layout.viewbox
        self.picture = QPicture()
        painter = QPainter(self.picture)
        QSvgRenderer(QByteArray(layout.svg.encode())).render(painter, QRectF(0, 0, w, h))
        painter.end()
        # per slot, once: the font whose digits fill the box, its metrics, the box's centre
        # on the baseline and its width
        ratio = _digit_height_per_pixel()
        self._slots = []
        for name, (x0, y0, x1, y1) in layout.boxes.items():
            font, advances = _font(max(1, round((y1 - y0) / ratio)))
            anchor = QPointF((x0 + x1) / 2 - x, y1 - y)
            self._slots.append((name, font, advances, anchor, x1 - x0))

    def size(self) -> tuple[float, float]:
        return self.layout.viewbox[2], self.layout.viewbox[3]

    def paint(
        self,
        painter: QPainter,
        origin: QPointF,
        texts: Mapping[str, str],
        color: QColor,
        scale: float = 1.0,
    ) -> None:
        """Draw at ``origin`` (top left) with ``texts`` (slot name -> number text) in their
        boxes, the numbers in ``color`` (the pane is a whiteboard in both themes: ziamath's
        glyphs are black), ``scale`` times ``size()``: the picture and the numbers' fonts
        scale together, so the numbers stay in their boxes without laying out again."""
        painter.save()
        painter.translate(origin)
        painter.scale(scale, scale)
        painter.drawPicture(0, 0, self.picture)
        painter.setPen(color)
        current = None
        for name, font, advances, anchor, box_width in self._slots:
            text = texts.get(name, "")
            if not text:
                continue
            if font is not current:  # most slots share one size
                painter.setFont(font)
                current = font
            width = sum(advances[c] for c in text)
            if width <= box_width:
                painter.drawText(anchor + QPointF(-width / 2, 0), text)
            else:  # squeezed sideways into its box
                painter.save()
                painter.translate(anchor)
                painter.scale(box_width / width, 1.0)
                painter.drawText(QPointF(-width / 2, 0), text)
                painter.restore()
        painter.restore()
