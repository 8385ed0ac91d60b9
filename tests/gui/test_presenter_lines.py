"""Presenter mode's wider lines on a real Tracking panel: wide while the mode is on however
the curves are redrawn (a Step, a zoom, a new pen, a new curve), exactly as before after
leaving or switching panel (nothing leaks out of the mode)."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from prmlab.gui.presenter.lines import line_factor, widen_lines

COLD_START_MS = 180_000  # a demo's first run compiles its kernels when no cache is there yet
CURVES = ("truth_item", "ellipse_item", "rts_item", "kf_item", "pf_item", "now_ellipse")


def curves(panel) -> dict[str, pg.PlotDataItem]:
    """The Tracking panel's curves, by name."""
    track = panel.track_view
    named = {name: getattr(track, name) for name in CURVES}
    named |= {"ess": panel.ess_view.ess_item}
    named |= {"nees": panel.consistency_view.nees_item, "nis": panel.consistency_view.nis_item}
    return named


def drawn(item: pg.PlotDataItem) -> float:
    """The width ``item``'s curve is drawn with (its own pen's width must agree)."""
    width = item.curve.opts["pen"].widthF()
    assert item.opts["pen"].widthF() == width
    return width


def widths(panel) -> dict[str, float]:
    return {name: drawn(item) for name, item in curves(panel).items()}


def wide(panel, narrow: dict[str, float], factor: float) -> dict[str, float]:
    return {name: pytest.approx(max(w, 1.0) * factor) for name, w in narrow.items()}


def painted(qtbot, panel) -> None:
    """The figure painted once more (as the screen does after any change)."""
    panel.figure.grab()
    qtbot.wait(10)


@pytest.fixture
def track(main_window, wait_idle):
    """The main window on the Tracking demo, with its curves' widths and pens outside the
    mode."""
    panel = main_window.show_panel("track")
    panel.load_demo()
    wait_idle(panel, timeout=COLD_START_MS)
    pens = {name: pg.mkPen(item.opts["pen"]) for name, item in curves(panel).items()}
    return main_window, panel, widths(panel), pens


def test_curves_stay_wide_through_steps_and_zooms_and_come_back_exactly(track, qtbot, wait_idle):
    window, panel, narrow, pens = track
    presenter = window.presenter
    presenter.enter()
    factor = line_factor(window.font_size)
    assert factor > 1.0
    assert widths(panel) == wide(panel, narrow, factor)  # right after entering (F5)
    painted(qtbot, panel)
    assert widths(panel) == wide(panel, narrow, factor)
    presenter.do("reset")
    wait_idle(panel)
    for _ in range(3):  # → : a Step redraws the curves (the RTS one too)
        presenter.do("step")
        wait_idle(panel)
        assert widths(panel) == wide(panel, narrow, factor)
    view = panel.track_view.view  # a zoom, as the mouse wheel does
    view.scaleBy((0.5, 0.5))
    (x0, x1), (y0, y1) = view.viewRange()
    view.setRange(xRange=(x0, (x0 + x1) / 2), yRange=(y0, (y0 + y1) / 2), padding=0)
    painted(qtbot, panel)
    assert widths(panel) == wide(panel, narrow, factor)
    qtbot.keyClick(panel.figure, Qt.Key.Key_Escape)  # as the clicker leaves
    assert not presenter.active
    assert widths(panel) == narrow
    assert {n: pg.mkPen(i.opts["pen"]) for n, i in curves(panel).items()} == pens
    panel.step_back()  # nothing left hooked: outside the mode the lines stay narrow
    wait_idle(panel)
    painted(qtbot, panel)
    assert widths(panel) == narrow


