"""Drawing a graph on its plot with the mouse: the gestures, turned into signals the panel
makes lab edits of (so each is one undoable State); the canvas itself changes no model.

- a click on empty space: a new node there (joined to the selected node, if one is);
- a click on a node selects it; a click on another node then joins the two (an arrow from
  the selected one in a directed graph); a click on the selected node lets it go;
- dragging a node moves it; dropping it on another node joins the two instead;
- a click on an edge selects it; Delete (or Backspace) removes the selected node or edge;
  a right click offers Remove (and the panel's own node actions);
- while ``picking``, a click on a node picks it (``sigPick``) instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import QMenu

from prmlab.gui.panels.inference.network import HIGHLIGHT, NODE_SIZE, line_pen
from prmlab.gui.widgets import colors

SELECTED = colors.PALETTE[4]  # purple: apart from the vermillion of messages and trails
EDGE_PICK_PX = 7.0  # how close (pixels) a click must come to an edge's line


class CanvasViewBox(pg.ViewBox):
    """A ViewBox whose clicks and drags go to its ``GraphCanvas`` first."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.canvas: GraphCanvas | None = None

    def mouseClickEvent(self, ev) -> None:
        if self.canvas is not None and self.canvas.click(ev):
            ev.accept()
            return
        super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.canvas is not None and self.canvas.drag(ev):
            ev.accept()
            return
        super().mouseDragEvent(ev, axis)

    def hoverEvent(self, ev) -> None:
        if self.canvas is not None:
            self.canvas.hover(ev)


