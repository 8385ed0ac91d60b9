"""The shared point editor driven with real mouse and key events (the recipe panels reuse)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack

from prmlab.gui.widgets.point_editor import PointEditor, editable_plot


@pytest.fixture
def editor(qtbot):
    import pyqtgraph as pg

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
