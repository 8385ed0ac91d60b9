"""A status text whose changes never move the buttons below it."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from prmlab.gui.widgets.status import SteadyLabel

LONG = "iteration 12 of 25: σ² = 1.825 (closed form 1.825), log-lik / point = -4.0556 " * 2


def test_the_button_below_stays_put_as_the_text_changes(qtbot):
    box = QWidget()
    qtbot.addWidget(box)
    column = QVBoxLayout(box)
    label = SteadyLabel("iteration 0", lines=2)
    button = QPushButton("Step")
    column.addWidget(label)
    column.addWidget(button)
    column.addStretch(1)
    box.resize(260, 400)
    box.show()
    qtbot.waitExposed(box)
    first = button.y()
    label.setText(LONG)  # wraps to more than two lines: the button moves down once ...
    qtbot.wait(20)
    tall = button.y()
    assert tall > first
    for text in ("iteration 1", LONG, "done"):  # ... and then stays where it is
        label.setText(text)
        qtbot.wait(20)
        assert button.y() == tall
    label.setText("")
    qtbot.wait(20)
    assert button.y() == tall
