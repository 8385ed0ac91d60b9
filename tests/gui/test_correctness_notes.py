"""Issue #17's "Notation and correctness" points, checked on what the panels show: each
text says what it computes, and the numbers beside it agree with an independent
computation (numbered as in the issue)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from scipy import stats

from prmlab.engine import kalman
from prmlab.engine import mcmc as engine_mcmc
from prmlab.gui.panels.gmm import GmmPanel
from prmlab.gui.panels.hmm import HmmPanel
from prmlab.gui.panels.hmm.trellis import step_text
from prmlab.gui.panels.linear.panel import EXPLANATION as LINEAR_TEXT
from prmlab.gui.panels.mcmc import McmcPanel
from prmlab.gui.panels.mcmc.views import CHAIN_COLORS
from prmlab.gui.panels.pca import PcaPanel
from prmlab.gui.panels.pca.explanation import EXPLANATION as PCA_TEXT
from prmlab.gui.panels.svm import SvmPanel
from prmlab.gui.panels.track import TrackPanel
from prmlab.gui.panels.track.controls import NOISE_PARAMS
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import R95, coverage
from prmlab.gui.widgets.equations import EquationPane, FoldSetting
from prmlab.lab import pca

TAGS = re.compile(r"<[^>]+>")


def plain(html: str) -> str:
    """A rich text as read: tags out, subscripts inline."""
    return TAGS.sub("", html).replace("&lt;", "<").replace("&gt;", ">")


# -- 1, 9, 11: Tracking ------------------------------------------------------------------------
def test_tracking_says_nees_uses_the_true_position_and_defines_the_innovation():
    text = plain(TrackPanel.explanation)
    assert "NEES (z − m)ᵀP⁻¹(z − m) uses the true state z, position block only" in text
    assert "so it follows χ²(2)" in text
    assert "y = x − H m⁻" in text  # the innovation, defined where NIS is
    assert "averaged R" in text and "not an EKF" in text  # range-bearing: what the KF gets
    sigma = next(p for p in NOISE_PARAMS if p.name == "sigma")
    assert "averaged R" in sigma.tooltip  # "R = σ² I" holds for position measurements only
    # the engine's docstrings use the panel's symbols: z the state, x the measurement
    assert "true states z_t" in kalman.nees.__doc__
    assert "z_t (n,) is the hidden state and x_t (m,) the measurement" in kalman.__doc__


def test_tracking_draws_the_95_percent_contour(make_panel, wait_idle):
    panel = make_panel(TrackPanel)
    panel.steps_box.setValue(40)
    panel.c.particles_slider.setValue(300)
    panel.load_demo()
    wait_idle(panel, timeout=120_000)  # a cold start typesets its board
    run, t = panel.run, panel.t
    m, P = run.kf.means[t, :2], run.kf.covs[t, :2, :2]
    x, y = panel.track_view.now_ellipse.getData()
    d = np.column_stack([x, y]) - m
    mahalanobis = np.einsum("ni,ni->n", d, np.linalg.solve(P, d.T).T)
    np.testing.assert_allclose(stats.chi2.cdf(mahalanobis, 2), 0.95, rtol=1e-9)
    # the legend names it, with a ring in the current ellipse's colour as its sample
    rows = {label.text: sample.item for sample, label in panel.track_view.legend.items}
    ring = rows["95 % ellipse"]
    assert ring.opts["pen"].color() == panel.track_view.now_ellipse.opts["pen"].color()


def test_ellipse_coverage_in_two_dimensions():
    assert coverage(1.0) == pytest.approx(stats.chi2.cdf(1.0, 2))  # 39 %
    assert coverage(2.0) == pytest.approx(0.8647, abs=1e-4)  # "2σ" is not 95 %
    assert coverage(R95) == pytest.approx(0.95)
    assert "39 % and 86 %" in plain(GmmPanel.explanation)
    assert "39 % and 86 %" in plain(PCA_TEXT)


# -- 3, 12: EM/GMM -----------------------------------------------------------------------------
def test_gmm_explains_reg_covar_and_its_status_names_the_log_likelihood(make_panel, wait_idle):
    text = plain(GmmPanel.explanation)
    assert "+ reg·I" in text and "log p can fall" in text
    panel = make_panel(GmmPanel)
    panel.load_preset("Old Faithful", then="fit")
    wait_idle(panel, timeout=120_000)  # a cold start typesets its board
    status = panel.ui.status_label.text()
    assert "log p(X|θ)/N at the E step's θ" in status and "log-lik" not in status
    # a fall of log p is drawn with its reason, never a bare "✗ decreased"
    fallen = replace(panel.result, history=np.array([-3.0, -2.0, -2.5]))
    panel.curve_view.draw(fallen)
    mark = panel.curve_view.mono_text.toPlainText()
    assert mark.startswith("✗ decreased at iteration 3") and "reg·I" in mark


# -- 4, 5, 8: PCA, Fisher, p-PCA ---------------------------------------------------------------
def test_pca_states_one_convention_and_sigma2_follows_from_lambda():
    text = plain(PCA_TEXT)
    assert "S = XᵀHX/(N−1)" in text and "(N−1)/N × the mean of the discarded λ" in text
    assert "W = U_q(Λ_q − σ²I)^½ R" in text and "1 − σ²/λ₁" not in text
    a = pca.analyse(pca.preset("Two clusters", 0))
    n, lam = len(a.X), a.pca.explained_variance_
    # the numbers on screen: σ² 1.825 and λ₂ 1.838, related as the text says
    assert a.closed.sigma2_ == pytest.approx((n - 1) / n * lam[1], rel=1e-12)


def test_ppca_convergence_rate_is_measured_not_claimed():
    a = pca.analyse(pca.preset("Ring", 0))
    lam = a.pca.explained_variance_
    rate = pca.em_rate(a.frames, a.closed.loglik_history_[-1])
    # λ₁ ≈ λ₂ on Ring: EM is slow (~0.86 a step), far from the old claim 1 − σ²/λ₁ ≈ 0.18
    assert rate == pytest.approx(0.86, abs=0.03)
    assert 1 - a.closed.sigma2_ / lam[0] < 0.2
    assert "1 − σ²/λ₁" not in Path(pca.__file__).read_text(encoding="utf-8")


def test_fisher_shows_the_two_class_j_and_says_what_the_line_is(make_panel, wait_idle):
    assert "projection axis" in plain(PCA_TEXT) and "not a decision boundary" in plain(PCA_TEXT)
    assert "generalised eigenproblem S_B w = J S_W w" in plain(PCA_TEXT)
    panel = make_panel(PcaPanel)
    panel.load_preset("Two clusters")
    wait_idle(panel, timeout=120_000)  # a cold start typesets its board
    a = panel.analysis
    X, labels = a.X, a.labels
    m0, m1 = X[labels == 0].mean(axis=0), X[labels == 1].mean(axis=0)
    S_w = sum((X[labels == c] - m).T @ (X[labels == c] - m) for c, m in ((0, m0), (1, m1)))
    w = np.linalg.solve(S_w, m1 - m0)
    j_sheet = (w @ (m1 - m0)) ** 2 / (w @ S_w @ w)  # S_B = (m₁ − m₀)(m₁ − m₀)ᵀ
    label = plain(panel.ui.fisher_label.text())
    shown = float(re.search(r"S_W w: ([0-9.e+-]+)", label).group(1))
    assert shown == pytest.approx(j_sheet, rel=2e-3)  # three significant digits
    assert "N₀N₁/N = 35" in label  # the Σ_c N_c form's scale, said
    assert panel.data_view.legend.getLabel(panel.data_view.fisher_line).text.startswith(
        "Fisher axis (not a boundary)"
    )


# -- 6, 13: HMM --------------------------------------------------------------------------------
def test_hmm_time_is_one_based_and_a_fit_shows_the_true_model_beside(qtbot, make_panel, wait_idle):
    panel = make_panel(HmmPanel)
    panel.c.length_box.setValue(80)
    panel.load_preset("Occasionally dishonest casino")
    wait_idle(panel, timeout=120_000)  # a cold start typesets its board
    axis = panel.trellis_view.plot.getAxis("bottom")
    values = axis.tickValues(-0.5, 79.5, 600)
    ticks = [v for _, vs in values for v in vs]
    labels = axis.tickStrings(ticks, 1.0, values[0][0])
    assert [float(s) for s in labels] == [v + 1 for v in ticks]  # x = index, label = t
    text = step_text(panel.state, panel.result)
    assert "δ<sub>t</sub>(j) = max<sub>i</sub> δ<sub>t−1</sub>(i) a<sub>ij</sub> " in text
    assert "b<sub>j</sub>(o<sub>t</sub>)" in text  # the α/δ recursions with b_j(o_t) at t
    assert "i<sub>t</sub> = q<sub>j</sub>" in HmmPanel.explanation  # Viterbi's δ with q_j
    assert "α<sub>t+1</sub>(j) = b<sub>j</sub>(o<sub>t+1</sub>)" in HmmPanel.explanation
    true = panel.state.reference
    qtbot.mouseClick(panel.c.fit_button, Qt.MouseButton.LeftButton)
    wait_idle(panel, timeout=120_000)  # a cold start typesets its board
    a_view = panel.model_view.a
    assert "fitted" in a_view.plot.titleLabel.text and "(true)" in a_view.plot.titleLabel.text
    fitted = panel.model.transmat
    texts = [t.textItem.toPlainText() for t in a_view.texts]
    # on two lines or one, as the cell's height allows (test_hmm_panel checks which)
    assert texts[0].split() == [f"{fitted[0, 0]:.2f}", f"({true.transmat[0, 0]:.2f})"]


# -- 7: SVM ------------------------------------------------------------------------------------
def test_svm_text_legend_and_result_agree_on_smo_and_support_vectors(make_panel, wait_idle):
    text = plain(SvmPanel.explanation)
    assert "takes i, the maximal KKT violator" in text and "second-order rule" in text
    assert "m(α) = maxi∈Iup −yi∇iD(α)" in text and "M(α) = mini∈Ilow" in text
    assert "any point with α > 0" in text and "sign of b" in text
    panel = make_panel(SvmPanel)
    panel.load_demo()
    wait_idle(panel, timeout=120_000)  # a cold start typesets its board
    r, view = panel.result, panel.map_view
    n_sv = int(np.sum(r.alpha > 0))
    assert f"Support vectors (α > 0): {n_sv} (" in plain(panel.result_label.text())
    assert len(view.sv_free.data) + len(view.sv_bound.data) == n_sv  # the legend's two kinds
    rows = [label.text for _, label in view.legend.items]
    assert "f(x) = +1 margin" in rows and "f(x) = −1 margin" in rows
    plus, minus = view.margins.opts["pen"], view.minus_margin.opts["pen"]
    assert plus.style() != minus.style() and plus.color() != minus.color()
    # each item draws its own level of f: the dashed one f = +1, the dotted one f = −1
    for item, level in ((view.margins, 1.0), (view.minus_margin, -1.0)):
        x, y = item.getData()
        np.testing.assert_array_equal(np.column_stack([x, y]), r.contours[level])
        assert len(x) > 0


# -- 2, 10: MCMC -------------------------------------------------------------------------------
def test_mcmc_momentum_symbol_and_ess_rule(make_panel, wait_idle):
    text = plain(McmcPanel.explanation)
    assert "momentum r ~ N(0, I)" in text and "‖r‖²/2" in text and "|p|²" not in text
    assert "100 per chain" in text
    # the flag follows Vehtari et al.'s rule: bulk ESS > 100 per chain, in total
    rng = np.random.default_rng(0)
    chains = np.zeros((4, 300, 2))
    for t in range(1, 300):  # AR(1) with ρ = 0.9: a bulk ESS of ~60 a chain, above 10
        chains[:, t] = 0.9 * chains[:, t - 1] + rng.normal(size=(4, 2))
    s = engine_mcmc.summary(chains)
    assert (s["ess"] < 100 * 4).all() and (s["ess"] > 10 * 4).all()
    assert s["flagged"].all()
    assert engine_mcmc.ESS_PER_CHAIN == 100
    # chains never take the accepted/rejected colours
    assert colors.ACCEPT not in CHAIN_COLORS and colors.REJECT not in CHAIN_COLORS
    assert len(set(CHAIN_COLORS)) >= 8


# -- 13: the regularisers' priors --------------------------------------------------------------
def test_linear_models_pair_ridge_with_gaussian_and_lasso_with_laplace():
    text = plain(LINEAR_TEXT)
    assert "Ridge = MAP under a Gaussian prior" in text
    assert "lasso = MAP under a Laplace prior" in text


# -- the whiteboard pane folds, remembered ------------------------------------------------------
def test_the_whiteboard_pane_folds_and_the_setting_remembers(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first, second = EquationPane(), EquationPane()
    for pane in (first, second):
        qtbot.addWidget(pane)
    fold = FoldSetting(settings)
    fold.add(first)
    fold.add(second)
    first.cap(800)
    second.cap(800)
    assert first.height() == int(800 * 0.28) and not first.folded
    first.show()
    qtbot.mouseClick(first.fold_button, Qt.MouseButton.LeftButton)
    assert first.folded and second.folded  # one fold for every panel
    assert first.maximumHeight() < 80 and not first.scroll.isVisibleTo(first)
    settings.sync()
    again = FoldSetting(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    third = EquationPane()
    qtbot.addWidget(third)
    again.add(third)
    third.cap(800)
    assert third.folded and third.maximumHeight() < 80  # remembered at the next start
    qtbot.mouseClick(first.fold_button, Qt.MouseButton.LeftButton)
    assert not second.folded and second.maximumHeight() == int(800 * 0.28)
