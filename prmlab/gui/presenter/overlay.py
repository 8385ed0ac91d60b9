"""The pen and the laser pointer: a transparent widget over a panel's figure (and the laser's
dot alone over its whiteboard, ``LaserDot``).

Strokes are kept in the plots' data coordinates and mapped to the screen at every paint
(the plot's data-to-scene transform, then the view's scene-to-widget one), so they stay on
what they mark when a view pans, zooms or the figure is drawn scaled down. Being a child
widget, the overlay is not part of File > Export figure (``QGraphicsView.render``), but a
grab of the widget (a recording) shows it.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPolygonF, QRadialGradient
from PySide6.QtWidgets import QWidget

from prmlab.gui.presenter.ink import PEN_COLOURS, Stroke

PEN_WIDTH = 5.0  # pixels: seen from the back of a room
LASER_RADIUS = 14.0  # pixels: the dot's glow


def laser_rect(at: QPointF) -> QRect:
    """The pixels the laser's dot at ``at`` covers."""
    r = int(LASER_RADIUS) + 2
    return QRect(at.toPoint() - QPoint(r, r), QSize(2 * r, 2 * r))


def paint_laser(painter: QPainter, at: QPointF) -> None:
    """The laser's glowing red dot at ``at``."""
    glow = QRadialGradient(at, LASER_RADIUS)
    glow.setColorAt(0.0, QColor(255, 40, 20, 255))
    glow.setColorAt(0.35, QColor(255, 40, 20, 200))
    glow.setColorAt(1.0, QColor(255, 40, 20, 0))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(glow)
    painter.drawEllipse(at, LASER_RADIUS, LASER_RADIUS)


def plot_views(figure: pg.GraphicsLayoutWidget) -> list[pg.ViewBox]:
    """The figure's plots' view boxes in the order the panel added them (nested layouts
    walked in place): a stroke's ``plot`` index."""
    views: list[pg.ViewBox] = []

    def walk(layout: pg.GraphicsLayout) -> None:
        for item in layout.items:  # a dict: insertion order
            if isinstance(item, pg.PlotItem):
                views.append(item.getViewBox())
            elif isinstance(item, pg.ViewBox):
                views.append(item)
            elif isinstance(item, pg.GraphicsLayout):
                walk(item)

    walk(figure.ci)
    return views


