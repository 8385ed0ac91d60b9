"""PCA's whiteboard pane: shown under the figure, following EM's frames with the PCA route
(S = UΛUᵀ), the SVD route and p-PCA's E and M updates, each number checked against NumPy
and the engine's frames; a long board title wraps instead of widening the panel."""

from __future__ import annotations

import numpy as np

from prmlab.gui.panels import panel_class
from prmlab.gui.widgets.equations.pane import EquationPane
from prmlab.lab.whiteboard import Board


def settled(qtbot, panel, wait_idle) -> None:
    wait_idle(panel, timeout=60000)
    qtbot.waitUntil(lambda: panel.equations.board is not None, timeout=60000)
    wait_idle(panel, timeout=60000)


def shown(panel) -> dict:
    return {eq.caption.split(" (")[0]: eq.values for eq in panel.equations.board.equations}


def test_the_pca_pane_shows_both_routes_and_the_em_step_drawn(qtbot, make_panel, wait_idle):
    panel = make_panel(panel_class("pca"))
    panel.load_demo()
    settled(qtbot, panel, wait_idle)
    assert panel.equations.isVisibleTo(panel)
    a, t = panel.result.analysis, panel.result.iteration
    assert t > 1 and panel.equations.board.title.endswith(f"EM iteration {t} (point n = 1)")
    values = shown(panel)
    S = np.cov(a.X.T, ddof=1)
    np.testing.assert_allclose(values["The sample covariance"]["S"], S, rtol=1e-12)
    lam, U = values["Its eigenvalues"]["lam"], values["Its eigenvalues"]["U"]
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(S)[::-1], rtol=1e-10)
    np.testing.assert_allclose(U @ np.diag(lam) @ U.T, S, atol=1e-12)
    svd = values["The same axes by the SVD of the centred data"]
    singular = np.linalg.svd(a.X - a.X.mean(axis=0), compute_uv=False)
    np.testing.assert_allclose(svd["sv"], singular, rtol=1e-12)
    np.testing.assert_allclose(np.abs(svd["V"].T @ U), np.eye(2), atol=1e-10)
    np.testing.assert_allclose(values["M step: the new W"]["W"], a.frames[t].W, atol=1e-9)
    np.testing.assert_allclose(
        values["M step: the new noise variance"]["s2"], a.frames[t].sigma2, rtol=1e-9
    )
    panel.seek(3)  # the timeline: the board shows the iteration from frame 2 to frame 3
    settled(qtbot, panel, wait_idle)
    assert panel.equations.board.title.endswith("EM iteration 3 (point n = 1)")
    old = a.frames[2]
    M = old.W.T @ old.W + old.sigma2 * np.eye(old.W.shape[1])
    e_step = shown(panel)["E step from the old W and σ²"]
    np.testing.assert_allclose(e_step["M"], M, atol=1e-12)
    np.testing.assert_allclose(
        e_step["Ez"], np.linalg.solve(M, old.W.T @ (a.X[0] - a.X.mean(axis=0))), atol=1e-12
    )
    np.testing.assert_allclose(shown(panel)["M step: the new W"]["W"], a.frames[3].W, atol=1e-9)


def test_a_long_board_title_wraps_instead_of_widening_the_pane(qtbot):
    pane = EquationPane()
    qtbot.addWidget(pane)
    pane._take(None)
    empty = pane.minimumSizeHint().width()
    title = "PCA of 1,000 points in 13 dimensions; p-PCA EM iteration 400 (point n = 1000)"
    pane._take(Board(title * 2, ()))
    # one unbroken line of it was the pane's (and the panel's) least width: at fonts +4 the
    # PCA panel could not unfold its control column at 1024x768 without growing the window
    assert pane.minimumSizeHint().width() <= max(empty, 300)
    assert pane.title.text().strip().startswith("PCA of 1,000 points")
