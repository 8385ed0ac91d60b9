"""The whiteboard's paper: a board's blocks painted left to right, wrapping at the width,
the equations' cached layouts painted with this step's numbers in their boxes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QWidget

from prmlab.gui.theme import DEFAULT_POINT_SIZE
from prmlab.gui.widgets.equations import layout as lay
from prmlab.lab.whiteboard import Board, Bound, Equation

if TYPE_CHECKING:
    from prmlab.gui.widgets.equations.render import Typeset

GAP = 18.0  # pixels between blocks
INK = QColor(20, 20, 20)
NUMBER_INK = QColor(0, 90, 160)  # live numbers stand out from the symbols
PAPER = QColor(255, 255, 255)
CAPTION_INK = QColor(90, 90, 90)
LOWER_FILL = QColor(0, 114, 178, 170)  # the bound's filled part (Okabe-Ito blue)
GAP_FILL = QColor(230, 159, 0, 150)  # the gap (orange)
BAR_CHARS = 50  # a bound's bar is as wide as this many caption characters
PENDING_SIZE = (60.0, 20.0)  # "typesetting…" where a layout is not ready yet


def number_texts(eq: Equation) -> dict[str, str]:
    """Each slot cell's number as text."""
    texts = {}
    for name, value in eq.values.items():
        array = np.asarray(value, dtype=np.float64)
        rows = lay.slot_names(name, array.shape)
        flat = array.reshape(-1) if array.shape else array.reshape(1)
        for cell, v in zip((c for row in rows for c in row), flat, strict=True):
            texts[cell] = lay.fit_number(v)
    return texts


def paint_bound(painter: QPainter, rect: QRectF, bound: Bound, font: QFont) -> None:
    """The bound as a bar in ``rect``: ``lower`` filled, the gap to ``total`` in another
    colour, a tick at ``before``; values under it."""
    values = [bound.lower, bound.total] + ([bound.before] if bound.before is not None else [])
    lo, hi = min(values), max(values)
    span = (hi - lo) or max(abs(hi), 1.0) * 1e-3
    lo -= 0.6 * span  # the filled part starts left of every value: it has a visible length
    hi += 0.1 * span

    def x_of(v: float) -> float:
        return rect.left() + (v - lo) / (hi - lo) * rect.width()

    metrics = QFontMetricsF(font)
    top, height = rect.top() + 4, metrics.height()  # the bar grows with the captions
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(LOWER_FILL)
    painter.drawRect(QRectF(rect.left(), top, x_of(bound.lower) - rect.left(), height))
    painter.setBrush(GAP_FILL)
    painter.drawRect(QRectF(x_of(bound.lower), top, x_of(bound.total) - x_of(bound.lower), height))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(INK, 1.5))
    painter.drawLine(
        QPointF(x_of(bound.total), top - 3), QPointF(x_of(bound.total), top + height + 3)
    )
    painter.setFont(font)
    line = top + height + metrics.ascent() + 2
    texts = [f"{bound.lower_label} = {lay.fit_number(bound.lower)}",
             f"{bound.gap_label} = {lay.fit_number(bound.total - bound.lower)}"]  # fmt: skip
    if bound.before is not None:
        painter.setPen(QPen(INK, 1.0, Qt.PenStyle.DashLine))
        x = x_of(bound.before)
        painter.drawLine(QPointF(x, top - 3), QPointF(x, top + height + 3))
        texts.append(f"{bound.before_label} = {lay.fit_number(bound.before)} (dashed)")
    painter.setPen(CAPTION_INK)
    painter.drawText(QPointF(rect.left(), line), "   ".join(texts[:2]))
    if len(texts) > 2:
        painter.drawText(QPointF(rect.left(), line + metrics.height()), texts[2])


def math_scale(font_ratio: float, widest_math: float, width: float) -> float:
    """How much larger than laid out the equations are painted: as much as the font is
    larger than the default (``font_ratio``: Ctrl+=, --font-size, presenter mode), but
    growing no wider than ``width`` for the ``widest_math`` equation (the pane never
    scrolls sideways); an equation already too wide stays at its laid-out size."""
    if widest_math <= 0 or font_ratio <= 1.0:
        return font_ratio
    return max(1.0, min(font_ratio, width / widest_math))