def test_pens_and_curves_the_panel_makes_while_presenting_are_widened_then_its_own(track, qtbot):
    window, panel, narrow, _ = track
    window.presenter.enter()
    factor = line_factor(window.font_size)
    rts = panel.track_view.rts_item
    rts.setPen(pg.mkPen("r", width=4))  # the panel re-styles a curve
    added = panel.track_view.plot.plot([0, 1, 2], [0, 1, 0], pen=pg.mkPen("b", width=1.5))
    bare = pg.PlotCurveItem([0, 1], [1, 0], pen=pg.mkPen("g", width=0))  # a hairline
    panel.ess_view.plot.addItem(bare)
    painted(qtbot, panel)
    assert drawn(rts) == pytest.approx(4 * factor)
    assert drawn(added) == pytest.approx(1.5 * factor)
    assert bare.opts["pen"].widthF() == pytest.approx(factor)
    rts.setData([0, 1], [0, 1])  # a redraw keeps its wide pen
    assert drawn(rts) == pytest.approx(4 * factor)
    later = pg.mkPen("m", width=3)
    panel.track_view.kf_item.setPen(later)  # set just before leaving: the panel's as set
    window.presenter.leave()
    assert drawn(rts) == 4 and drawn(added) == 1.5 and bare.opts["pen"].widthF() == 0
    assert rts.opts["pen"].color() == pg.mkColor("r")
    assert drawn(panel.track_view.kf_item) == 3
    narrow |= {"rts_item": 4.0, "kf_item": 3.0}
    assert widths(panel) == narrow


def test_switching_panels_and_entering_again_never_compounds(track, qtbot, wait_idle):
    window, panel, narrow, _ = track
    presenter = window.presenter
    mcmc = window.panel("mcmc")
    mcmc_narrow = own_widths(mcmc)  # no run yet: lines without data
    for _ in range(2):
        presenter.enter()
        factor = line_factor(window.font_size)
        assert widths(panel) == wide(panel, narrow, factor)
        presenter.do("panel:5")  # 6: MCMC presented, Tracking back as it was
        assert window.current_panel() is mcmc
        assert widths(panel) == narrow
        painted(qtbot, panel)
        assert widths(panel) == narrow
        presenter.do("panel:4")  # 5: Tracking wide again, once
        assert window.current_panel() is panel
        painted(qtbot, panel)
        assert widths(panel) == wide(panel, narrow, factor)
        presenter.do("step")
        wait_idle(panel)
        presenter.leave()
        assert widths(panel) == narrow
        assert own_widths(mcmc) == mcmc_narrow
    wait_idle(mcmc)


def own_widths(panel) -> dict[int, float]:
    """The widths of the pens of ``panel``'s PlotDataItems drawing a line."""
    items = panel.figure.scene().items()
    lines = [i for i in items if isinstance(i, pg.PlotDataItem) and i.opts["pen"] is not None]
    assert lines
    return {id(i): i.opts["pen"].widthF() for i in lines}


def test_leaving_keeps_a_colour_the_theme_gave_meanwhile(track, qtbot):
    """A restyle made from the wide pen (as ``theme.style_plots`` restyles ink) is narrowed
    back to the curve's own width in its new colour, not to the stale pen."""
    window, panel, narrow, _ = track
    window.presenter.enter()
    factor = line_factor(window.font_size)
    window.set_theme("dark")
    truth = panel.track_view.truth_item
    pen = pg.mkPen(truth.opts["pen"])  # copy of the wide pen, new colour
    pen.setColor(pg.mkColor("#E0E0E0"))
    truth.setPen(pen)
    painted(qtbot, panel)
    assert drawn(truth) == pytest.approx(narrow["truth_item"] * factor)
    window.presenter.leave()
    assert widths(panel) == narrow
    assert truth.opts["pen"].color() == pg.mkColor("#E0E0E0")
    assert truth.opts["pen"].style() == Qt.PenStyle.DashLine


def test_no_widening_at_the_default_size_and_narrowing_twice_is_harmless(qtbot):
    figure = pg.GraphicsLayoutWidget()
    qtbot.addWidget(figure)
    item = figure.addPlot().plot([0, 1], [0, 1], pen=pg.mkPen("k", width=2))
    assert line_factor(11) == 1.0
    widen_lines(figure, 1.0)()
    assert drawn(item) == 2
    narrow = widen_lines(figure, 2.0)
    assert drawn(item) == 4
    narrow()
    narrow()  # twice: harmless
    assert drawn(item) == 2
