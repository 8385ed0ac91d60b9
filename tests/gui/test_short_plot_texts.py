"""Texts drawn inside a plot stay inside it when the plot is short or narrow (a 1024x768
window, fonts +4): Tracking's RMSE values above their bars, EM/GMM's monotonicity verdict."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from prmlab.gui import theme
from prmlab.gui.panels.gmm import GmmPanel
from prmlab.gui.panels.track import TrackPanel


def _inside(item, view) -> bool:
    box, room = item.sceneBoundingRect(), view.sceneBoundingRect()
    return room.adjusted(-1, -1, 1, 1).contains(box)


def _big_fonts(qtbot, panel, width: int = 1900) -> None:
    """Fonts +4 on a 1920x1080 screen: the figure is drawn at full size (scaled, a text
    that ignores transformations has no true scene bounds), its plots at least three text
    lines tall."""
    theme.style_plots(panel, "light", theme.DEFAULT_POINT_SIZE + 4)
    panel.resize(width, 1000)
    qtbot.waitUntil(lambda: panel.height() == 1000)
    qtbot.wait(20)
    qtbot.waitUntil(lambda: not panel._fold_timer.isActive())
    qtbot.wait(50)


def test_rmse_values_keep_room_above_their_bars_in_a_short_plot(qtbot, make_panel, wait_idle):
    panel = make_panel(TrackPanel)
    panel.load_demo()
    wait_idle(panel, timeout=60000)
    view = panel.rmse_view.plot.getViewBox()
    _big_fonts(qtbot, panel)  # the RMSE plot three text lines tall, a label one of them
    assert panel.figure.scale_at(panel.figure.width(), panel.figure.height()) == 1.0
    assert all(_inside(t, view) for t in panel.rmse_view.texts if t.toPlainText())


def test_the_em_verdict_wraps_inside_a_narrow_plot(qtbot, make_panel, wait_idle):
    panel = make_panel(GmmPanel)
    panel.load_demo()
    wait_idle(panel, timeout=60000)
    view = panel.curve_view.plot.getViewBox()
    text = panel.curve_view.mono_text
    _big_fonts(qtbot, panel, width=1500)  # the verdict with its reason wider than the plot
    assert panel.figure.scale_at(panel.figure.width(), panel.figure.height()) == 1.0
    # a fall of log p is said with its reason: a line wider than the plot
    fallen = replace(panel.result, history=np.array([-3.0, -2.0, -2.5]))
    panel.curve_view.draw(fallen)
    assert "reg·I" in text.toPlainText()
    assert _inside(text, view)


def test_hmm_names_its_path_bars_under_them_not_as_crowded_ticks(make_panel):
    from prmlab.gui.panels.hmm import HmmPanel
    from prmlab.gui.panels.hmm.views import STRIPS

    panel = make_panel(HmmPanel)
    plot = panel.posterior_view.plot
    # 0.22 of the axis apart, the bars' tick labels overlapped even at 1440x900
    (ticks,) = plot.getAxis("left")._tickLevels
    assert [label for _, label in ticks] == ["1", "0.5", "0"]
    label = plot.getAxis("bottom").labelText
    assert all(name in label for _, _, name in STRIPS)


def test_a_title_set_after_the_styling_takes_the_themes_font(qtbot):
    # Linear models' side plots get their titles with their first result, after the window
    # styled them: they had pyqtgraph's plain 9 pt titles among bold ones in the font chosen
    import pyqtgraph as pg
    from PySide6.QtWidgets import QWidget

    panel = QWidget()
    qtbot.addWidget(panel)
    plot = pg.GraphicsLayoutWidget(panel).addPlot()
    theme.style_plots(panel, "dark", theme.DEFAULT_POINT_SIZE + 4)
    plot.setTitle("Coefficient paths")
    opts = plot.titleLabel.opts
    assert opts["bold"] and opts["size"] == f"{theme.DEFAULT_POINT_SIZE + 6}pt"
    assert opts["color"] == theme.THEMES["dark"][1]
