"""Hovering or clicking a plot element selects what the whiteboard's numbers are about: a
point (GMM's γ_nk, SVM's α_i and y_i f(x_i)), a trellis cell (HMM), a chain's proposal
(MCMC). Driven through the plots' own scene signals (offscreen, hover events depend on
which window last had the mouse); the PCA, HMM and MCMC boards' templates typeset."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from prmlab.gui.panels import panel_class
from prmlab.gui.widgets.equations import layout
from prmlab.gui.widgets.equations.pane import templates
from prmlab.lab import hmm, mcmc, pca
from prmlab.lab.whiteboard import board_for
from prmlab.lab.whiteboard.pca import board as pca_board


def settled(qtbot, panel, wait_idle) -> None:
    wait_idle(panel, timeout=60000)
    qtbot.waitUntil(lambda: panel.equations.board is not None, timeout=60000)
    wait_idle(panel, timeout=60000)


def values(panel, start: str) -> dict:
    return next(eq.values for eq in panel.equations.board.equations if eq.caption.startswith(start))


def hover_point(panel, view, x: float, y: float) -> None:
    panel.figure.scene().sigMouseMoved.emit(view.mapViewToScene(QPointF(x, y)))


def test_hovering_an_svm_point_shows_its_alpha_and_margin(qtbot, make_panel, wait_idle):
    panel = make_panel(panel_class("svm"))
    panel.load_preset("Separable")
    settled(qtbot, panel, wait_idle)
    for index in (3, 11):
        x, y = panel.editor.points[index]
        hover_point(panel, panel.editor.view, x, y)
        wait_idle(panel, timeout=60000)
        shown = values(panel, f"The selected point n = {index} ")
        assert shown["a"] == pytest.approx(panel.result.alpha[index])
        assert shown["yf"] == pytest.approx(panel.result.yf[index])


def test_hovering_a_gmm_point_shows_its_responsibilities(qtbot, make_panel, wait_idle):
    panel = make_panel(panel_class("gmm"))
    panel.load_preset("Blobs (3)")
    settled(qtbot, panel, wait_idle)
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    settled(qtbot, panel, wait_idle)
    index = 7
    x, y = panel.editor.points[index]
    hover_point(panel, panel.editor.view, x, y)
    wait_idle(panel, timeout=60000)
    gamma = values(panel, "E step: the responsibilities")["gamma"]
    np.testing.assert_allclose(gamma, panel.frame.result.resp[index])


def test_clicking_a_trellis_cell_shows_its_recursions(qtbot, make_panel, wait_idle):
    panel = make_panel(panel_class("hmm"))
    panel.load_demo()
    settled(qtbot, panel, wait_idle)
    panel.set_time_step(8)
    settled(qtbot, panel, wait_idle)
    assert panel.equations.board.title.startswith("HMM trellis cell t = 9 ")  # follows time
    t, i = 5, 1
    vb = panel.trellis.getViewBox()
    qtbot.mouseClick(
        panel.figure.viewport(), Qt.MouseButton.LeftButton,
        pos=panel.figure.mapFromScene(vb.mapViewToScene(QPointF(t, i))),
    )  # fmt: skip
    wait_idle(panel, timeout=60000)
    assert panel.equations.board.title.startswith(f"HMM trellis cell t = {t + 1} of")
    a = panel.result.analysis
    alpha = values(panel, "Forward α at the selected cell")
    assert alpha["la"] == pytest.approx(a.log_alpha[t, i])
    np.testing.assert_allclose(values(panel, "The posterior γ")["g"], a.gamma[t])


def test_hovering_a_chain_shows_its_proposal(qtbot, make_panel, wait_idle):
    panel = make_panel(panel_class("mcmc"))
    panel.load_demo()
    settled(qtbot, panel, wait_idle)
    for _ in range(3):
        qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
        wait_idle(panel, timeout=60000)
    settled(qtbot, panel, wait_idle)
    result = panel.result
    assert panel.equations.board.title.endswith("of chain 1")
    k = 2
    x, y = result.proposals[k, -1]
    vb = panel.views.map.plot.getViewBox()
    panel.views.map.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(x, y)))
    wait_idle(panel, timeout=60000)
    title = panel.equations.board.title
    near = panel.views.map.chain_near(result, vb.mapViewToScene(QPointF(x, y)))
    assert title.endswith(f"of chain {near + 1}")
    if result.method == "mh":
        np.testing.assert_allclose(panel.equations.board.equations[0].values["zs"],
                                   result.proposals[near, -1])  # fmt: skip


def boards():
    experiment = pca.Experiment(pca.preset("Iris (4 columns)"))
    yield pca_board(experiment.state, experiment.run_to(2))
    state = hmm.preset(hmm.PRESETS[0], length=20)
    result = hmm.Experiment(state).result
    for cell in ((0, 0), (4, 1), (19, 1)):
        yield board_for(state, result, cell)
    for method in ("mh", "gibbs", "hmc"):
        chains = mcmc.Experiment(mcmc.restarted(mcmc.preset("Correlated Gaussian"), method=method))
        yield board_for(chains.state, chains.run_to(2))


def test_every_new_template_typesets():
    for board in boards():
        for template, shapes in templates(board):
            assert layout.layout(template, shapes).viewbox[2] > 0


def test_clicking_a_measurement_selects_its_kalman_step(qtbot, make_panel, wait_idle):
    panel = make_panel(panel_class("track"))
    panel.load_demo()
    settled(qtbot, panel, wait_idle)
    run = panel.run
    t = 7
    view = panel.track_view.view
    qtbot.mouseClick(
        panel.figure.viewport(), Qt.MouseButton.LeftButton,
        pos=panel.figure.mapFromScene(view.mapViewToScene(QPointF(*run.raw[t]))),
    )  # fmt: skip
    wait_idle(panel, timeout=60000)
    assert panel.experiment.result.t == t
    assert panel.equations.board.title.startswith(f"Kalman filter, time step t = {t} ")
    np.testing.assert_allclose(values(panel, "Update: the state")["x"], run.kf.means[t])
