"""The shared point editor driven with real mouse and key events (the recipe panels reuse)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack

from prmlab.gui.widgets.point_editor import PointEditor, editable_plot


@pytest.fixture
def editor(qtbot):
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = editable_plot("points")
    view.addItem(plot)
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    plot.getViewBox().setMouseEnabled(False, False)
    ed = PointEditor(plot, QUndoStack(view), left_label=1, right_label=0)
    ed.install_delete_shortcut(view)
    view.resize(600, 600)
    view.show()
    qtbot.waitExposed(view)
    ed.widget = view
    return ed


def to_widget(editor, x: float, y: float) -> QPoint:
    scene = editor.view.mapViewToScene(QPointF(x, y))
    return editor.widget.mapFromScene(scene)


def test_left_and_right_clicks_add_labelled_points(qtbot, editor):
    qtbot.mouseClick(
        editor.widget.viewport(), Qt.MouseButton.LeftButton, pos=to_widget(editor, 3, 3)
    )
    qtbot.mouseClick(
        editor.widget.viewport(), Qt.MouseButton.RightButton, pos=to_widget(editor, 7, 7)
    )
    qtbot.mouseClick(
        editor.widget.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        pos=to_widget(editor, 5, 2),
    )
    assert editor.labels.tolist() == [1, 0, 0]
    np.testing.assert_allclose(editor.points, [[3, 3], [7, 7], [5, 2]], atol=0.1)


def test_drag_moves_a_point_and_undo_restores_it(qtbot, editor):
    editor.set_data([[2.0, 2.0], [8.0, 8.0]], [1, 0])
    vp = editor.widget.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=to_widget(editor, 2, 2))
    for t in np.linspace(0, 1, 6)[1:]:
        qtbot.mouseMove(vp, pos=to_widget(editor, 2 + 3 * t, 2 + 2 * t))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=to_widget(editor, 5, 4))
    np.testing.assert_allclose(editor.points[0], [5, 4], atol=0.1)
    editor.undo_stack.undo()
    np.testing.assert_allclose(editor.points[0], [2, 2])
    editor.undo_stack.redo()
    np.testing.assert_allclose(editor.points[0], [5, 4], atol=0.1)


def _drawn(editor):
    """The points each scatter of the plot shows, by fill colour: {rgba: sorted (x, y)}."""
    shown = {}
    for item in editor.plot.items:
        if isinstance(item, pg.ScatterPlotItem) and item.isVisible() and len(item.data):
            key = item.opts["brush"].color().getRgb()
            pts = np.column_stack([item.data["x"], item.data["y"]])
            shown[key] = np.vstack([shown.get(key, np.empty((0, 2))), pts])
    return {k: v[np.lexsort(v.T[::-1])] for k, v in shown.items()}


def test_points_draw_one_scatter_per_label_and_a_dragged_point_alone(qtbot, editor):
    editor.set_data([[2.0, 2.0], [8.0, 8.0], [5.0, 2.0]], [1, 0, 1])
    drawn = _drawn(editor)
    assert len(drawn) == 2 and sorted(len(v) for v in drawn.values()) == [1, 2]
    vp = editor.widget.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=to_widget(editor, 2, 2))
    for t in np.linspace(0, 1, 4)[1:]:
        qtbot.mouseMove(vp, pos=to_widget(editor, 2 + 2 * t, 2 + 4 * t))
    assert editor.gesture_active
    moved = editor.points[0]
    assert not np.allclose(moved, [2, 2])
    # mid-drag the moved point is an item of its own, so a move repaints only around it
    singles = [
        np.array([i.data["x"][0], i.data["y"][0]])
        for i in editor.plot.items
        if isinstance(i, pg.ScatterPlotItem) and len(i.data) == 1
    ]
    assert any(np.allclose(p, moved) for p in singles)
    sizes = [len(i.data) for i in editor.plot.items if isinstance(i, pg.ScatterPlotItem)]
    assert sorted(n for n in sizes if n) == [1, 1, 1]  # each label's other point, the held one
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=to_widget(editor, 4, 6))
    assert not editor.gesture_active
    after = _drawn(editor)
    assert sorted(len(v) for v in after.values()) == [1, 2]  # back with its label's points
    editor.set_visible(False)
    assert _drawn(editor) == {}


def test_erase_mode_and_delete_key(qtbot, editor):
    editor.set_data([[2.0, 2.0], [5.0, 5.0], [8.0, 8.0]], [1, 1, 0])
    editor.set_mode("erase")
    qtbot.mouseClick(
        editor.widget.viewport(), Qt.MouseButton.LeftButton, pos=to_widget(editor, 5, 5)
    )
    assert len(editor.points) == 2
    editor.set_mode("add")
    qtbot.mouseClick(
        editor.widget.viewport(), Qt.MouseButton.LeftButton, pos=to_widget(editor, 8, 8)
    )
    assert editor.selected == 1  # clicking a point selects it
    editor.widget.setFocus()
    qtbot.keyClick(editor.widget, Qt.Key.Key_Delete)
    np.testing.assert_allclose(editor.points, [[2, 2]])
    editor.undo_stack.undo()
    assert len(editor.points) == 2


def test_spray_paints_a_cloud_in_one_undo_step(qtbot, editor):
    editor.set_mode("spray")
    vp = editor.widget.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=to_widget(editor, 5, 5))
    for t in np.linspace(0, 1, 5)[1:]:
        qtbot.mouseMove(vp, pos=to_widget(editor, 5 + t, 5))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=to_widget(editor, 6, 5))
    n = len(editor.points)
    assert n >= 2 * editor.spray_count
    assert np.all(np.abs(editor.points - [5.5, 5]) < 3)
    editor.undo_stack.undo()
    assert len(editor.points) == 0
