"""The "Points" group of a panel whose points are drawn with the mouse: the preset with a
new-sample button, the seed, the editing tools (add/move, erase, clear) and a hint line."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QButtonGroup, QComboBox, QFormLayout, QLabel, QLayout, QPushButton

from prmlab.gui.widgets.params import SeedBox, group, side_by_side


class PointsGroup(NamedTuple):
    form: QFormLayout
    new_button: QPushButton
    add_button: QPushButton
    erase_button: QPushButton
    clear_button: QPushButton
    hint: QLabel


def points_group(
    controls: QLayout, preset_box: QComboBox, seed_box: SeedBox, hint: str
) -> PointsGroup:
    """Add the group to ``controls``; Add/move and Erase are exclusive tool buttons."""
    form = group(controls, "Points")
    new_button = QPushButton("↻ New")
    new_button.setToolTip("A new random sample of the preset (a fresh random seed)")
    form.addRow("Preset", side_by_side(preset_box, new_button))
    form.addRow("Seed", seed_box)
    add_button = QPushButton("Add/move", checkable=True, checked=True)
    erase_button = QPushButton("Erase", checkable=True)
    clear_button = QPushButton("Clear")
    tools = QButtonGroup(form.parentWidget())
    for button in (add_button, erase_button):
        tools.addButton(button)
    form.addRow(side_by_side(add_button, erase_button, clear_button))
    hint_label = QLabel(hint)
    hint_label.setWordWrap(True)
    form.addRow(hint_label)
    return PointsGroup(form, new_button, add_button, erase_button, clear_button, hint_label)
