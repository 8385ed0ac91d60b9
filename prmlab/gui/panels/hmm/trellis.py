"""The trellis: states down, time across, shaded by one quantity; nodes and edges when few
columns are in view, an image of block means when many; the decoded paths over it."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from prmlab.gui.panels.hmm.views import one_based_ticks
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.numbers import shown
from prmlab.gui.widgets.pool import grown
from prmlab.gui.widgets.text import TextItem
from prmlab.lab import hmm as lab

NODE_SPAN = 80  # time steps in view up to which the trellis is drawn as nodes and edges
PATH_SPAN = 3000  # ... and up to which the decoded paths are drawn over it
HEAT_COLUMNS = 3000  # zoomed further out, the trellis image averages blocks of steps
EDGE_STATES = 12  # more states than this: nodes only (N² edges per step would be a blur)
OBS_GAP_PX = 8  # least space between two o_t labels above the trellis
# o_t labels made a turn at most (~2 ms each): the rest in the next turns (redraw_later)
NEW_TEXTS_A_TURN = 8
EDGE_BANDS = ((0.01, 0.1), (0.1, 0.35), (0.35, 0.7), (0.7, 1.01))  # share -> pen
QUANTITY_TITLES = {
    "gamma": "posterior γ",
    "alpha": "forward α (normalised per t)",
    "beta": "backward β (normalised per t)",
    "delta": "Viterbi δ (1 = best at t)",
}


class TrellisView:
    """Draws a State's trellis (``draw``) and, as the view pans, its window (``draw_window``)."""

    def __init__(self, plot: pg.PlotItem, font: Callable[[], QFont]) -> None:
        self.plot = plot
        self._font = font
        self.state: lab.State | None = None
        self.result: lab.Result | None = None
        self.cmap_lut = colors.sequential_colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
        # one brush per colour of the map, the last one empty (a column not filled yet): a
        # brush made per node, for each frame of the trellis, was GUI-thread time for nothing
        self.node_brushes = [pg.mkBrush(*rgb) for rgb in self.cmap_lut] + [
            pg.mkBrush(255, 255, 255, 0)
        ]
        plot.setLabel("bottom", "time t")
        one_based_ticks(plot.getAxis("bottom"))
        plot.setLabel("left", "hidden state")
        plot.invertY(True)
        plot.setMouseEnabled(x=True, y=False)
        outside_legend(plot, "right")  # below, its row cost a short figure the height
        self.heat = pg.ImageItem(axisOrder="col-major")
        self.heat.setColorMap(colors.sequential_colormap())
        self.heat.setZValue(-10)
        plot.addItem(self.heat)
        self.edge_items = [
            pg.PlotDataItem(connect="pairs", pen=pg.mkPen(80, 80, 80, a, width=w))
            for w, a in ((0.7, 90), (1.4, 140), (2.4, 190), (3.6, 230))
        ]
        self.back_edges = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen(colors.PALETTE[1], width=2.5)
        )
        for item in self.edge_items + [self.back_edges]:
            item.setZValue(0)
            plot.addItem(item)
        self.nodes = pg.ScatterPlotItem(size=18, pen=pg.mkPen(40, 40, 40, 200, width=1))
        self.nodes.setZValue(5)
        plot.addItem(self.nodes)
        self.posterior_curve = pg.PlotDataItem(
            name="argmax γ (posterior)",
            pen=pg.mkPen(colors.PALETTE[0], width=3, style=Qt.PenStyle.DashLine),
        )
        self.viterbi_curve = pg.PlotDataItem(
            name="Viterbi (best path)", pen=pg.mkPen(colors.PALETTE[3], width=3.5)
        )
        self.true_curve = pg.PlotDataItem(
            name="true path",
            pen=None,
            symbol="s",
            symbolSize=7,
            symbolBrush=colors.PALETTE[2],
            symbolPen=pg.mkPen("w", width=0.5),
        )
        for z, item in enumerate((self.posterior_curve, self.viterbi_curve, self.true_curve)):
            item.setZValue(6 + z)
            plot.addItem(item)
        self.obs_texts: list[pg.TextItem] = []
        # asks for draw_window again in a later turn (the panel's draw_in_turns)
        self.redraw_later: Callable[[], None] = self.draw_window
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(colors.PALETTE[1], width=1.5))
        plot.addItem(self.now_line, ignoreBounds=True)

    # -- the whole trellis ---------------------------------------------------------------
    def draw(self, state: lab.State, result: lab.Result | None) -> None:
        """Axes, title and the time line of ``state``; then the columns in view."""
        self.state, self.result = state, result
        model = result.model if result is not None else state.model
        ticks = [(i, s) for i, s in enumerate(model.states)] + [(-0.75, "o_t")]
        self.plot.getAxis("left").setTicks([ticks])
        N = model.n_states
        self.plot.setYRange(-1.0, N - 0.5 + 0.25 * max(N, 2), padding=0.02)
        self.plot.setTitle(f"Trellis shaded by {QUANTITY_TITLES[state.quantity]}")
        self.now_line.setPos(state.t_now)
        self.now_line.setVisible(self.analysis is not None and state.t_now < state.T - 1)
        self.draw_window()

    @property
    def analysis(self) -> lab.Analysis | None:
        """The analysis drawn, None when there is none or it is not of this State's O."""
        r, s = self.result, self.state
        if r is None or s is None or r.analysis is None or r.analysis.T != s.T:
            return None
        return r.analysis

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        """The trellis cell (t, i), 0-based, nearest the scene point ``scene_pos`` (None:
        outside the plot or the filled trellis)."""
        vb, a = self.plot.getViewBox(), self.analysis
        if a is None or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        t, i = round(p.x()), round(p.y())
        return (t, i) if 0 <= t < a.T and 0 <= i < a.gamma.shape[1] else None

    def visible_window(self) -> tuple[int, int]:
        """[t0, t1): the columns in view."""
        T = self.state.T if self.state is not None else 0
        lo, hi = self.plot.getViewBox().viewRange()[0]
        return max(int(np.floor(lo)), 0), min(int(np.ceil(hi)) + 1, T)

    def show_first_columns(self, T: int) -> None:
        """New observations: the first 40 columns in view."""
        self.plot.setXRange(-0.5, min(T, 40) - 0.5, padding=0.02)

    def follow(self, t: int) -> None:
        """Scroll the trellis so column t is in view."""
        T = self.state.T if self.state is not None else 0
        lo, hi = self.plot.getViewBox().viewRange()[0]
        if not lo <= t <= hi:
            span = hi - lo
            start = min(max(t - span * 0.7, -0.5), max(T - 0.5 - span, -0.5))
            self.plot.setXRange(start, start + span, padding=0)

    # -- the columns in view ---------------------------------------------------------------
    def draw_window(self) -> None:
        """Nodes, edges and symbols of the columns in view, when few enough are in view."""
        self.draw_paths()
        for text in self.obs_texts:
            text.setVisible(False)
        a, s = self.analysis, self.state
        t0, t1 = self.visible_window()
        few = a is not None and 0 < t1 - t0 <= NODE_SPAN
        self.heat.setVisible(not few)
        if a is None:
            self.heat.clear()
        else:
            self._draw_heat_window(a, t0, t1)
        if not few:
            self.nodes.clear()
            for item in (*self.edge_items, self.back_edges):
                item.setData([], [])
            return
        N = a.gamma.shape[1]
        q = s.quantity
        tt, ss = np.meshgrid(np.arange(t0, t1), np.arange(N), indexing="ij")
        empty = lab.filled_before(q, s.t_now)
        filled = tt < empty if empty is not None else np.ones_like(tt, bool)
        idx = np.clip((a.shade[q][t0:t1] * 255).astype(int), 0, 255)
        idx[~filled] = len(self.node_brushes) - 1
        brushes = [self.node_brushes[k] for k in idx.ravel()]
        self.nodes.setData(tt.ravel(), ss.ravel(), brush=brushes, size=18 if N <= 8 else 10)
        self._draw_edges(a, t0, t1)
        labels = self._obs_labels(t0, t1)
        # a pool of labels, reused as the view moves; grown a few a turn
        n = min(len(labels), len(self.obs_texts) + NEW_TEXTS_A_TURN)
        for text, (t, label) in zip(grown(self.obs_texts, n, self._new_obs_text), labels):
            text.setText(label)
            text.setPos(t, -0.75)
            text.setVisible(True)
        if n < len(labels):
            self.redraw_later()

    def draw_paths(self) -> None:
        """The three paths over the columns in view; zoomed far out the strips below show
        them instead (a 100,000-point dashed path would take seconds to paint)."""
        a, s = self.analysis, self.state
        t0, t1 = self.visible_window()
        curves = (self.viterbi_curve, self.posterior_curve, self.true_curve)
        if a is None or not 0 < t1 - t0 <= PATH_SPAN:
            for c in curves:
                c.setData([], [])
            return
        t = np.arange(t0, t1)
        start = t1 if s.back_from is None else max(s.back_from, t0)
        paths = (
            (s.show_viterbi, a.viterbi, start),
            (s.show_posterior, a.posterior, t0),
            (s.show_true, s.true_path, t0),
        )
        for curve, (shown_, path, first) in zip(curves, paths):
            if shown_ and path is not None and first < t1:
                curve.setData(t[first - t0 :], path[first:t1])
            else:
                curve.setData([], [])

    def _obs_labels(self, t0: int, t1: int) -> list[tuple[int, str]]:
        """(t, o_t as text) for the columns in view, every k-th when the texts are wider than
        a column: side by side, Gaussian values ran together ("1.32.5")."""
        model, obs = self.result.model, self.state.obs
        symbols = model.kind == "symbols"
        texts = [model.symbols[o] if symbols else shown(o, ".2g") for o in obs[t0:t1]]
        if not texts:
            return []
        widest = max(QFontMetricsF(self._font()).horizontalAdvance(s) for s in texts)
        column = 1.0 / max(self.plot.getViewBox().viewPixelSize()[0], 1e-12)  # pixels
        every = max(1, math.ceil((widest + OBS_GAP_PX) / column))
        return [(t, s) for t, s in zip(range(t0, t1), texts) if t % every == 0]

    def _new_obs_text(self) -> pg.TextItem:
        text = TextItem("", anchor=(0.5, 0.5), color=colors.PALETTE[7])
        self.plot.addItem(text, ignoreBounds=True)
        return text

    def _draw_heat_window(self, a: lab.Analysis, t0: int, t1: int) -> None:
        """The trellis as an image of the columns in view plus a view either side (for
        panning), at most HEAT_COLUMNS columns."""
        span = max(t1 - t0, 1)
        lo, hi = max(t0 - span, 0), min(t1 + span, a.T)
        s = self.state
        image, block = lab.trellis_image(a, s.quantity, lo, hi, s.t_now, HEAT_COLUMNS)
        self.heat.setImage(image, levels=(0.0, 1.0))
        self.heat.setRect(QRectF(lo - 0.5, -0.5, len(image) * block, image.shape[1]))

    def _draw_edges(self, a: lab.Analysis, t0: int, t1: int) -> None:
        N = a.gamma.shape[1]
        items = (*self.edge_items, self.back_edges)
        if N > EDGE_STATES or t1 - t0 < 2:
            for item in items:
                item.setData([], [])
            return
        q, t_now = self.state.quantity, self.state.t_now
        w = lab.edge_shares(a, q, t0, t1)
        t, i, j = np.meshgrid(np.arange(t0, t1 - 1), np.arange(N), np.arange(N), indexing="ij")
        empty = lab.filled_before(q, t_now)
        drawn = t + 1 < empty if empty is not None else np.ones_like(t, bool)
        for item, (lo, hi) in zip(self.edge_items, EDGE_BANDS):
            sel = drawn & (w >= lo) & (w < hi)
            item.setData(
                np.column_stack([t[sel], t[sel] + 1]).ravel(),
                np.column_stack([i[sel], j[sel]]).ravel(),
            )
        if q == "delta":  # back-pointers ψ_{t+1}(j) of every filled column
            tt, jj = np.meshgrid(
                np.arange(max(t0, 1), min(t1, t_now + 1)), np.arange(N), indexing="ij"
            )
            ii = a.psi[tt, jj]
            self.back_edges.setData(
                np.column_stack([tt.ravel() - 1, tt.ravel()]).ravel(),
                np.column_stack([ii.ravel(), jj.ravel()]).ravel(),
            )
        else:
            self.back_edges.setData([], [])


