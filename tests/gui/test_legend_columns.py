"""Legends under a plot wrap their rows to the width they get, and settle: at full size to
the width they get now, whatever widths they had; in a figure drawn smaller its own scaling
never takes back the columns a narrower width took."""

from __future__ import annotations

import pyqtgraph as pg
import shiboken6
from PySide6.QtWidgets import QGraphicsScene

from prmlab.gui.widgets.figure import Figure
from prmlab.gui.widgets.legend import OutsideLegend, outside_legend


def _legend_under_a_plot(qtbot, width: int, height: int) -> tuple[Figure, OutsideLegend]:
    view = Figure()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    plot = view.addPlot()
    legend = outside_legend(plot, "bottom", colCount=3)
    for name in ("log-lik", "σ²", "closed form"):
        plot.plot([0, 1], [0, 1], name=name)
    return view, legend


def test_a_legend_at_full_size_takes_the_columns_its_width_holds_now(qtbot):
    view, legend = _legend_under_a_plot(qtbot, 900, 500)
    assert view.scale_at(view.width(), view.height()) == 1.0
    three = legend.width_for(3)
    height = legend.geometry().height()
    legend.resize(three - 10, height)  # a layout pass gives it less than its three columns
    assert legend.columnCount == 2
    # a pass before the panel settled, in a view of its final size: a demo and its reopened
    # session had kept different rows for Inference's legend
    legend.resize(three + 1, height)
    assert legend.columnCount == 3


def test_a_legend_drawn_smaller_takes_more_columns_again_only_in_a_view_of_another_size(qtbot):
    view, legend = _legend_under_a_plot(qtbot, 120, 80)
    qtbot.waitUntil(lambda: view.scale_at(view.width(), view.height()) < 1.0)
    assert legend.columnCount == 1  # laid out in the width it got
    three = legend.width_for(3)
    height = legend.geometry().height()
    # the taller legend makes the figure draw smaller, giving it its width back: in the same
    # view this cycled between 1 and 3 columns without end, each pass stretching the legend
    legend.resize(three + 1, height)
    assert legend.columnCount == 1
    view.resize(130, 80)  # the user's resize: any number of columns may fit
    assert view.width() == 130 and view.scale_at(view.width(), view.height()) < 1.0
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
