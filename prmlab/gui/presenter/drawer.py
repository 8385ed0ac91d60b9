"""The control column as an overlay in presenter mode (C shows and hides it).

Shown in the panel's layout, the column pushed the figure narrower and the figure jumped at
every C. Here the column leaves the layout and floats over the left part of the figure as a
raised panel (the theme's window colour, a frame and a shadow), scrolled when taller than
the screen; the figure keeps its size underneath. The column stays a child of its panel:
its width is measured against the panel's (``ControlColumn.open_width``), and its colours
and font are the panel's, so a theme or font change reaches it as it does the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QGraphicsDropShadowEffect

if TYPE_CHECKING:
    from prmlab.gui.panels.base import BasePanel

SHADOW_BLUR = 18  # pixels: the raised panel's soft edge over the plots
SHADOW_OFFSET = 4
SHADOW_ALPHA = 120  # of 255: seen on the light and the dark theme's plots alike


class ControlsDrawer(QObject):
    """Floats ``panel``'s control column over its figure (``set_shown``) or puts it back
    in the panel's layout, hidden, as presenter mode found it."""

    def __init__(self, panel: BasePanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.column = panel.controls_scroll
        self.shown = False

    def set_shown(self, shown: bool) -> None:
        """Float the column over the figure (True) or take it back into the layout, hidden."""
        if shown == self.shown:
            return
        self.shown = shown
        column, area = self.column, self.panel.view_area
        if shown:
            self.panel.layout().removeWidget(column)
            column.setFrameShape(QFrame.Shape.StyledPanel)
            column.setFrameShadow(QFrame.Shadow.Raised)
            column.setBackgroundRole(QPalette.ColorRole.Window)
            column.setAutoFillBackground(True)
            # its own colour, not the plots' showing through the controls' gaps
            column.inner.setAutoFillBackground(True)
            shadow = QGraphicsDropShadowEffect(column)
            shadow.setBlurRadius(SHADOW_BLUR)
            shadow.setOffset(SHADOW_OFFSET, SHADOW_OFFSET)
            shadow.setColor(QColor(0, 0, 0, SHADOW_ALPHA))
            column.setGraphicsEffect(shadow)
            area.installEventFilter(self)
            self._place()
            column.show()
            column.raise_()
        else:
            area.removeEventFilter(self)
            column.hide()
            column.setGraphicsEffect(None)
            column.setFrameShape(QFrame.Shape.NoFrame)
            column.setAutoFillBackground(False)
            column.inner.setAutoFillBackground(False)
            # first, as BasePanel lays it out: before its fold button and the figure
            self.panel.layout().insertWidget(0, column)

    def _place(self) -> None:
        # the left part of the figure and whiteboard, their full height; its width is the
        # column's own (fit_width sets it as the font changes)
        area = self.panel.view_area.geometry()
        self.column.setGeometry(area.x(), area.y(), self.column.width(), area.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False
