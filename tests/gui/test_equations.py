"""The whiteboard pane: typeset (ziamath through QtSvg) offscreen, live numbers painted into
cached layouts, following the timeline."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from prmlab.gui.panels.gmm import GmmPanel
from prmlab.gui.widgets.equations import layout
from prmlab.gui.widgets.equations.pane import templates
from prmlab.gui.widgets.equations.render import Typeset
from prmlab.gui.widgets.export import export_figure
from prmlab.lab import gmm, svm, track
from prmlab.lab.whiteboard import board_for

KALMAN_GAIN = r"K_t = P^{-}_t H^{\top}(H P^{-}_t H^{\top} + R)^{-1} = \slot{K}"


def idle(panel) -> bool:
    """Neither the panel nor its equations' typesetting busy."""
    return not (panel.busy() or panel.equations.busy())


def ink(image: QImage) -> int:
    """How many pixels are not white (the pane's paper)."""
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return int((array[:, : 4 * image.width()] < 200).sum())


def painted(typeset: Typeset, texts: dict[str, str]) -> QImage:
    w, h = typeset.size()
    image = QImage(int(w) + 2, int(h) + 2, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    typeset.paint(painter, QPointF(0, 0), texts, QColor("black"))
    painter.end()
    return image


def test_fit_number_keeps_the_slot_width():
    for value in (0.0, -0.0, 1.0, -1.234567, 1e-7, -3.3e-9, 123456.7, -9.87e12, 0.5):
        assert len(layout.fit_number(value)) <= layout.SLOT_WIDTH
    assert layout.fit_number(-1.5) == "−1.5"
    assert layout.fit_number(-1e-30, 3) != "−0"
    assert layout.fit_number(float("nan")) == "NaN"


def test_a_matrix_slot_is_laid_out_once_and_its_numbers_painted(qapp):
    """Cost per equation (printed, never asserted): first layout vs a cached repaint."""
    shapes = {"K": (4, 2)}
    start = time.perf_counter()
    first = layout.layout(KALMAN_GAIN, shapes)
    laid_out = time.perf_counter() - start
    assert layout.layout(KALMAN_GAIN, shapes) is first  # cached by template and shape
    assert sorted(first.boxes) == sorted(f"K[{i},{j}]" for i in range(4) for j in range(2))
    typeset = Typeset(first)
    numbers = {name: layout.fit_number(v) for name, v in zip(first.boxes, np.arange(8) - 3.5)}
    blank = painted(typeset, {})
    filled = painted(typeset, numbers)
    start = time.perf_counter()
    for _ in range(20):
        painted(typeset, numbers)
    repaint = (time.perf_counter() - start) / 20
    print(f"layout {1e3 * laid_out:.1f} ms, cached repaint {1e3 * repaint:.2f} ms")
    assert ink(blank) > 200  # the symbols are typeset offscreen
    assert ink(filled) > ink(blank) + 100  # and the numbers are painted into their boxes


def test_bad_latex_is_a_value_error_naming_the_template():
    with pytest.raises(ValueError, match="cannot typeset"):
        layout.layout(r"\begin{bmatrix} 1 & 2")


def boards():
    """A board of every topic's kinds of step (EM's init, E and M; an SMO frame and a fit;
    a Kalman step with and without a measurement)."""
    experiment = gmm.Experiment(gmm.preset("Blobs (3)", seed=0))
    for _ in range(3):
        r = experiment.step()
        yield board_for(experiment.state, r)
    smo = svm.Experiment(svm.preset("Separable", seed=0))
    yield board_for(smo.state, smo.run_to(2))
    yield board_for(smo.state, smo.fit())
    state = track.preset("Circle", seed=0, n_steps=20).replace(dropouts=((5.0, 6.0),))
    kalman = track.Experiment(state)
    for t in (0, 5, 19):
        yield board_for(kalman.state, kalman.run_to(t))


def test_every_template_typesets():
    for board in boards():
        for template, shapes in templates(board):
            assert layout.layout(template, shapes).viewbox[2] > 0


def test_gmm_pane_is_typeset_and_follows_the_timeline(qtbot, make_panel, wait_idle, tmp_path):
    panel = make_panel(GmmPanel)
    panel.load_preset("Blobs (3)")
    pane = panel.equations
    for button in (panel.ui.step_e_button, panel.ui.step_m_button):
        wait_idle(panel)
        qtbot.waitUntil(lambda: idle(panel), timeout=60000)  # the pane's job too
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    qtbot.waitUntil(lambda: idle(panel), timeout=60000)  # the first layouts
    assert pane.isVisible()
    assert pane.board.title.endswith("M step")
    before = pane.view.grab().toImage()
    assert ink(before) > 2000  # typeset equations, offscreen

    panel.timeline.step_back()  # to the E step: new numbers, other equations
    wait_idle(panel)
    qtbot.waitUntil(lambda: idle(panel))
    assert pane.board.title.endswith("E step")
    after = pane.view.grab().toImage()
    assert ink(after) > 2000
    assert after != before

    # exported figures carry the equations under the plots (PNG and SVG)
    plain = QImage(str(export_figure(panel.figure, tmp_path / "plain.png")))
    both = QImage(str(export_figure(panel.figure, tmp_path / "eq.png", below=pane.exported())))
    assert both.width() == plain.width() and both.height() > plain.height() + 100
    assert ink(both.copy(0, plain.height(), both.width(), both.height() - plain.height())) > 2000
    svg_plain = export_figure(panel.figure, tmp_path / "plain.svg").read_text(encoding="utf-8")
    svg = export_figure(panel.figure, tmp_path / "eq.svg", below=pane.exported())
    assert svg.read_text(encoding="utf-8").count("<path") > svg_plain.count("<path") + 50

    qtbot.mouseClick(pane.tabs, Qt.MouseButton.LeftButton, pos=pane.tabs.tabRect(1).center())
    assert pane.tabs.currentIndex() == 1
    assert ink(pane.view.grab().toImage()) > 2000  # the derivation


def test_tracking_pane_follows_the_scrubber(qtbot, make_panel, wait_idle):
    from prmlab.gui.panels.track import TrackPanel

    panel = make_panel(TrackPanel)
    panel.load_preset("Circle")
    wait_idle(panel)
    panel.playback.pause()  # a preset plays its track
    qtbot.waitUntil(lambda: idle(panel), timeout=60000)  # the first layouts
    pane = panel.equations
    assert pane.isVisible()
    assert ink(pane.view.grab().toImage()) > 2000
    panel.scrubber.setValue(5)  # drag the scrubber to t = 5
    qtbot.waitUntil(lambda: idle(panel))
    assert pane.board.title.startswith("Kalman filter, time step t = 5 ")
    gain = next(eq for eq in pane.board.equations if eq.caption == "The Kalman gain")
    assert np.shape(gain.values["K"]) == (4, 2)


def test_the_first_board_waits_for_its_figure_and_later_ones_do_not(qtbot, monkeypatch):
    # the first board imports the typesetter (~0.15 s holding the GIL): at start-up the
    # demo's figure is drawn first, its equations just after
    from prmlab.gui.widgets.equations import pane as pane_module

    monkeypatch.setattr(layout, "_cache", {})  # as in a process that has laid out nothing
    board = pane_module.EquationPane()
    qtbot.addWidget(board)
    figure = {"busy": True}
    board.figure_busy = lambda: figure["busy"]
    state = svm.demo(0)
    exp = svm.Experiment(state)
    exp.run_to_end()
    board.show_board(exp.state, exp.result)
    qtbot.wait(3 * pane_module.FIRST_BOARD_POLL_MS)
    assert board.busy() and not board.job.running and board.board is None
    figure["busy"] = False
    qtbot.waitUntil(lambda: not board.busy() and board.board is not None, timeout=30000)
    # typesetter loaded: a busy figure no longer holds a board back
    figure["busy"] = True
    board.show_board(exp.state, exp.result, 0)
    assert board.job.running


def test_a_first_board_waits_for_a_figure_busy_for_long_at_most_a_second(qtbot, monkeypatch):
    from prmlab.gui.widgets.equations import pane as pane_module

    monkeypatch.setattr(layout, "_cache", {})
    monkeypatch.setattr(pane_module, "FIRST_BOARD_WAIT_S", 0.05)
    board = pane_module.EquationPane()
    qtbot.addWidget(board)
    board.figure_busy = lambda: True  # e.g. a long playback
    exp = svm.Experiment(svm.demo(0))
    exp.run_to_end()
    board.show_board(exp.state, exp.result)
    qtbot.waitUntil(lambda: board.board is not None, timeout=30000)