class InkOverlay(QWidget):
    """Draws ``strokes()`` (the panel's) over ``figure``; with the pen on, a left-button
    drag over a plot draws a new stroke (``sigStroke``); with the laser on, a glowing dot
    follows the mouse in place of the cursor."""

    sigStroke = Signal(object)  # a finished Stroke

    def __init__(
        self, figure: pg.GraphicsLayoutWidget, strokes: Callable[[], list[Stroke]]
    ) -> None:
        viewport = figure.viewport()
        super().__init__(viewport)
        self.figure, self._strokes = figure, strokes
        self.colour = 0
        self.pen_on = self.laser_on = False
        self._drawing: tuple[int, list[QPointF]] | None = None  # plot index, data points
        self.laser_at: QPointF | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setMouseTracking(True)
        self.setGeometry(viewport.rect())
        viewport.installEventFilter(self)
        viewport.setMouseTracking(True)
        for view in plot_views(figure):
            view.sigTransformChanged.connect(self.update)
            view.sigResized.connect(self.update)
        self.show()
        self.raise_()

    # -- switches ------------------------------------------------------------------------
    def set_pen(self, on: bool) -> None:
        """The pen takes the mouse (on) or leaves it to the plots."""
        self.pen_on = on
        self._drawing = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, not on)
        self._show_cursor()

    def set_laser(self, on: bool) -> None:
        self.laser_on = on
        self.figure.inspecting = not on  # the laser points, it does not select
        if not on:
            self.laser_at = None
        self._show_cursor()
        self.update()

    def _show_cursor(self) -> None:
        if self.laser_on:
            shape = Qt.CursorShape.BlankCursor  # the dot is the pointer
        else:
            shape = Qt.CursorShape.CrossCursor if self.pen_on else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)
        self.figure.viewport().setCursor(shape)

    # -- mouse ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.setGeometry(self.figure.viewport().rect())
        elif kind == QEvent.Type.MouseMove and self.laser_on:
            self._move_laser(event.position())
        elif kind == QEvent.Type.Leave and self.laser_on:
            self._update_laser()
            self.laser_at = None
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        at = self.figure.mapToScene(event.position().toPoint())
        for index, view in enumerate(plot_views(self.figure)):
            if view.isVisible() and view.sceneBoundingRect().contains(at):
                self._drawing = (index, [view.mapSceneToView(at)])
                return

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.laser_on:
            self._move_laser(event.position())
        if self._drawing is not None:
            index, points = self._drawing
            view = plot_views(self.figure)[index]
            points.append(view.mapSceneToView(self.figure.mapToScene(event.position().toPoint())))
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing is None or event.button() != Qt.MouseButton.LeftButton:
            return
        index, points = self._drawing
        self._drawing = None
        if len(points) > 1:
            xy = [(p.x(), p.y()) for p in points]
            self.sigStroke.emit(Stroke(index, self.colour, xy))
        self.update()

    def _move_laser(self, at: QPointF) -> None:
        # repaint the dot's old and new places only: the figure under a region is drawn
        # again with it, and the whole figure per mouse move cost ~100 ms a move
        self._update_laser()
        self.laser_at = QPointF(at)
        self._update_laser()

    def _update_laser(self) -> None:
        if self.laser_at is not None:
            self.update(laser_rect(self.laser_at))

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        views = plot_views(self.figure)
        for stroke in self._strokes():
            self._draw(painter, views, stroke.plot, stroke.colour, stroke.points.tolist())
        if self._drawing is not None:
            index, points = self._drawing
            self._draw(painter, views, index, self.colour, [(p.x(), p.y()) for p in points])
        painter.setClipping(False)
        if self.laser_on and self.laser_at is not None:
            paint_laser(painter, self.laser_at)
        painter.end()

    def _draw(self, painter: QPainter, views: list[pg.ViewBox], plot: int, colour: int, xy):
        if plot >= len(views) or not views[plot].isVisible():
            return  # a plot the panel's mode hides now
        view = views[plot]
        to_widget = view.childGroup.sceneTransform() * self.figure.viewportTransform()
        line = to_widget.map(QPolygonF([QPointF(x, y) for x, y in xy]))
        area = self.figure.mapFromScene(view.sceneBoundingRect()).boundingRect()
        painter.setClipRect(area)  # a stroke panned off its plot is not drawn over others
        pen = QPen(QColor(PEN_COLOURS[colour]), PEN_WIDTH)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline(line)


class LaserDot(QWidget):
    """The laser's dot over a widget that is not a plot (the whiteboard under the figure,
    where a lecturer points at an equation): transparent to the mouse, it follows the
    pointer while ``on`` (``follow``, fed the window's mouse moves)."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.target = target
        self.on = False
        self.at: QPointF | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        target.installEventFilter(self)
        self.hide()

    def set_on(self, on: bool) -> None:
        self.on, self.at = on, None
        if on:  # moves without a button reach a widget only when it tracks the mouse
            for widget in (self.target, *self.target.findChildren(QWidget)):
                widget.setMouseTracking(True)
            self.target.setCursor(Qt.CursorShape.BlankCursor)  # the dot is the pointer
            self.setGeometry(self.target.rect())
            self.show()
            self.raise_()
        else:
            self.target.unsetCursor()
            self.hide()

    def follow(self, global_at: QPointF) -> None:
        """Put the dot under the pointer at ``global_at`` (screen pixels), or take it away
        when the pointer is not over the target."""
        if not self.on:
            return
        at = QPointF(self.mapFromGlobal(global_at.toPoint()))
        if self.at is not None:
            self.update(laser_rect(self.at))
        self.at = at if self.rect().contains(at.toPoint()) else None
        if self.at is not None:
            self.update(laser_rect(self.at))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
        return False

    def paintEvent(self, event) -> None:
        if self.at is not None:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            paint_laser(painter, self.at)
            painter.end()
