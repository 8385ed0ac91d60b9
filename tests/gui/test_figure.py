"""The panels' figure shrinks as a whole in a small window instead of cutting plots off."""

from __future__ import annotations

import pyqtgraph as pg

from prmlab.gui.panels.track import TrackPanel
from prmlab.gui.widgets.figure import Figure
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
