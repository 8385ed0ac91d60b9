"""A table on the PCA panel's main plot: its rows projected on two components, coloured by
class, the biplot's loading vectors, and the row under the mouse."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg

from prmlab.gui.panels.pca.data_view import DataView
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.pool import grown
from prmlab.gui.widgets.text import TextItem, elide
from prmlab.lab import pca

MAX_SHOWN = 20_000  # table rows drawn at most (all rows are analysed)
BIPLOT_NAMES = 15  # the longest loading vectors get their column's name
HOVER_PX = 9.0


def describe_row(state: pca.State, row: int, limit: int | None = None) -> str:
    """The row ``row`` of ``state``'s table as text: its label and its values (at most
    ``limit``), rich text with the names escaped."""
    lines = [f"<b>row {row + 1}</b>"]
    if state.labels is not None:
        code = int(state.labels[row])
        label = state.class_names[code] if code < len(state.class_names) else str(code)
        lines[0] += f" · {html.escape(elide(label))}"
    names = state.feature_names
    shown = names if limit is None else names[:limit]
    lines += [f"{html.escape(elide(name))} = {state.X[row, f]:.4g}" for f, name in enumerate(shown)]
    if len(shown) < len(names):
        lines.append(f"… {len(names) - len(shown)} more columns")
    return "\n".join(lines)


class TableView:
    """The items a table draws on the data plot of ``data_view`` (with its axis titles and
    legend); made once and reused: creating scatters, legend rows and texts for every result
    held the GUI thread for ~40 ms."""

    def __init__(self, data_view: DataView) -> None:
        self.data_view = data_view
        self.plot = plot = data_view.plot
        self.class_scatters: list[pg.ScatterPlotItem] = []
        self.loadings = pg.PlotDataItem(pen=pg.mkPen(colors.color(7), width=1.6), connect="pairs")
        self.loadings.setZValue(15)
        plot.addItem(self.loadings, ignoreBounds=True)
        self.loading_texts: list[pg.TextItem] = []
        self.hover_text = TextItem(
            anchor=(0, 1),
            color="#202020",
            border=pg.mkPen(colors.color(7)),
            fill=(255, 255, 255, 235),
        )
        self.hover_text.setZValue(40)
        plot.addItem(self.hover_text, ignoreBounds=True)
        self.shown_rows = np.empty(0, np.int64)
        self.P = np.empty((0, 2))  # the drawn rows' coordinates

    def clear(self) -> None:
        self.shown_rows = np.empty(0, np.int64)
        self.P = np.empty((0, 2))
        for item in self.class_scatters:
            item.setData([], [])
        self.loadings.setData([], [])
        for text in self.loading_texts:
            text.setVisible(False)
        self.hover_text.setVisible(False)

    def draw(self, a: pca.Analysis, state: pca.State) -> None:
        """The rows on the components ``state.pc_x``, ``state.pc_y``, the axes named after
        them and a legend row per class drawn."""
        self.clear()
        i, j = pca.components_shown(a, state)
        n = len(a.scores)
        rows = np.arange(n)
        if n > MAX_SHOWN:
            rows = np.sort(np.random.default_rng(0).choice(n, MAX_SHOWN, replace=False))
        self.shown_rows = rows
        self.P = P = a.scores[rows][:, [i, j]]
        labels = a.labels[rows] if a.labels is not None else np.zeros(len(rows), np.int64)
        names = dict(enumerate(state.class_names)) if a.labels is not None else {0: "rows"}
        classes = np.unique(labels)
        drawn = []
        for item, k in zip(grown(self.class_scatters, len(classes), self._new_scatter), classes):
            item.setData(pos=P[labels == k], brush=colors.color(int(k), 210))
            drawn.append(names.get(int(k), f"class {k}"))
        if state.biplot:
            self._draw_biplot(a, (i, j), P, state.fitted_names)
        self.data_view.set_axis_titles(pca.table_axis_titles(a, state))
        self.data_view.show_table_legend(self.class_scatters[: len(drawn)], drawn)

    def _draw_biplot(self, a, plane, P, feature_names) -> None:
        """Loading arrows on the two components, the longest named."""
        L = pca.loadings(a, plane)
        longest = np.max(np.hypot(L[:, 0], L[:, 1]))
        scale = 0.85 * np.max(np.abs(P)) / longest if longest > 0 else 1.0
        tips = L * scale
        pairs = np.zeros((2 * len(tips), 2))
        pairs[1::2] = tips
        self.loadings.setData(pairs[:, 0], pairs[:, 1])
        named = np.argsort(-np.hypot(tips[:, 0], tips[:, 1]))[:BIPLOT_NAMES]
        for text, f in zip(grown(self.loading_texts, len(named), self._new_text), named):
            text.setText(elide(feature_names[f]) if f < len(feature_names) else f"x{f + 1}")
            text.setPos(*(tips[f] * 1.08))
            text.setVisible(True)

    def _new_scatter(self) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=0.6))
        self.plot.addItem(item)
        return item

    def _new_text(self) -> pg.TextItem:
        text = TextItem(anchor=(0.5, 0.5), color=colors.color(7))
        self.plot.addItem(text, ignoreBounds=True)
        return text

    def hover(self, scene_pos, state: pca.State) -> str | None:
        """The row drawn under ``scene_pos`` described in a box beside it (its first columns);
        returns its whole description for the side label (None: no row there, box hidden)."""
        index = self.row_at(scene_pos)
        if index is None:
            self.hover_text.setVisible(False)
            return None
        row = int(self.shown_rows[index])
        self.show_hover(index, describe_row(state, row, 8).replace("\n", "<br>"))
        return describe_row(state, row).replace("\n", "<br>")

    def row_at(self, scene_pos) -> int | None:
        """The table row drawn within a few pixels of ``scene_pos`` (None: none)."""
        if not len(self.shown_rows) or not self.plot.sceneBoundingRect().contains(scene_pos):
            return None
        pos = self.plot.vb.mapSceneToView(scene_pos)
        sx, sy = self.plot.vb.viewPixelSize()
        if not sx or not sy:
            return None
        d2 = ((self.P[:, 0] - pos.x()) / sx) ** 2 + ((self.P[:, 1] - pos.y()) / sy) ** 2
        nearest = int(np.argmin(d2))
        return None if d2[nearest] > HOVER_PX**2 else nearest

    def show_hover(self, index: int, text: str) -> None:
        """The box with ``text`` beside drawn point ``index``, opening towards the centre."""
        self.hover_text.setHtml(text)
        (x0, x1), (y0, y1) = self.plot.viewRange()
        px, py = self.P[index]
        self.hover_text.setAnchor(
            (1.0 if px > (x0 + x1) / 2 else 0.0, 0.0 if py > (y0 + y1) / 2 else 1.0)
        )
        self.hover_text.setPos(px, py)
        self.hover_text.setVisible(True)