def _segment_distances(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances from the point ``p`` to the segments ``a[k]``–``b[k]`` (pixels)."""
    d = b - a
    t = np.clip(((p - a) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-12), 0.0, 1.0)
    return np.linalg.norm(a + t[:, None] * d - p, axis=1)


class GraphCanvas(QObject):
    """The mouse gestures on one graph plot (made with a ``CanvasViewBox``)."""

    sigAddNode = Signal(float, float, int)  # x, y, the node to join (-1: none)
    sigAddEdge = Signal(int, int)  # from, to
    sigMoveNode = Signal(int, float, float)
    sigRemoveNode = Signal(int)
    sigRemoveEdge = Signal(int)
    sigPick = Signal(int)  # a node clicked while picking

    def __init__(self, plot: pg.PlotItem, *, directed: bool) -> None:
        super().__init__(plot)
        self.view = plot.getViewBox()
        if not isinstance(self.view, CanvasViewBox):
            raise TypeError("GraphCanvas needs a plot made with a CanvasViewBox")
        self.view.canvas = self
        self.directed = directed
        self.picking = False
        # (text, action(node)) a right click on a node offers besides Remove
        self.node_actions: list[tuple[str, Callable[[int], None]]] = []
        self.menu: QMenu | None = None  # the last context menu (kept alive while shown)
        self.selected_node = self.selected_edge = -1
        self._xy, self._edges, self._names = np.empty((0, 2)), np.empty((0, 2), int), []
        self._dragged = -1
        self._ring = pg.ScatterPlotItem(
            size=NODE_SIZE + 12, brush=None, pen=pg.mkPen(SELECTED, width=3)
        )
        self._ring.setZValue(4.5)
        self._edge_mark = plot.plot([], [], pen=line_pen(SELECTED, 9.0))
        self._edge_mark.setZValue(-1)  # a halo under the edge's own line
        self._rubber = plot.plot([], [], pen=line_pen(HIGHLIGHT, 2.0, dashed=True))
        self._ghost = pg.ScatterPlotItem(size=NODE_SIZE)
        self._ghost.setZValue(7)
        for item in (self._ring, self._ghost):
            plot.addItem(item)

    # -- the graph shown ---------------------------------------------------------------------
    def show_graph(self, xy: np.ndarray, edges: np.ndarray, names: list[str]) -> None:
        """The nodes and edges the gestures refer to; a changed graph drops the selection
        (its indices named the old nodes), a moved node keeps it."""
        if len(xy) != len(self._xy) or not np.array_equal(edges, self._edges):
            self.selected_node = self.selected_edge = -1
        self._xy, self._edges, self._names = np.asarray(xy, float), np.asarray(edges), names
        self._show_selection()

    def node_name(self, node: int) -> str:
        return self._names[node]

    def edge_name(self, edge: int) -> str:
        u, v = (self._names[i] for i in self._edges[edge])
        return f"{u} → {v}" if self.directed else f"{u}–{v}"

    # -- hit tests ---------------------------------------------------------------------------
    def _pixels(self, points: np.ndarray) -> np.ndarray:
        sx, sy = self.view.viewPixelSize()
        return points / np.array([sx or 1.0, sy or 1.0])

    def node_at(self, pos: QPointF) -> int:
        """The node whose disc holds the view point ``pos`` (the nearest), or -1."""
        if not len(self._xy):
            return -1
        d = np.linalg.norm(self._pixels(self._xy - [pos.x(), pos.y()]), axis=1)
        i = int(np.argmin(d))
        return i if d[i] <= NODE_SIZE / 2 + 2 else -1

    def edge_at(self, pos: QPointF) -> int:
        """The edge whose line passes within ``EDGE_PICK_PX`` of ``pos``, or -1."""
        if not len(self._edges):
            return -1
        ends = self._pixels(self._xy)
        d = _segment_distances(
            self._pixels(np.array([pos.x(), pos.y()])),
            ends[self._edges[:, 0]],
            ends[self._edges[:, 1]],
        )
        e = int(np.argmin(d))
        return e if d[e] <= EDGE_PICK_PX else -1

    # -- gestures ----------------------------------------------------------------------------
    def hover(self, ev) -> None:
        """The cursor says what a press does here: an open hand on a node (drag it), a
        pointing hand on an edge or a node to pick, a cross where a click adds a node."""
        if ev.isExit():
            self.view.unsetCursor()
            return
        pos = self.view.mapToView(ev.pos())
        node = self.node_at(pos)
        if self.picking:
            shape = Qt.CursorShape.PointingHandCursor if node >= 0 else Qt.CursorShape.ArrowCursor
        elif node >= 0:
            shape = Qt.CursorShape.OpenHandCursor
        elif self.edge_at(pos) >= 0:
            shape = Qt.CursorShape.PointingHandCursor
        else:
            shape = Qt.CursorShape.CrossCursor
        self.view.setCursor(shape)

    def click(self, ev) -> bool:
        """A click on the plot; True when the canvas took it."""
        if ev.double():  # its first click already acted
            return True
        pos = self.view.mapSceneToView(ev.scenePos())
        node = self.node_at(pos)
        edge = self.edge_at(pos) if node < 0 else -1
        if ev.button() == Qt.MouseButton.RightButton:
            self._popup(ev.screenPos(), node, edge, pos)
            return True
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        if self.picking:
            if node >= 0:
                self.sigPick.emit(node)
            return True
        if node >= 0:
            self._click_node(node)
        elif edge >= 0:
            self.select(-1, edge)
        else:
            join = self.selected_node
            self.clear_selection()
            self.sigAddNode.emit(pos.x(), pos.y(), join)
        return True

    def _click_node(self, node: int) -> None:
        chosen = self.selected_node
        if chosen == node:
            self.clear_selection()
        elif chosen >= 0:
            self.clear_selection()
            self.sigAddEdge.emit(chosen, node)
        else:
            self.select(node, -1)

    def drag(self, ev) -> bool:
        """A left drag from a node: moves it, or joins it to the node it is dropped on."""
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        if ev.isStart():
            self._dragged = self.node_at(self.view.mapSceneToView(ev.buttonDownScenePos()))
            self.select(self._dragged, -1)
        if self._dragged < 0:
            return True  # a still picture: dragging empty space does nothing
        pos = self.view.mapSceneToView(ev.scenePos())
        target = self.node_at(pos)
        target = -1 if target == self._dragged else target
        if ev.isFinish():
            node, self._dragged = self._dragged, -1
            self._show_drag(None, -1)
            self.clear_selection()
            if target >= 0:
                self.sigAddEdge.emit(node, target)
            else:
                self.sigMoveNode.emit(node, pos.x(), pos.y())
        else:
            self._show_drag(pos, target)
        return True

    def select(self, node: int, edge: int) -> None:
        """Select ``node`` or ``edge`` (-1: none)."""
        self.selected_node, self.selected_edge = node, edge
        self._show_selection()

    def clear_selection(self) -> None:
        self.select(-1, -1)

    def delete_selected(self) -> None:
        """Remove the selected node or edge (the panel says when it cannot be)."""
        node, edge = self.selected_node, self.selected_edge
        self.clear_selection()
        if node >= 0:
            self.sigRemoveNode.emit(node)
        elif edge >= 0:
            self.sigRemoveEdge.emit(edge)

    # -- drawing -----------------------------------------------------------------------------
    def _show_selection(self) -> None:
        node, edge = self.selected_node, self.selected_edge
        self._ring.setData(pos=self._xy[node : node + 1] if 0 <= node < len(self._xy) else [])
        if 0 <= edge < len(self._edges):
            ends = self._xy[self._edges[edge]]
            self._edge_mark.setData(ends[:, 0], ends[:, 1])
        else:
            self._edge_mark.setData([], [])

    def _show_drag(self, pos: QPointF | None, target: int) -> None:
        """The dragged node's rubber line to the cursor (or to the node it would join)."""
        if pos is None:
            self._rubber.setData([], [])
            self._ghost.setData(pos=[])
            return
        start = self._xy[self._dragged]
        end = self._xy[target] if target >= 0 else np.array([pos.x(), pos.y()])
        self._rubber.setData([start[0], end[0]], [start[1], end[1]])
        if target >= 0:  # a ring round the node it would join
            self._ghost.setData(
                pos=[end], size=NODE_SIZE + 12, brush=None, pen=pg.mkPen(HIGHLIGHT, width=3)
            )
        else:  # the node where it would move
            ghost = pg.mkColor(SELECTED)
            ghost.setAlpha(110)
            self._ghost.setData(
                pos=[end], size=NODE_SIZE, brush=ghost, pen=pg.mkPen(SELECTED, width=1.5)
            )

    def _popup(self, screen_pos, node: int, edge: int, pos: QPointF) -> None:
        menu = QMenu()
        if node >= 0:
            self.select(node, -1)
            for text, act in self.node_actions:
                menu.addAction(text).triggered.connect(lambda _=False, a=act: a(node))
            what = self.node_name(node) if self.directed else f"node {self.node_name(node)}"
            menu.addAction(f"Remove {what}").triggered.connect(self.delete_selected)
        elif edge >= 0:
            self.select(-1, edge)
            kind = "arrow" if self.directed else "edge"
            menu.addAction(f"Remove {kind} {self.edge_name(edge)}").triggered.connect(
                self.delete_selected
            )
        else:
            x, y = pos.x(), pos.y()
            menu.addAction("Add a node here").triggered.connect(
                lambda: self.sigAddNode.emit(x, y, -1)
            )
        self.menu = menu
        menu.popup(screen_pos.toPoint())
