"""The explanation under the figure: its text's height, asked many times as a window is laid
out, is that of the label's own layout for the text, font and width it has now."""

from PySide6.QtGui import QFont

from prmlab.gui.widgets.explanation import Explanation


def test_the_text_height_follows_the_width_the_text_and_the_font(qtbot):
    pane = Explanation("<b>Maximum margin</b> " + "a support vector is a point with α > 0. " * 20)
    qtbot.addWidget(pane)
    label = pane.label
    narrow, wide = pane.text_height(300), pane.text_height(900)
    assert narrow > wide == label.heightForWidth(900)
    label.setText("one short line")
    short = pane.text_height(300)
    assert short == label.heightForWidth(300) < narrow
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert pane.text_height(300) == label.heightForWidth(300) > short