# states of the backtracked path shown: 20 made the line a third row at fonts +4
BACK_SHOWN = 10


def step_text(state: lab.State, result: lab.Result | None) -> str:
    """The line above the figure: δ and ψ of column t (small symbol models), the path
    backtracked so far."""
    a = result.analysis if result is not None else None
    t = state.t_now
    if a is None or a.T != state.T:
        return ""
    m = result.model
    tau = t + 1  # time is 1-based on screen, as in the formulas; arrays are 0-based
    if m.kind != "symbols" or m.n_states > 6:
        return f"t = {tau}"
    parts = []
    for j, s in enumerate(m.states):
        if t == 0:
            parts.append(f"log δ<sub>1</sub>({s}) = log π·b = {a.log_delta[0, j]:.3f}")
        else:
            parts.append(
                f"log δ<sub>{tau}</sub>({s}) = {a.log_delta[t, j]:.3f}, "
                f"ψ = <b>{m.states[a.psi[t, j]]}</b>"
            )
    back = ""
    if state.back_from is not None:
        short = _short_names(m.states)
        back = (
            f" · backtracking: path from t = {state.back_from + 1} is "
            + " ".join(short[k] for k in a.viterbi[state.back_from :][:BACK_SHOWN])
            + ("…" if state.T - state.back_from > BACK_SHOWN else "")
        )
    return (
        f"<b>t = {tau}</b> (o<sub>t</sub> = {m.symbols[state.obs[t]]}): δ<sub>t</sub>(j) = "
        f"max<sub>i</sub> δ<sub>t−1</sub>(i) a<sub>ij</sub> b<sub>j</sub>(o<sub>t</sub>) → "
        + "; ".join(parts)
        + back
    )


def _short_names(states: tuple[str, ...]) -> list[str]:
    """First letters when they tell the states apart, else 1-based numbers."""
    first = [s[:1] for s in states]
    return first if len(set(first)) == len(first) else [str(i + 1) for i in range(len(states))]
