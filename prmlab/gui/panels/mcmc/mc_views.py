"""The Monte Carlo views: rejection sampling (proposals, envelope, a section through the
mode) and importance sampling (weighted proposals and the sorted weights)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from prmlab.engine import mcmc as engine
from prmlab.gui.panels.mcmc.views import DensityMap
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend
from prmlab.lab import mcmc

REJECTION_TEXT = (
    "<b>Rejection sampling</b> (PRML §11.1.2): choose q and M with M·q(z) ≥ p̃(z) "
    "everywhere; draw z ~ q and u ~ U(0, 1), accept z when u ≤ α = p̃(z) / (M·q(z)). The "
    "accepted z are exact draws from p; the acceptance rate is Z/M, so a loose envelope wastes "
    "proposals. Here q = N(box centre, sd²·I) and M = 1.1·max p̃/q on a grid."
)
IMPORTANCE_TEXT = (
    "<b>Importance sampling</b> (PRML §11.1.4): E<sub>p</sub>[f] = ∫ f(z) "
    "p(z)/q(z) q(z) dz ≈ (1/N) Σ f(z<sub>i</sub>) p(z<sub>i</sub>)/q(z<sub>i</sub>), z<sub>i</sub> ~ q. "
    "With an unnormalised p̃ the weights w<sub>i</sub> = p̃(z<sub>i</sub>)/q(z<sub>i</sub>) are "
    "normalised; their effective sample size 1/Σ w̃<sub>i</sub>² shows how many draws really count."
)


def _dashed(plot: pg.PlotItem) -> pg.PlotDataItem:
    return plot.plot([], [], pen=pg.mkPen(colors.PALETTE[0], width=1.5, style=Qt.PenStyle.DashLine))


class RejectionView:
    """Proposals z ~ q (accepted or not) over the target with M·q's contours, and the
    section through the mode: p̃ and M·q along x with the proposals near it at u·M·q."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.layout = layout
        p = layout.addPlot(row=0, col=0, title="Rejection sampling: proposals z ~ q")
        self.map = DensityMap(p)
        self.envelope = [_dashed(p) for _ in mcmc.LEVELS]
        self.dots = pg.ScatterPlotItem(size=5, pen=None)
        p.addItem(self.dots)
        legend = outside_legend(p, "bottom", colCount=2)
        legend.addItem(self.envelope[0], "M·q contours")
        for name, c in (("accepted", colors.ACCEPT), ("rejected", colors.REJECT)):
            legend.addItem(pg.ScatterPlotItem(brush=c, pen=None, size=8), name)
        s = self.section = layout.addPlot(row=0, col=1, title="Section through the mode")
        s.setLabel("bottom", "x")
        s.setLabel("left", "height u·M·q(z)")
        outside_legend(s, "bottom", colCount=2)
        self.env_curve = s.plot(
            [], [], pen=pg.mkPen(colors.PALETTE[0], width=2.5), name="envelope M·q"
        )
        self.p_curve = s.plot([], [], pen=pg.mkPen(colors.PALETTE[1], width=2.5), name="p̃ (target)")
        self.section_dots = pg.ScatterPlotItem(size=6, pen=None)
        s.addItem(self.section_dots)

    def draw(
        self, view: mcmc.TargetView, rv: mcmc.Rejection, lines: tuple[np.ndarray, ...]
    ) -> None:
        r = rv.result
        ok, no = pg.mkBrush(colors.color(2, 200)), pg.mkBrush(colors.color(3, 140))
        self.dots.setData(pos=r.proposals, brush=[ok if a else no for a in r.accepted])
        for curve, line in zip(self.envelope, lines):
            curve.setData(line[:, 0], line[:, 1])
        self.section.setTitle(f"Section at y = {rv.y_mode:.2f}")
        self.p_curve.setData(view.xs, rv.section_p)
        self.env_curve.setData(view.xs, rv.section_env)
        self.section.setLabel(
            "left", f"u·M·q(z), dots with |y − {rv.y_mode:.2f}| < {rv.band / 2:.2f}"
        )
        self.section_dots.setData(
            r.proposals[rv.near, 0], rv.heights,
            brush=[ok if a else no for a in r.accepted[rv.near]],
        )  # fmt: skip
        self.map.plot.setTitle(
            f"Rejection: {r.accepted.sum()} of {len(r.accepted)} accepted "
            f"({100 * r.accept_rate:.1f} %), M = {np.exp(r.log_M):.3g}"
        )


class ImportanceView:
    """Proposals z ~ q sized by weight, q's 1 and 2 sd ellipses, the weighted mean, and the
    normalised weights sorted largest first (log scale)."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        self.layout = layout
        p = layout.addPlot(row=0, col=0, title="Importance sampling: z ~ q, size ∝ weight")
        self.map = DensityMap(p)
        self.q = [_dashed(p) for _ in range(2)]
        self.dots = pg.ScatterPlotItem(
            pen=pg.mkPen(colors.PALETTE[3], width=1), brush=pg.mkBrush(colors.color(3, 90))
        )
        p.addItem(self.dots)
        self.mean = pg.ScatterPlotItem(
            size=24, symbol="+", pen=pg.mkPen(colors.PALETTE[4], width=3), brush=colors.PALETTE[4]
        )
        self.mean.setZValue(10)
        p.addItem(self.mean)
        legend = outside_legend(p, "bottom", colCount=2)
        legend.addItem(self.q[0], "q at 1, 2 sd (39, 86 %)")
        legend.addItem(self.mean, "weighted mean")
        w = self.weights = layout.addPlot(row=0, col=1, title="Normalised weights, largest first")
        w.setLabel("bottom", "rank")
        integer_ticks(w.getAxis("bottom"))
        w.setLabel("left", "w̃ (log scale)")
        w.setLogMode(False, True)
        w.getAxis("left").enableAutoSIPrefix(False)
        self.curve = w.plot([], [], pen=pg.mkPen(colors.PALETTE[3], width=2))

    def draw(self, view: mcmc.TargetView, r: engine.ImportanceResult) -> None:
        n = len(r.weights)
        sizes = np.clip(3 + 6 * np.sqrt(r.weights * n), 3, 22)
        show = np.argsort(r.weights)[-3000:]
        self.dots.setData(pos=r.samples[show], size=sizes[show])
        self.mean.setData(pos=r.mean[None])
        for k, curve in enumerate(self.q):
            curve.setData(*ellipse_xy(r.proposal.mean, r.proposal.cov, n_std=k + 1.0))
        w = np.sort(r.weights)[::-1]
        w = w[w > 1e-10 * w[0]]  # the rest would only stretch the log axis
        self.curve.setData(np.arange(1, len(w) + 1), w)
        truth = ""
        if view.target.mean is not None:
            m = view.target.mean
            truth = f" (true {m[0]:.2f}, {m[1]:.2f})"
        self.weights.setTitle(f"Weights: ESS = 1/Σw̃² = {r.ess:.0f} of {n}")
        self.map.plot.setTitle(
            f"Importance: weighted mean ({r.mean[0]:.2f}, {r.mean[1]:.2f}){truth}"
        )
