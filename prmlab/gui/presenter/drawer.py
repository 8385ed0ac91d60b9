"""The control column as an overlay in presenter mode (C shows and hides it).

Shown in the panel's layout, the column pushed the figure narrower and the figure jumped at
every C. Here the column leaves the layout and floats over the left part of the figure as a
raised panel (the theme's window colour, a frame and a shadow at its edge), scrolled when taller than
the screen; the figure keeps its size underneath. The column stays a child of its panel:
its width is measured against the panel's (``ControlColumn.open_width``), and its colours
and font are the panel's, so a theme or font change reaches it as it does the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QWidget

if TYPE_CHECKING:
    from prmlab.gui.panels.base import BasePanel

SHADOW_WIDTH = 10  # pixels: the raised panel's soft edge over the plots
SHADOW_ALPHA = 120  # of 255: seen on the light and the dark theme's plots alike


class Shadow(QWidget):
    """A strip fading from dark to clear along the column's right edge.

    Its own widget, not a QGraphicsDropShadowEffect on the column: the effect drew the
    whole column again, blurred, at every change of a label in it (a 1920x1080 column's
    repaint took 42 ms with it, 3-6 ms with this strip, at every step of a playing demo)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def paintEvent(self, event) -> None:
        fade = QLinearGradient(0, 0, self.width(), 0)
        fade.setColorAt(0.0, QColor(0, 0, 0, SHADOW_ALPHA))
        fade.setColorAt(1.0, QColor(0, 0, 0, 0))
        painter = QPainter(self)
        painter.fillRect(self.rect(), fade)
        painter.end()


class ControlsDrawer(QObject):
    """Floats ``panel``'s control column over its figure (``set_shown``) or puts it back
    in the panel's layout, hidden, as presenter mode found it."""

    def __init__(self, panel: BasePanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.column = panel.controls_scroll
        self.shown = False
        self._index = 0  # the column's place in the panel's layout while it floats
        self.shadow = Shadow(panel)
        self.shadow.hide()

    def set_shown(self, shown: bool) -> None:
        """Float the column over the figure (True) or take it back into the layout, hidden."""
        if shown == self.shown:
            return
        self.shown = shown
        column, area = self.column, self.panel.view_area
        if shown:
            self._index = self.panel.layout().indexOf(column)
            self.panel.layout().removeWidget(column)
            column.setFrameShape(QFrame.Shape.StyledPanel)
            column.setFrameShadow(QFrame.Shadow.Raised)
            column.setBackgroundRole(QPalette.ColorRole.Window)
            column.setAutoFillBackground(True)
            # its own colour, not the plots' showing through the controls' gaps
            column.inner.setAutoFillBackground(True)
            area.installEventFilter(self)
            column.installEventFilter(self)  # its width follows the font (fit_width)
            self._place()
            column.show()
            column.raise_()
            self.shadow.show()
            self.shadow.raise_()
        else:
            area.removeEventFilter(self)
            column.removeEventFilter(self)
            column.hide()
            self.shadow.hide()
            column.setFrameShape(QFrame.Shape.NoFrame)
            column.setAutoFillBackground(False)
            column.inner.setAutoFillBackground(False)
            self.panel.layout().insertWidget(self._index, column)

    def release(self) -> None:
        """The column back in the layout, hidden; the drawer and its shadow deleted."""
        self.set_shown(False)
        self.shadow.deleteLater()
        self.deleteLater()

    def _place(self) -> None:
        # the left part of the figure and whiteboard, their full height; its width is the
        # column's own (fit_width sets it as the font changes)
        area, column = self.panel.view_area.geometry(), self.column
        column.setGeometry(area.x(), area.y(), column.width(), area.height())
        self.shadow.setGeometry(
            column.geometry().right() + 1, area.y(), SHADOW_WIDTH, area.height()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False
