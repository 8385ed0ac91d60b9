"""Both themes are readable: message levels, disabled buttons, check boxes, plot text; the
mouse wheel scrolls the control column instead of changing an unfocused value."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QWidget
from readability import contrast, grabbed
from readability import themed as themed  # the fixture

from prmlab.gui import theme
from prmlab.gui.panels.hmm import HmmPanel
from prmlab.gui.widgets.messages import MessageBar
from prmlab.gui.widgets.text import TextItem

LEVELS = ("error", "warning", "note")


@pytest.mark.parametrize("name", ["light", "dark"])
def test_each_message_level_is_painted_with_readable_text(qtbot, themed, name):
    themed(name)
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.resize(400, 40)
    bar.show()
    for level in LEVELS:
        getattr(bar, level)("Something to read")
        qtbot.wait(10)
        # the background really painted (the dark theme showed the window's grey) ...
        painted = QColor(*grabbed(bar)[2, 2])
        fg, bg = bar.colors()
        assert painted == QColor(bg), (level, painted.name(), bg)
        # ... and the label's text colour on it passes WCAG AA
        text = bar._label.palette().color(QPalette.ColorRole.WindowText)
        assert text == QColor(fg)
        assert contrast(text, painted) >= 4.5, (name, level)


def test_a_theme_switch_recolours_the_message_shown(qtbot, themed):
    themed("light")
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.note("Loaded")
    light = bar.colors()
    themed("dark")
    qtbot.wait(10)
    assert bar.colors() != light
    assert bar.colors()[1] in bar.styleSheet()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_a_disabled_button_looks_disabled(qtbot, themed, name):
    themed(name)
    enabled, disabled = QPushButton("Step M"), QPushButton("Step M")
    disabled.setEnabled(False)
    for b in (enabled, disabled):
        qtbot.addWidget(b)
        b.resize(120, 36)
        b.show()
    qtbot.wait(10)
    palette = QApplication.palette()
    on = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    off = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    assert contrast(on, off) >= 2.0

    # the rendered text differs: the pixel farthest from the button face is clearly apart
    def text_extreme(img: np.ndarray) -> int:
        sums = img.sum(axis=2)
        return int(sums.min() if name == "light" else sums.max())

    assert abs(text_extreme(grabbed(enabled)) - text_extreme(grabbed(disabled))) > 3 * 40


@pytest.mark.parametrize("name", ["light", "dark"])
def test_a_check_box_square_stands_out_from_the_window(qtbot, themed, name):
    themed(name)
    box = QCheckBox("Standardise")
    qtbot.addWidget(box)
    box.show()
    qtbot.wait(10)
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    img = grabbed(box)
    square = img[:, : img.shape[0]]  # the indicator sits at the left, about as wide as high
    # its outline or fill stands out as WCAG asks of a control's parts (3:1); in the dark
    # theme both had been within 1.6:1 of the window
    best = max(contrast(QColor(*px), window) for px in square.reshape(-1, 3)[::3])
    assert best >= 3.0, name


def test_plot_text_follows_the_theme_and_the_font(qtbot, themed):
    themed("light")
    window = QWidget()
    qtbot.addWidget(window)
    plot = pg.GraphicsLayoutWidget(window).addPlot()
    value = theme.plot_text(TextItem("5.80"))
    plot.addItem(value)
    theme.style_plots(window, "dark", 19)
    assert value.textItem.font().pointSize() == 19
    assert value.color == pg.mkColor(theme.THEMES["dark"][1])


def test_marks_in_ink_follow_the_theme(qtbot, themed):
    window = QWidget()
    qtbot.addWidget(window)
    plot = pg.GraphicsLayoutWidget(window).addPlot()
    start = theme.ink(pg.ScatterPlotItem(symbol="x", pen=pg.mkPen("k", width=2)), fill=True)
    plot.addItem(start)
    theme.style_plots(window, "dark", 11)
    light_ink = pg.mkColor(theme.THEMES["dark"][1])
    assert start.opts["pen"].color() == light_ink and start.opts["pen"].widthF() == 2
    assert start.opts["brush"].color() == light_ink  # black marks vanished on dark


def test_the_wheel_over_an_unfocused_slider_scrolls_the_column(qtbot, make_panel, themed):
    themed("light", 19)  # big fonts: the column scrolls
    panel = make_panel(HmmPanel)
    panel.resize(1024, 500)
    qtbot.wait(50)
    playback = panel.fit_playback
    slider = playback.speed.slider
    column = panel.controls_scroll
    column.ensureWidgetVisible(slider)
    qtbot.wait(10)
    before_value, before_scroll = slider.value(), column.verticalScrollBar().value()
    assert column.verticalScrollBar().maximum() > 0
    assert not slider.hasFocus()

    def wheel(widget):
        pos = QPointF(widget.width() / 2, widget.height() / 2)
        event = QWheelEvent(
            pos,
            QPointF(widget.mapToGlobal(QPoint(int(pos.x()), int(pos.y())))),
            QPoint(0, 0),
            QPoint(0, 120 * 3),  # three notches up
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)

    wheel(slider)
    assert slider.value() == before_value  # HMM's speed went 1.9 -> 1 while scrolling
    assert column.verticalScrollBar().value() != before_scroll  # the column scrolled instead
    slider.setFocus()
    wheel(slider)
    assert slider.value() != before_value  # a control the user picked still takes the wheel
