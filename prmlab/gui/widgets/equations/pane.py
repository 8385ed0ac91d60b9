"""The whiteboard pane under a panel's figure: the step's equations with its numbers, or
the topic's derivation.

``EquationPane.show_board(state, result, selection)`` computes the board
(``prmlab.lab.whiteboard.board_for``) and lays out any template not laid out yet in its
own job (a worker: layouts cost 20-100 ms, the board may need an E step on the data); the
GUI thread only turns new layouts into pictures once and paints cached pictures with new
numbers, so while playing only the numbers change. The pane is a whiteboard in both
themes: white, black ink.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prmlab.gui.jobs import Job
from prmlab.gui.theme import DEFAULT_POINT_SIZE
from prmlab.gui.widgets.equations import layout as lay
from prmlab.lab.whiteboard import Board, Bound, Equation, board_for

if TYPE_CHECKING:
    from prmlab.gui.widgets.equations.render import Typeset

MAX_PANEL_SHARE = 0.28  # of the panel's height; the rest is the figure's
FOLD_KEY = "whiteboard_folded"  # the setting that remembers a folded pane
GAP = 18.0  # pixels between blocks
INK = QColor(20, 20, 20)
NUMBER_INK = QColor(0, 90, 160)  # live numbers stand out from the symbols
PAPER = QColor(255, 255, 255)
CAPTION_INK = QColor(90, 90, 90)
LOWER_FILL = QColor(0, 114, 178, 170)  # the bound's filled part (Okabe-Ito blue)
GAP_FILL = QColor(230, 159, 0, 150)  # the gap (orange)
BAR_CHARS = 50  # a bound's bar is as wide as this many caption characters
PENDING_SIZE = (60.0, 20.0)  # "typesetting…" where a layout is not ready yet


def templates(board: Board) -> Iterator[tuple[str, dict[str, tuple[int, ...]]]]:
    """Every ``(template, slot shapes)`` the board needs laid out."""
    for eq in board.equations:
        yield eq.symbolic, {}
        if eq.live:
            yield eq.live, eq.shapes()
    for line in board.derivation:
        yield line.latex, {}


def compute(state: Any, result: Any, selection: Any) -> Iterator[None]:
    """The worker's part: the board (returned) and the layouts of its templates (cached),
    yielding after each new layout so that a newer board or closing the app cancels it
    between layouts (one takes up to ~0.7 s)."""
    board = board_for(state, result, selection)
    if board is not None:
        for template, shapes in templates(board):
            if lay.cached(template, shapes) is None:
                lay.layout(template, shapes)
                yield None
    return board


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


class EquationPane(QWidget):
    """Tabs "This step" / "Derivation" over a scrolled ``BoardView``, a fixed share of the
    panel's height (a board of another size never resizes the figure above it); hidden in
    a panel whose topic has no board (``shown`` False). The button beside the tabs folds it
    to its tab row (a small screen keeps the figure readable); ``sigFolded(bool)`` says so,
    and a click on a tab unfolds it. The panel also folds it for a while (``squeeze``) where
    its figure would be drawn too small; a click opens it until the panel's next resize
    (``release``)."""

    sigFolded = Signal(bool)

    def __init__(self, shown: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folded = False  # the user's fold, remembered (FoldSetting)
        self.squeezed = False  # the panel's fold for its figure's sake
        self.opened_by_user = False  # a click showed a squeezed pane, until release()
        self._share = (0, MAX_PANEL_SHARE)  # the panel's height and the share given to cap
        self.job = Job(self, label="Typesetting", on_error=self._failed)
        self.tabs = QTabBar()
        self.tabs.addTab("Equations of this step")
        self.tabs.addTab("Derivation")
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.tabs.currentChanged.connect(self._redraw)
        self.title = QLabel()
        # a long title wraps: one line of it set the pane's least width, and with it the
        # panel's (PCA's at fonts +4: 720 px, so the window grew when the column unfolded)
        self.title.setWordWrap(True)
        self.view = BoardView()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.fold_button = QToolButton()
        self.fold_button.setAutoRaise(True)
        self.fold_button.clicked.connect(self._clicked_fold)
        self.tabs.tabBarClicked.connect(lambda _i: self.shows_folded and self._clicked_fold())
        head = self.head = QWidget()
        head_box = QHBoxLayout(head)
        head_box.setContentsMargins(0, 0, 0, 0)
        head_box.addWidget(self.tabs)
        head_box.addStretch(1)
        head_box.addWidget(self.fold_button)
        box.addWidget(head)
        box.addWidget(self.title)
        box.addWidget(self.scroll, 1)
        self.board: Board | None = None
        self._show_fold()
        self.setVisible(shown)

    def show_board(self, state: Any, result: Any, selection: Any = None) -> None:
        """Show the board of ``state`` and ``result`` (``selection``: what the numbers are
        about, the topic's default when None), computed and laid out in a worker."""
        self.job.run(compute, state, result, selection, on_done=self._take)

    def busy(self) -> bool:
        return self.job.running

    def exported(self) -> QWidget | None:
        """What an exported figure shows under the plots: the whole board (also the part
        scrolled out of view), or None when no board is shown."""
        return self.view if self.isVisible() and self.board is not None else None

    def shutdown(self) -> None:
        self.job.shutdown()

    @property
    def shows_folded(self) -> bool:
        """Whether only the tab row shows: folded by the user, or squeezed by the panel
        and not opened since."""
        return self.folded or (self.squeezed and not self.opened_by_user)

    def cap(self, panel_height: int, share: float = MAX_PANEL_SHARE) -> None:
        """Take ``share`` of a panel ``panel_height`` pixels tall (folded: its tab row)."""
        self._share = (panel_height, share)
        self.setFixedHeight(self.height_at(panel_height, share))

    def height_at(
        self, panel_height: int, share: float = MAX_PANEL_SHARE, folded: bool | None = None
    ) -> int:
        """The height ``cap`` gives it, folded (default: as it shows) or not."""
        if self.shows_folded if folded is None else folded:
            return self.head.sizeHint().height()
        return max(80, int(panel_height * share))

    def set_folded(self, folded: bool, by_user: bool = False) -> None:
        """Fold the pane to its tab row, or give it its share again; ``by_user``: a click,
        told through ``sigFolded`` (to be remembered)."""
        if folded != self.folded:
            self.folded = folded
            self._show_fold()
        if by_user:
            self.sigFolded.emit(folded)

    def squeeze(self, on: bool) -> None:
        """Fold to the tab row (``on``) for the figure's sake, not remembered."""
        if on != self.squeezed:
            self.squeezed = on
            self._show_fold()

    def release(self) -> None:
        """A new size or font: a squeezed pane the user opened may fold again."""
        if self.opened_by_user:
            self.opened_by_user = False
            self._show_fold()

    def _clicked_fold(self) -> None:
        if not self.shows_folded:
            self.set_folded(True, by_user=True)
            return
        self.opened_by_user = self.squeezed
        self._show_fold()
        if self.folded:
            self.set_folded(False, by_user=True)

    def _show_fold(self) -> None:
        folded = self.shows_folded
        self.title.setVisible(not folded)
        self.scroll.setVisible(not folded)
        self.fold_button.setText("▸ Show" if folded else "▾ Hide")
        self.fold_button.setToolTip(
            "Show the equations again"
            + (": the figure is then drawn smaller" if self.squeezed else "")
            if folded
            else "Fold the equations to this row: more room for the figure (remembered)"
        )
        if self._share[0]:
            self.cap(*self._share)

    def _take(self, board: Board | None) -> None:
        self.board = board
        self._redraw()

    def _failed(self, message: str) -> None:
        self.title.setText(f"The equations cannot be shown: {message}")

    def _redraw(self, *_args) -> None:
        board = self.board
        self.title.setText("" if board is None else f"  {board.title}")
        self.view.show(board, derivation=self.tabs.currentIndex() == 1)


class FoldSetting:
    """One fold for every panel's pane, remembered in ``settings`` (``FOLD_KEY``): a click on
    one pane's fold button folds or unfolds them all."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        value = settings.value(FOLD_KEY, False)
        # a native store gives a bool, an INI file the string "true"; anything else: unfolded
        self.folded = value is True or (isinstance(value, str) and value.lower() == "true")
        self.panes: list[EquationPane] = []

    def add(self, pane: EquationPane) -> None:
        """Fold ``pane`` as the setting says and follow its clicks."""
        self.panes.append(pane)
        pane.set_folded(self.folded)
        pane.sigFolded.connect(self._clicked)

    def _clicked(self, folded: bool) -> None:
        self.folded = folded
        self.settings.setValue(FOLD_KEY, folded)
        for pane in self.panes:
            pane.set_folded(folded)
