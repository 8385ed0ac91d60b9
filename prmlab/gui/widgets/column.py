"""The panels' control column: as wide as its controls need in the current font, scrolled
vertically, and the mouse wheel scrolls it rather than changing values."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prmlab.gui.widgets.wheel import WheelGuard, guard_wheel

COMBO_MIN_CHARS = 12  # a long preset name is elided in the box (its list shows it whole)
MAX_COLUMN_SHARE = 0.5  # of the panel: the figure keeps the other half
MAX_TABLE_ROWS = 10  # a taller table scrolls
# Plot text is drawn at least at this share of the chosen font size: below it, the column
# folds away (a button beside it unfolds it) and the explanation shrinks to a few lines.
READABLE_SCALE = 0.85


class ControlColumn(QScrollArea):
    """A scroll area holding ``column`` (a QVBoxLayout) that sizes itself from its controls.

    Its minimum width follows the controls' minimum in the current font, so Ctrl+= widens it
    and Ctrl+- narrows it again; the vertical bar scrolls what does not fit in height. Only
    when half the panel cannot hold the controls does a horizontal bar appear, so a control
    is scrolled to, never cut off.

    ``toggle`` (a thin button the panel puts beside the column) folds the column away and
    unfolds it: at 1024x768 with fonts +4 the column took ~450 px and the figure beside it
    was drawn at half the font's size. The panel folds it by itself when the figure would be
    drawn below ``READABLE_SCALE`` (``widgets.folding``); a click overrides that until the next
    resize or font change.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.setContentsMargins(6, 6, 6, 6)
        self.setWidget(self.inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._wheel_guard = WheelGuard(self)
        self.inner.installEventFilter(self)
        self._refit_timer = QTimer(self, singleShot=True, interval=0)
        self._refit_timer.timeout.connect(self.refit)
        self.folded = False
        self.user_folded: bool | None = None  # the user's click, until a resize
        self.toggle = QToolButton()
        self.toggle.setObjectName("controls_toggle")
        self.toggle.setAutoRaise(True)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.toggle.clicked.connect(lambda: self.choose_folded(not self.folded))
        self._show_fold()
        self.fit_width()

    def choose_folded(self, folded: bool) -> None:
        """The user folds (True) or unfolds the column."""
        self.user_folded = folded
        self.set_folded(folded)

    def set_folded(self, folded: bool) -> None:
        """Hide the column (only its ``toggle`` shows) or show it."""
        if folded != self.folded:
            self.folded = folded
            self.setVisible(not folded)
            self._show_fold()

    def _show_fold(self) -> None:
        arrow = (
            QStyle.StandardPixmap.SP_ArrowRight
            if self.folded
            else QStyle.StandardPixmap.SP_ArrowLeft
        )
        self.toggle.setIcon(self.style().standardIcon(arrow))
        self.toggle.setToolTip("Show the controls" if self.folded else "Hide the controls")

    def open_width(self) -> int:
        """The width the column takes unfolded in its panel."""
        width = self.needed_width()
        panel = self.parentWidget()
        if panel is not None and panel.width() > 0:
            width = min(width, int(panel.width() * MAX_COLUMN_SHARE))
        return width

    def guard_wheel(self) -> None:
        """Make the controls built so far take the wheel only when focused; long combo
        boxes elide rather than widen the column."""
        guard_wheel(self.inner, self._wheel_guard)
        for box in self.inner.findChildren(QComboBox):
            policy = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            if box.sizeAdjustPolicy() != policy:
                box.setSizeAdjustPolicy(policy)
                box.setMinimumContentsLength(COMBO_MIN_CHARS)
        self.fit_width()

    def needed_width(self) -> int:
        """The width at which every control gets at least its minimum size hint."""
        bar = self.verticalScrollBar().sizeHint().width()
        return self.inner.minimumSizeHint().width() + bar + 2 * self.frameWidth()

    def fit_width(self, shrink: bool = True) -> None:
        """Take the controls' width, up to ``MAX_COLUMN_SHARE`` of the panel.

        ``shrink=False`` only widens: a label whose text changes on every step must not
        relay the figure out (a repaint of every plot) each time it gets shorter.
        """
        width = self.open_width()
        if not shrink:
            width = max(width, self.width())
        if width != self.width() or width != self.minimumWidth():
            self.setFixedWidth(width)

    def refit(self) -> None:
        """Fit tables and then the column to the current font (after Ctrl+= or Ctrl+-)."""
        for box in self.inner.findChildren(QComboBox):
            box.setMinimumWidth(least_combo_width(box.minimumContentsLength()))
        for table in self.inner.findChildren(QTableView):
            if table.sizePolicy().verticalPolicy() == QSizePolicy.Policy.Fixed:
                self.fit_table(table)
        self.fit_width()

    def fit_table(self, table: QTableView) -> None:
        """``fit_table`` with the width the column can give a table in this panel."""
        panel = self.parentWidget()
        room = None
        if panel is not None and panel.width() > 0:
            # the column's share, less its scroll bar and a group box's margins
            bar = self.verticalScrollBar().sizeHint().width()
            room = int(panel.width() * MAX_COLUMN_SHARE) - bar - 4 * self.column.spacing() - 24
        fit_table(table, max_width=room)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # new rows (HMM's tables) and longer texts change the controls' size hints
        if watched is self.inner and event.type() == QEvent.Type.LayoutRequest:
            self.fit_width(shrink=False)
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Show):
            # after the controls inside have taken the new font too
            self._refit_timer.start()
        return super().event(event)


def fit_table(
    table: QTableView, max_width: int | None = None, max_rows: int = MAX_TABLE_ROWS
) -> None:
    """Give a table the height of its header and rows (up to ``max_rows``, then it scrolls)
    and columns no narrower than their contents ("0.…" was all HMM's B showed at +4); the
    table is as wide as its columns, up to ``max_width`` (then it scrolls sideways) unless it
    cannot scroll sideways at all."""
    table.resizeRowsToContents()
    frame = 2 * table.frameWidth()
    header = table.horizontalHeader()
    rows = [table.rowHeight(r) for r in range(table.model().rowCount())]
    height = sum(rows[:max_rows]) + frame
    if header.isVisible():
        height += header.sizeHint().height()
    header.setMinimumSectionSize(-1)  # the style's: a hint is never below the minimum
    columns = [
        max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
        for c in range(table.model().columnCount())
    ]
    if columns:
        header.setMinimumSectionSize(max(columns))
    side = table.verticalHeader()
    # the row labels' header can be wider than its hint (the width it was laid out at)
    needed = frame + (max(side.sizeHint().width(), side.width()) if side.isVisible() else 0)
    needed += len(columns) * max(columns, default=0) + 2 * len(columns)  # grid lines
    width = needed
    can_scroll = table.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    if can_scroll and max_width is not None:
        # a panel not laid out yet can leave no room at all (Qt refuses a negative width)
        width = max(min(needed, max_width), 0)
        if width < needed:  # room for the sideways scroll bar under the rows
            height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)
    table.setMinimumWidth(width)


def least_combo_width(characters: int) -> int:
    """The least width of a combo box showing ``characters`` characters in the app's font.

    A combo box keeps the minimum size hint it computed in an earlier font or style (Qt
    drops only its size hint on a font change), so a column measured by it did not narrow
    again after Ctrl+-: a fresh box is measured instead and its width set explicitly.
    """
    probe = QComboBox()
    probe.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    probe.setMinimumContentsLength(characters)
    width = probe.minimumSizeHint().width()
    probe.deleteLater()
    return width
