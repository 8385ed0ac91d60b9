"""The panels' explanation under the figure: as tall as its text, but never more than a
share of the panel (then it scrolls), so the figure stays large at projector font sizes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QWidget

MAX_PANEL_SHARE = 0.25  # at +4 fonts on 1024x768 the text took half the panel's height
FOLDED_LINES = 3  # in a panel too small for its figure (``fold``): the figure needs the room


class Explanation(QScrollArea):
    """A scrolled rich-text label (``label``); call ``cap(panel_height)`` on resizes."""

    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(html)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setContentsMargins(6, 2, 6, 2)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._text_height = -1
        self._heights: dict[tuple, int] = {}  # the text's height by (width, text, font)
        self.folded = False
        self.away = False  # folded away: no line at all (the figure needs them all)

    def cap(self, panel_height: int) -> None:
        """Take at most ``MAX_PANEL_SHARE`` of a panel ``panel_height`` pixels tall,
        ``FOLDED_LINES`` lines when folded, none when folded away."""
        self.setMaximumHeight(self.height_cap(panel_height, self.folded, self.away))

    def height_cap(self, panel_height: int, folded: bool, away: bool = False) -> int:
        """The most height it takes in a panel ``panel_height`` pixels tall."""
        if away:
            return 0
        line = self.fontMetrics().lineSpacing()
        share = int(panel_height * MAX_PANEL_SHARE)
        if folded:
            share = min(share, FOLDED_LINES * line + 2 * self.frameWidth() + 4)
        return max(2 * line, share)

    def fold(self, folded: bool, panel_height: int, away: bool = False) -> None:
        """Take at most ``FOLDED_LINES`` lines (it scrolls) or its usual share; ``away``:
        no line (the panel's whiteboard has the derivation one click away)."""
        self.folded, self.away = folded, folded and away
        self.cap(panel_height)

    def text_height(self, width: int) -> int:
        """The label's height at ``width``: QLabel lays its rich text out again at each ask
        (~0.6 ms), asked ~30 times as a window is first laid out."""
        key = (width, self.label.text(), self.label.font().key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 64:  # texts and widths of the past
                self._heights.clear()
            height = self._heights[key] = self.label.heightForWidth(width)
        return height

    def sizeHint(self) -> QSize:
        width = max(self.viewport().width(), 200)
        return QSize(width, self.text_height(width) + 2 * self.frameWidth())

    def eventFilter(self, watched, event) -> bool:
        if watched is self.label and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a new text (MCMC's views)
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # the text's height depends on the width: tell the layout when it changed
        height = self.text_height(self.viewport().width())
        if height != self._text_height:
            self._text_height = height
            self.updateGeometry()
