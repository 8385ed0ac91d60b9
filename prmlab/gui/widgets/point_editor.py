"""Editable 2-D points on a plot: click to add, drag to move, erase, spray; every edit undoable.

Mouse, on a plot made by ``editable_plot``:
- left click adds a point with ``left_label``; right click or Shift+click one with
  ``right_label`` (when ``right_label`` is None, right click keeps the usual context menu);
- dragging a point moves it; dragging empty space pans (spray mode: paints a cloud);
- in erase mode a click or a drag removes the points under the cursor;
- Delete / Backspace removes the selected (last touched) or hovered point.
Each finished gesture is one command on the panel's QUndoStack.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import Figure

MODES = ("add", "erase", "spray")


class _SetPoints(QUndoCommand):
    """Replaces the whole point set: simple, and exact for every kind of edit."""

    def __init__(self, editor: PointEditor, before, after, text: str) -> None:
        super().__init__(text)
        self._editor, self._before, self._after = editor, before, after
        self._first = True

    def redo(self) -> None:
        if self._first:  # the gesture already applied it
            self._first = False
            return
        self._editor._restore(*self._after)

    def undo(self) -> None:
        self._editor._restore(*self._before)


class _PassiveScatter(pg.ScatterPlotItem):
    """A scatter that leaves clicks on its points to the editor (pyqtgraph's would take them)."""

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


class EditorViewBox(pg.ViewBox):
    """A ViewBox that lets its PointEditor take clicks and drags before panning."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor: PointEditor | None = None

    def mouseClickEvent(self, ev) -> None:
        if self.editor is not None and self.editor._click(ev):
            ev.accept()
            return
        super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.editor is not None and self.editor._drag(ev):
            ev.accept()
            return
        super().mouseDragEvent(ev, axis)


def editable_plot(title: str = "", **kwargs) -> pg.PlotItem:
    """A PlotItem whose ViewBox can host a PointEditor (add it to a GraphicsLayoutWidget)."""
    return pg.PlotItem(viewBox=EditorViewBox(), title=title, **kwargs)


class PointEditor(QObject):
    """The points (n, 2) and integer labels (n,) of a plot, edited by mouse and keyboard."""

    sigChanged = Signal()  # any edit, also each move while dragging
    sigEditFinished = Signal()  # a gesture ended (click, end of a drag, undo/redo)
    sigHovered = Signal(int)  # index of the point under the cursor, or -1

    def __init__(
        self,
        plot: pg.PlotItem,
        undo_stack: QUndoStack,
        *,
        left_label: int = 0,
        right_label: int | None = None,
        symbol_size: float = 10.0,
        pick_radius_px: float = 9.0,
        seed: int = 0,
    ) -> None:
        super().__init__(plot)
        vb = plot.getViewBox()
        if not isinstance(vb, EditorViewBox):
            raise TypeError("PointEditor needs a plot made by editable_plot()")
        vb.editor = self
        self.plot, self.view, self.undo_stack = plot, vb, undo_stack
        self.left_label, self.right_label = left_label, right_label
        self.mode = "add"
        self.spray_radius = 0.3  # in data units
        self.spray_count = 6  # points per drag event
        self.pick_radius_px = pick_radius_px
        self.enabled = True
        self._rng = np.random.default_rng(seed)
        self._points = np.empty((0, 2))
        self._labels = np.empty(0, dtype=np.int64)
        self._selected = -1
        self._hovered = -1
        self._gesture_before = None
        self._drag_index = -1
        self._symbol_size = symbol_size
        self._visible = True
        self._scatters: dict[int, _PassiveScatter] = {}  # one per label present
        self._held = self._new_scatter()  # the point being dragged, apart from its label's
        self._held.setZValue(11)
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        for view in plot.scene().views():  # leaving the figure moves no mouse over the scene
            if isinstance(view, Figure):
                view.sigMouseLeft.connect(self._mouse_left)

    # -- data -----------------------------------------------------------------------
    @property
    def points(self) -> np.ndarray:
        return self._points.copy()

    @property
    def labels(self) -> np.ndarray:
        return self._labels.copy()

    @property
    def selected(self) -> int:
        return self._selected

    @property
    def gesture_active(self) -> bool:
        """A drag is editing the points (its end emits ``sigEditFinished``)."""
        return self._gesture_before is not None

    def set_data(
        self, points, labels=None, *, text: str = "Load points", undoable: bool = True
    ) -> None:
        """Replace all points (e.g. a preset); one undo step when ``undoable``."""
        pts = np.asarray(points, float).reshape(-1, 2)
        labs = np.zeros(len(pts), np.int64) if labels is None else np.asarray(labels, np.int64)
        before = (self._points, self._labels)
        self._set_hovered(-1)  # the index named a point of the old data
        self._apply(pts, labs)
        if undoable:
            self.undo_stack.push(_SetPoints(self, before, (pts, labs), text))
        self.sigEditFinished.emit()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.mode = mode

    def add_point(self, x: float, y: float, label: int) -> None:
        self._commit(
            np.vstack([self._points, [[x, y]]]), np.append(self._labels, label), "Add point"
        )
        self._selected = len(self._points) - 1

    def remove(self, indices) -> None:
        keep = np.ones(len(self._points), bool)
        keep[np.asarray(indices, int)] = False
        if keep.all():
            return
        self._selected = -1
        self._commit(self._points[keep], self._labels[keep], "Remove points")

    def delete_selected(self) -> None:
        index = self._selected if self._selected >= 0 else self._hovered
        if 0 <= index < len(self._points):
            self.remove([index])

    def install_delete_shortcut(self, widget: QWidget) -> None:
        """Delete / Backspace in ``widget`` removes the selected or hovered point."""
        for key in (QKeySequence.StandardKey.Delete, Qt.Key.Key_Backspace):
            sc = QShortcut(QKeySequence(key), widget)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.delete_selected)

    def point_at(self, pos: QPointF) -> int:
        """Index of the point within ``pick_radius_px`` of the view position ``pos``, or -1."""
        if not len(self._points):
            return -1
        sx, sy = self.view.viewPixelSize()
        if not sx or not sy:
            return -1
        d2 = ((self._points[:, 0] - pos.x()) / sx) ** 2 + ((self._points[:, 1] - pos.y()) / sy) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= self.pick_radius_px**2 else -1

    # -- drawing --------------------------------------------------------------------
    def _apply(self, points: np.ndarray, labels: np.ndarray, held_only: bool = False) -> None:
        self._points, self._labels = points, labels
        if self._selected >= len(points):
            self._selected = -1
        self.redraw(held_only)
        self.sigChanged.emit()

    def _restore(self, points: np.ndarray, labels: np.ndarray) -> None:
        self._apply(points, labels)
        self.sigEditFinished.emit()

    def _new_scatter(self, **style) -> _PassiveScatter:
        item = _PassiveScatter(size=self._symbol_size, pen=pg.mkPen("w", width=1.0), **style)
        item.setZValue(10)
        item.setVisible(self._visible)
        self.plot.addItem(item)
        return item

    def redraw(self, held_only: bool = False) -> None:
        """Draw the points: one scatter per label, and a point being dragged on its own.

        A scatter repaints its whole extent when it changes, and with a brush per point
        pyqtgraph restyles them all: a drag's moves among 500 points took 3.4 ms each and a
        repaint of the whole cloud. Moving the held point alone repaints a few pixels.
        ``held_only``: only the held point moved.
        """
        held = self._drag_index if self._gesture_before is not None and self.mode == "add" else -1
        if held >= 0:
            label = int(self._labels[held])
            self._held.setData(
                x=self._points[held : held + 1, 0],
                y=self._points[held : held + 1, 1],
                brush=colors.color(label, 230),
            )
        elif len(self._held.data):
            self._held.setData([])
        if held_only:
            return
        labels = self._labels
        present = np.unique(labels).tolist()
        for k in set(self._scatters) - set(present):
            self.plot.removeItem(self._scatters.pop(k))
        others = np.ones(len(labels), bool)
        if held >= 0:
            others[held] = False
        for k in present:
            item = self._scatters.get(k)
            if item is None:
                item = self._scatters[k] = self._new_scatter(brush=colors.color(k, 230))
            mask = (labels == k) & others
            item.setData(x=self._points[mask, 0], y=self._points[mask, 1])

    def set_visible(self, on: bool) -> None:
        """Show or hide the points (a panel may draw them its own way)."""
        self._visible = on
        for item in (*self._scatters.values(), self._held):
            item.setVisible(on)

    def _commit(self, points, labels, text: str) -> None:
        before = (self._points, self._labels)
        self._apply(points, labels)
        self.undo_stack.push(_SetPoints(self, before, (points, labels), text))
        self.sigEditFinished.emit()

    # -- mouse ----------------------------------------------------------------------
    def _label_for(self, ev) -> int | None:
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if ev.button() == Qt.MouseButton.RightButton or (
            ev.button() == Qt.MouseButton.LeftButton and shift
        ):
            return self.right_label
        if ev.button() == Qt.MouseButton.LeftButton:
            return self.left_label
        return None

    def _click(self, ev) -> bool:
        if not self.enabled:
            return False
        pos = self.view.mapSceneToView(ev.scenePos())
        if self.mode == "erase":
            if ev.button() != Qt.MouseButton.LeftButton:
                return False
            self.remove(self._within(pos, self.pick_radius_px))
            return True
        label = self._label_for(ev)
        if label is None:
            return False
        hit = self.point_at(pos)
        if hit >= 0 and ev.button() == Qt.MouseButton.LeftButton:
            self._selected = hit  # clicking a point selects it rather than stacking another
            return True
        self.add_point(pos.x(), pos.y(), label)
        return True

    def _within(self, pos: QPointF, radius_px: float) -> np.ndarray:
        if not len(self._points):
            return np.empty(0, int)
        sx, sy = self.view.viewPixelSize()
        d2 = ((self._points[:, 0] - pos.x()) / sx) ** 2 + ((self._points[:, 1] - pos.y()) / sy) ** 2
        return np.flatnonzero(d2 <= radius_px**2)

    def _drag(self, ev) -> bool:
        if not self.enabled or ev.button() != Qt.MouseButton.LeftButton:
            return False
        pos = self.view.mapSceneToView(ev.scenePos())
        if ev.isStart():
            start = self.view.mapSceneToView(ev.buttonDownScenePos())
            self._drag_index = self.point_at(start) if self.mode == "add" else -1
            if self.mode == "add" and self._drag_index < 0:
                return False  # empty space: let the view pan
            self._gesture_before = (self._points, self._labels)
            self._selected = self._drag_index
        elif self._gesture_before is None:
            return False
        if self.mode == "add":
            pts = self._points.copy()
            pts[self._drag_index] = (pos.x(), pos.y())
            self._apply(pts, self._labels, held_only=not ev.isStart())
        elif self.mode == "erase":
            hit = self._within(pos, self.pick_radius_px)
            if len(hit):
                keep = np.ones(len(self._points), bool)
                keep[hit] = False
                self._apply(self._points[keep], self._labels[keep])
        else:  # spray
            label = self.right_label if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier else None
            label = self.left_label if label is None else label
            new = np.array([pos.x(), pos.y()]) + self._rng.normal(
                scale=self.spray_radius / 2, size=(self.spray_count, 2)
            )
            self._apply(
                np.vstack([self._points, new]),
                np.concatenate([self._labels, np.full(len(new), label, np.int64)]),
            )
        if ev.isFinish():
            before, self._gesture_before = self._gesture_before, None
            if self.mode == "add":
                self.redraw()  # the held point rejoins its label's scatter
            text = {"add": "Move point", "erase": "Erase points", "spray": "Spray points"}
            self.undo_stack.push(
                _SetPoints(self, before, (self._points, self._labels), text[self.mode])
            )
            self.sigEditFinished.emit()
        return True

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if not getattr(self.plot.scene().views()[0], "inspecting", True):
            return  # presenter mode's laser points: the hovered point stays as it was
        if not self.plot.sceneBoundingRect().contains(scene_pos):
            hovered = -1
        else:
            hovered = self.point_at(self.view.mapSceneToView(scene_pos))
        self._set_hovered(hovered)

    def _mouse_left(self) -> None:
        self._set_hovered(-1)

    def _set_hovered(self, hovered: int) -> None:
        if hovered != self._hovered:
            self._hovered = hovered
            self.sigHovered.emit(hovered)
