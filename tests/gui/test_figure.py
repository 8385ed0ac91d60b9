"""The panels' figure shrinks as a whole in a small window instead of cutting plots off."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from prmlab.gui.panels.track import TrackPanel
from prmlab.gui.widgets.figure import Figure, integer_ticks
from prmlab.gui.widgets.text import TextItem


def _plots_inside(figure: Figure) -> bool:
    viewport = figure.viewport().rect()
    for item in figure.ci.items:
        box = figure.mapFromScene(item.sceneBoundingRect()).boundingRect()
        if not viewport.adjusted(-1, -1, 1, 1).contains(box):
            return False
    return True


def test_a_small_window_scales_the_figure_down_and_a_large_one_does_not(qtbot):
    figure = Figure()
    qtbot.addWidget(figure)
    for col in range(3):
        figure.addPlot(row=0, col=col, title="a long title that needs a lot of room " * 2)
    figure.resize(400, 300)
    figure.show()
    qtbot.wait(50)
    figure.viewport().repaint()
    assert not figure.autoPixelRange and figure.transform().m11() < 1
    assert _plots_inside(figure)
    figure.resize(2400, 400)
    qtbot.wait(50)
    figure.viewport().repaint()
    assert figure.autoPixelRange and figure.transform().m11() == 1
    assert _plots_inside(figure)


def test_a_panel_at_projector_size_shows_every_plot(qtbot, make_panel, wait_idle):
    panel = make_panel(TrackPanel)
    panel.steps_box.setValue(40)
    panel.load_demo()
    wait_idle(panel)
    panel.resize(1024 - 40, 700)
    qtbot.wait(50)
    panel.figure.viewport().repaint()
    assert _plots_inside(panel.figure)


def test_a_framed_text_is_repainted_once_after_its_first_paint_in_a_scaled_figure(qtbot):
    # pyqtgraph's first paint of a TextItem drops the view's scaling: it goes to a scratch
    # image, and the item is painted again for real
    painted = []

    class Counting(TextItem):
        def paint(self, p, *args):
            painted.append(self.isVisible())
            super().paint(p, *args)

    figure = Figure()
    qtbot.addWidget(figure)
    for col in range(3):
        figure.addPlot(row=0, col=col, title="a long title that needs a lot of room " * 2)
    text = Counting("RBF kernel", fill=pg.mkBrush("w"), border=pg.mkPen("k"))
    text.setParentItem(figure.ci.getItem(0, 0).getViewBox())
    text.setPos(8, 8)
    text.hide()  # shown later, like the SVM panel's numbers once a fit arrives
    figure.resize(400, 300)
    figure.show()
    qtbot.wait(300)
    assert figure.transform().m11() < 1 and not painted
    text.show()
    qtbot.waitUntil(lambda: len(painted) >= 2, timeout=3000)


def test_axes_show_plain_numbers_where_they_fit_also_in_nested_layouts(qtbot):
    figure = Figure()
    qtbot.addWidget(figure)
    top = figure.addPlot(row=0, col=0)
    nested = figure.ci.addLayout(row=1, col=0).addPlot(row=0, col=0)
    for plot in (top, nested):
        plot.setLabel("left", "rate")
        plot.plot([0, 1, 2], [0.1, 0.5, 0.9])
    figure.resize(500, 400)
    figure.show()
    qtbot.waitExposed(figure)
    for plot in (top, nested):
        plot.setYRange(0, 0.9, padding=0)  # pyqtgraph made this "(x0.001)" and 100 ... 900
        axis = plot.getAxis("left")
        assert "(x" not in axis.labelString() and axis.autoSIPrefixScale == 1.0
        plot.setYRange(0, 2e-6, padding=0)  # too small for plain numbers: scaled
        assert axis.autoSIPrefixScale != 1.0


def test_integer_ticks_only_at_whole_numbers():
    axis = pg.AxisItem("bottom")
    integer_ticks(axis)
    for lo, hi in ((0, 1), (0.8, 2.2), (0, 7), (0, 1200)):
        values = [v for _, level in axis.tickValues(lo, hi, 400) for v in level]
        assert values and all(float(v).is_integer() for v in values), (lo, hi, values)


def test_a_long_title_wraps_instead_of_scaling_the_figure_down(qtbot):
    from prmlab.gui.widgets.figure import wrap_title

    figure = Figure()
    qtbot.addWidget(figure)
    title = "Decision function f(x): boundary f = 0, margins f = ±1"
    plot = figure.addPlot(row=0, col=0, title=title)
    natural = plot.titleLabel.effectiveSizeHint(Qt.SizeHint.MinimumSize)
    wrap_title(plot)
    figure.resize(int(0.7 * natural.width()), 320)
    figure.show()
    qtbot.wait(50)
    figure.viewport().repaint()
    assert figure.autoPixelRange and figure.transform().m11() == 1  # drawn at full size
    label = plot.titleLabel
    assert label.item.boundingRect().width() <= label.rect().width() + 1  # wrapped inside
    assert label.rect().height() >= 1.6 * natural.height()  # on two lines (one margin)
    plot.setTitle("short")  # pyqtgraph's setTitle keeps the wrapping
    qtbot.wait(50)
    assert label.rect().height() < 1.5 * natural.height()
    plot.setTitle(None)  # and hiding it still hides it
    qtbot.wait(50)
    assert label.rect().height() == 0


def test_a_short_vertical_axis_labels_ticks_that_do_not_overlap(qtbot):
    """A plot 40 px tall with projector-size tick labels (Tracking's RMSE bars at 1024x768,
    fonts +4): pyqtgraph put six labels "10 8 6 4 2 0" over each other. Styled by the
    theme, the labelled ticks are 1.5 lines apart; tall axes keep pyqtgraph's own ticks,
    and an integer axis stays whole."""
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QWidget

    from prmlab.gui.theme import style_plots

    root = QWidget()
    qtbot.addWidget(root)
    figure = Figure(root)
    plot = figure.addPlot()
    counts = figure.addPlot(row=1, col=0)
    integer_ticks(counts.getAxis("left"))
    style_plots(root, "dark", 15)
    style_plots(root, "dark", 15)  # a second styling (a font change) wraps nothing twice
    axis = plot.getAxis("left")
    line = QFontMetricsF(axis.style["tickFont"]).height()
    major, _ = axis.tickSpacing(0.0, 10.0, 40.0)[0]
    assert major * 40.0 / 10.0 >= 1.5 * line
    assert axis.tickSpacing(0.0, 10.0, 600.0) == pg.AxisItem.tickSpacing(axis, 0.0, 10.0, 600.0)
    whole = counts.getAxis("left").tickSpacing(0.0, 3.0, 40.0)
    assert all(float(s).is_integer() for s, _ in whole)
    assert whole[0][0] * 40.0 / 3.0 >= 1.5 * line
