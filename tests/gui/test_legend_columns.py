"""Legends under a plot wrap their rows to the width they get, and settle: the figure's own
scaling never takes back the columns a narrower width took."""

from __future__ import annotations

import pyqtgraph as pg
import shiboken6
from PySide6.QtWidgets import QGraphicsScene

from prmlab.gui.widgets.legend import outside_legend


def test_a_legend_takes_more_columns_again_only_in_a_view_of_another_size(qtbot):
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    plot = view.addPlot()
    legend = outside_legend(plot, "bottom", colCount=3)
    for name in ("log-lik", "σ²", "closed form"):
        plot.plot([0, 1], [0, 1], name=name)
    three = legend.width_for(3)
    height = legend.geometry().height()
    legend.resize(three - 10, height)  # a layout pass gives it less than its three columns
    assert legend.columnCount == 2
    # the taller legend makes the figure draw smaller, giving it its width back: in the same
    # view this cycled between 2 and 3 columns without end, each pass stretching the legend
    legend.resize(three + 1, height)
    assert legend.columnCount == 2
    view.resize(1000, 500)  # the user's resize: any number of columns may fit
    qtbot.waitUntil(lambda: view.width() == 1000)
    legend.resize(three + 1, height)
    assert legend.columnCount == 3
    legend.resize(three - 10, height)
    legend.setLabelTextSize("14pt")
    legend.updateSize()  # a new font (theme.style_plots): measured anew, no memory of widths
    legend.resize(legend.width_for(3) + 1, height)
    assert legend.columnCount == 3


def test_a_legend_laid_out_while_its_scene_is_deleted_raises_nothing(qtbot, monkeypatch):
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = view.addPlot()
    legend = outside_legend(plot, "bottom", colCount=3)
    for name in ("a", "b", "c"):
        plot.plot([0, 1], [0, 1], name=name)
    dead = QGraphicsScene()
    shiboken6.delete(dead)
    # a closing panel's scene laid its legends out once more from its destructor: the
    # scene's wrapper raised RuntimeError (an uncaught exception at a test's teardown)
    monkeypatch.setattr(legend, "scene", lambda: dead)
    legend.resize(legend.width_for(3) - 10, 40)
    assert legend.columnCount == 2