class BoardView(QWidget):
    """Paints a board's blocks left to right, wrapping at its width; the equations scale
    with the widget's font (``scale``), their cached layouts only painted larger."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board: Board | None = None
        self.derivation = False
        self._pictures: dict[int, Typeset] = {}  # by id of the cached Layout
        self._blocks: list[tuple[QRectF, list]] = []
        self.scale = 1.0  # the equations' paint scale, set by _relayout
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), PAPER)
        self.setPalette(palette)

    def typeset(self, template: str, shapes: dict) -> Typeset | None:
        """The picture of a laid-out template (None: not laid out yet)."""
        found = lay.cached(template, shapes)
        if found is None:
            return None
        picture = self._pictures.get(id(found))
        if picture is None:
            from prmlab.gui.widgets.equations.render import Typeset  # QtSvg: not at start-up

            picture = self._pictures[id(found)] = Typeset(found)
        return picture

    def show(self, board: Board | None, derivation: bool) -> None:  # noqa: A003
        self.board, self.derivation = board, derivation
        self._relayout()
        self.update()

    def _items(self) -> list[list]:
        """Per block: rows of (kind, payload): ("text", str) or ("math", (Typeset, texts))."""
        board = self.board
        if board is None:
            return []
        blocks = []
        if self.derivation:
            for line in board.derivation:
                blocks.append(
                    [("math", (self.typeset(line.latex, {}), {})), ("text", line.on_plot)]
                )
            blocks.append([("text", note) for note in board.notes])
            return blocks
        if board.bound is not None:
            blocks.append([("text", "The bound as a bar: E closes the gap, M raises L"),
                           ("bar", board.bound)])  # fmt: skip
        for eq in board.equations:
            rows = [("text", eq.caption), ("math", (self.typeset(eq.symbolic, {}), {}))]
            if eq.live:
                rows.append(("math", (self.typeset(eq.live, eq.shapes()), number_texts(eq))))
            blocks.append(rows)
        return blocks

    def _row_size(self, row) -> tuple[float, float]:
        kind, payload = row
        if kind == "text":
            metrics = QFontMetricsF(self._caption_font())
            return metrics.horizontalAdvance(payload), metrics.height()
        if kind == "bar":
            metrics = QFontMetricsF(self._caption_font())
            return BAR_CHARS * metrics.averageCharWidth(), 3 * metrics.height() + 8
        w, h = self._math_size(row)
        return w * self.scale, h * self.scale

    @staticmethod
    def _math_size(row) -> tuple[float, float]:
        """A math row's size as laid out (before ``scale``)."""
        picture = row[1][0]
        return picture.size() if picture is not None else PENDING_SIZE

    def _caption_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
        return font

    def _relayout(self) -> None:
        width = max(200.0, float(self.width()))
        items = self._items()
        widest = max(
            (self._math_size(r)[0] for rows in items for r in rows if r[0] == "math"), default=0
        )
        self.scale = math_scale(self.font().pointSizeF() / DEFAULT_POINT_SIZE, widest, width - GAP)
        x = y = GAP / 2
        line_height = 0.0
        self._blocks = []
        for rows in items:
            sizes = [self._row_size(r) for r in rows]
            w = max((s[0] for s in sizes), default=0.0)
            h = sum(s[1] + 4 for s in sizes)
            if x > GAP and x + w > width:
                x, y, line_height = GAP / 2, y + line_height + GAP / 2, 0.0
            self._blocks.append((QRectF(x, y, w, h), rows))
            x += w + GAP
            line_height = max(line_height, h)
        self._height = int(y + line_height + GAP / 2)
        self.setMinimumHeight(self._height)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(400, getattr(self, "_height", 60))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Ctrl+=, presenter mode: a new scale
            self._relayout()
            self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        font = self._caption_font()
        metrics = QFontMetricsF(font)
        for rect, rows in self._blocks:
            y = rect.top()
            for row in rows:
                kind, payload = row
                w, h = self._row_size(row)
                if kind == "text":
                    painter.setFont(font)
                    painter.setPen(CAPTION_INK)
                    painter.drawText(QPointF(rect.left(), y + metrics.ascent()), payload)
                elif kind == "bar":
                    paint_bound(painter, QRectF(rect.left(), y, w, h), payload, font)
                elif payload[0] is None:
                    painter.setPen(QPen(CAPTION_INK))
                    painter.drawText(QPointF(rect.left(), y + metrics.ascent()), "typesetting…")
                else:
                    origin = QPointF(rect.left(), y)
                    payload[0].paint(painter, origin, payload[1], NUMBER_INK, self.scale)
                y += h + 4
        painter.end()
