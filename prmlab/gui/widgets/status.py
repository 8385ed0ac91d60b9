"""Status text in the control column that never moves the controls below it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    """A word-wrapped status text (step counts, live numbers) whose height only grows.

    A plain wrapping label took one line more or less as its text changed with each step or
    drag move, and the buttons below it jumped under the mouse. This one keeps the tallest
    height its texts needed at the current width (at least ``lines`` lines); a new width
    (window, font size) measures afresh.
    """

    def __init__(self, text: str = "", lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._lines = lines
        self._width = -1
        self.setMinimumHeight(self._least())
        self.setText(text)

    def _least(self) -> int:
        margins = self.contentsMargins()
        return self._lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def _hold(self, width: int) -> None:
        if width <= 0:
            return
        needed = max(self._least(), self.heightForWidth(width))
        if width != self._width:  # measured afresh: what held at another width may not fit
            self._width = width
            self.setMinimumHeight(needed)
        elif needed > self.minimumHeight():
            self.setMinimumHeight(needed)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._hold(self.width() if self.isVisible() else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._hold(event.size().width())
