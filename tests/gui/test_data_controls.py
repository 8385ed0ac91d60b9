"""The shared data controls: one DataChoice per user change, filled without emitting."""

from __future__ import annotations

from PySide6.QtCore import Qt

from prmlab.gui.widgets.data_controls import DataChoice, DataControls

NAMES = ("sepal length", "sepal width", "petal length", "petal width")


def make(qtbot, **kwargs) -> tuple[DataControls, list[DataChoice]]:
    controls = DataControls(**kwargs)
    qtbot.addWidget(controls)
    seen: list[DataChoice] = []
    controls.sigChanged.connect(seen.append)
    controls.show_table("iris", 150, NAMES, ("setosa", "versicolor", "virginica"))
    return controls, seen


def test_a_table_fills_it_without_emitting_and_each_change_emits_once(qtbot):
    controls, seen = make(qtbot, class_labels=("Class −1", "Class +1"))
    assert seen == [] and "150 rows, 4 columns, 3 classes" in controls.summary.text()
    assert controls.choice() == DataChoice(x=0, y=1, classes=(0, 1))
    controls.y_box.setCurrentIndex(3)
    controls.class_boxes[1].setCurrentIndex(2)
    controls.standardise_box.click()
    assert seen == [
        DataChoice(y=3, classes=(0, 1)),
        DataChoice(y=3, classes=(0, 2)),
        DataChoice(y=3, classes=(0, 2), standardise=True),
    ]
    controls.view_box.setCurrentIndex(controls.view_box.findData("pcs"))
    assert seen[-1].view == "pcs" and not controls.x_box.isEnabled()


def test_set_choice_shows_it_silently_and_columns_keep_one_ticked(qtbot):
    controls, seen = make(qtbot, columns=True)
    assert controls.choice().columns == ()  # all columns
    choice = DataChoice(columns=(1, 2), view="pcs", x=1, y=2, standardise=True)
    controls.set_choice(choice)
    assert controls.choice() == choice and seen == []
    controls.column_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert seen[-1].columns == (2,)
    controls.column_list.item(2).setCheckState(Qt.CheckState.Unchecked)  # the last one
    assert seen[-1].columns == (1,)  # the x₁ column stays ticked


def test_without_views_and_the_same_table_again_keeps_its_items(qtbot):
    controls, seen = make(qtbot, columns=True, views=False)
    controls.show()
    assert not controls.view_box.isVisible() and not controls.x_box.isVisible()
    item = controls.column_list.item(2)
    controls.show_table("iris", 150, NAMES, ("setosa",), DataChoice(columns=(0, 2)))
    assert controls.column_list.item(2) is not item  # other classes: filled anew
    item = controls.column_list.item(2)
    # a panel showing the State this change made, inside the change's own signal
    controls.sigChanged.connect(
        lambda choice: controls.show_table("iris", 150, NAMES, ("setosa",), choice)
    )
    item.setCheckState(Qt.CheckState.Unchecked)
    assert controls.column_list.item(2) is item and seen[-1].columns == (0,)
    assert controls.choice().columns == (0,)
