"""Hidden Markov models: the trellis, forward-backward, Viterbi back-pointers and Baum-Welch.

The panel keeps one model λ = (π, A, B) (the editable tables), one observation sequence and
the last ``Analysis`` of them (α, β, γ, δ, ψ, both decoded paths), computed in the Job's
worker. Stepping through time and backtracking only redraw that analysis. Baum-Welch runs
one iteration per job (Step / Play) or to convergence (Fit, restarts).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from prmlab.data import Dataset
from prmlab.engine import hmm
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets import colors
from prmlab.gui.widgets.figure import integer_ticks
from prmlab.gui.widgets.legend import outside_legend
from prmlab.gui.widgets.numbers import plural, shown
from prmlab.gui.widgets.params import group
from prmlab.gui.widgets.pool import grown
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.gui.widgets.text import TextItem, elide, set_combo_items

NODE_SPAN = 80  # time steps in view up to which the trellis is drawn as nodes and edges
PATH_SPAN = 3000  # ... and up to which the decoded paths are drawn over it
HEAT_COLUMNS = 3000  # zoomed further out, the trellis image averages blocks of steps
STRIP_COLUMNS = 8000  # the path strips of the overview show every k-th step beyond this
EDGE_STATES = 12  # more states than this: nodes only (N² edges per step would be a blur)
TEXT_CELLS = 32  # heat maps with up to this many cells (4 a row) print their values
POSTERIOR_TITLE = "Posterior γ<sub>t</sub>(i) and decoded paths"
OBS_GAP_PX = 8  # least space between two o_t labels above the trellis
MAX_SYMBOLS = 24  # a CSV column with at most this many distinct integers is read as symbols
# Longer posterior curves are drawn without antialiasing: a dense antialiased zig-zag took
# ~200 ms a repaint per state at T = 100,000, and at that density it looks the same.
SMOOTH_POINTS = 2000
QUANTITIES = {
    "γ posterior": "gamma",
    "α forward": "alpha",
    "β backward": "beta",
    "δ Viterbi": "delta",
}
BAD_CELL = QColor(213, 94, 0, 90)  # vermillion, faint: a row that breaks the rules
ROW_TOL = 1e-6  # as the engine: how far a row may sum from 1


# ---------------------------------------------------------------- model and worker code (no Qt)
@dataclass(frozen=True)
class Model:
    """λ = (π, A, B) with names. ``kind`` "symbols" (B is (N, M)) or "gaussian" (1-D:
    ``B[:, 0]`` means, ``B[:, 1]`` variances)."""

    kind: str
    states: tuple[str, ...]
    symbols: tuple[str, ...]
    startprob: np.ndarray
    transmat: np.ndarray
    B: np.ndarray

    @property
    def n_states(self) -> int:
        return len(self.states)

    def engine(self) -> hmm.CategoricalHMM | hmm.GaussianHMM:
        """The engine model with these parameters (checked when used)."""
        if self.kind == "symbols":
            m = hmm.CategoricalHMM(self.n_states, len(self.symbols))
            m.emissionprob_ = self.B
        else:
            m = hmm.GaussianHMM(self.n_states, covariance_type="diag")
            m.means_, m.covars_ = self.B[:, :1], self.B[:, 1:2]
        m.startprob_, m.transmat_ = self.startprob, self.transmat
        return m

    def with_engine(self, m) -> Model:
        B = (
            m.emissionprob_
            if self.kind == "symbols"
            else np.column_stack([m.means_[:, 0], np.reshape(m.covars_, (self.n_states, -1))[:, 0]])
        )
        return replace(self, startprob=m.startprob_.copy(), transmat=m.transmat_.copy(), B=B.copy())


def _states(n: int) -> tuple[str, ...]:
    return tuple(f"S{i + 1}" for i in range(n))


def casino() -> Model:
    """Durbin et al.'s occasionally dishonest casino: a fair die and one loaded towards 6."""
    return Model(
        "symbols",
        ("Fair", "Loaded"),
        tuple("123456"),
        np.array([0.5, 0.5]),
        np.array([[0.95, 0.05], [0.10, 0.90]]),
        np.array([[1 / 6] * 6, [0.1] * 5 + [0.5]]),
    )


def umbrella() -> Model:
    """Russell & Norvig's umbrella world: is it raining, seen only through the umbrella."""
    return Model(
        "symbols",
        ("Rain", "Dry"),
        ("U", "N"),
        np.array([0.5, 0.5]),
        np.array([[0.7, 0.3], [0.3, 0.7]]),
        np.array([[0.9, 0.1], [0.2, 0.8]]),
    )


def left_right() -> Model:
    """A 4-state left-right model (as for one spoken word): zeros below the diagonal."""
    return Model(
        "symbols",
        ("Begin", "Mid 1", "Mid 2", "End"),
        ("a", "b", "c"),
        np.array([1.0, 0.0, 0.0, 0.0]),
        np.array(
            [[0.8, 0.2, 0.0, 0.0], [0.0, 0.8, 0.2, 0.0], [0.0, 0.0, 0.8, 0.2], [0.0, 0.0, 0.0, 1.0]]
        ),
        np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7], [0.6, 0.1, 0.3]]),
    )


PRESETS = {
    "Occasionally dishonest casino": casino,
    "Weather / umbrella": umbrella,
    "Left-right (structural zeros)": left_right,
}


def random_model(template: Model, n_states: int, seed: int, X: np.ndarray | None = None) -> Model:
    """A seeded random λ of ``n_states`` for Baum-Welch to start from (Gaussian: means from
    quantiles of X, the variance of X)."""
    rng = np.random.default_rng(seed)
    A = 0.5 * np.eye(n_states) + 0.5 * rng.dirichlet(np.ones(n_states), size=n_states)
    if template.kind == "symbols":
        B = rng.dirichlet(np.ones(len(template.symbols)), size=n_states)
    else:
        x = np.zeros(1) if X is None or not len(X) else np.asarray(X, float)
        q = np.sort(rng.uniform(0.05, 0.95, n_states))
        B = np.column_stack([np.quantile(x, q), np.full(n_states, max(x.var(), 1e-6))])
    states = template.states if len(template.states) == n_states else _states(n_states)
    return replace(
        template, states=states, startprob=np.full(n_states, 1 / n_states), transmat=A, B=B
    )


@dataclass(frozen=True)
class Analysis:
    """Everything the trellis draws, for one model and one sequence (T steps, N states).

    ``shade[q]`` (T, N) float32 per-column normalised quantity q in gamma/alpha/beta/delta;
    the log arrays are the engine's; ``viterbi`` and ``posterior`` paths (T,).
    """

    log_emission: np.ndarray
    log_startprob: np.ndarray
    log_transmat: np.ndarray
    log_alpha: np.ndarray
    log_beta: np.ndarray
    log_likelihood: float
    gamma: np.ndarray
    log_delta: np.ndarray
    psi: np.ndarray
    viterbi: np.ndarray
    viterbi_log_prob: float
    posterior: np.ndarray
    shade: dict[str, np.ndarray]


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """exp(x) normalised along ``axis``; all -inf along it gives zeros, never NaN."""
    m = x.max(axis=axis, keepdims=True)
    e = np.exp(x - np.where(np.isfinite(m), m, 0.0))
    s = e.sum(axis=axis, keepdims=True)
    return e / np.where(s > 0, s, 1.0)


def align_states(model: Model, reference: Model | None) -> Model:
    """Relabel the states of a fitted ``model`` to best match ``reference`` (by B).

    Baum-Welch finds the states in any order; matching them to the model that made the
    data keeps names such as "Loaded" meaningful and the true path comparable.
    """
    n = model.n_states
    if (
        reference is None
        or reference.kind != model.kind
        or reference.n_states != n
        or reference.B.shape != model.B.shape
        or n > 7
    ):
        return model
    best = min(
        itertools.permutations(range(n)),
        key=lambda p: float(np.abs(model.B[list(p)] - reference.B).sum()),
    )
    p = list(best)
    return replace(
        model,
        states=reference.states,
        startprob=model.startprob[p],
        transmat=model.transmat[np.ix_(p, p)],
        B=model.B[p],
    )


def analyse(model: Model, obs: np.ndarray) -> Analysis:
    """Forward-backward and Viterbi (with δ and ψ) of ``obs`` under ``model``."""
    m = model.engine()
    lB = m.log_emission(obs)
    with np.errstate(divide="ignore"):
        lp, lA = np.log(model.startprob), np.log(model.transmat)
    la, lb, ll = hmm.forward_backward(lp, lA, lB)
    gamma = hmm.posteriors(la, lb, ll)  # ValueError when O is impossible under λ
    delta, psi = hmm.viterbi_lattice(lp, lA, lB)
    path, log_prob = hmm.viterbi(lp, lA, lB)
    dmax = delta.max(axis=1, keepdims=True)
    shade = {
        "gamma": gamma.astype(np.float32),
        "alpha": _softmax(la, axis=1).astype(np.float32),
        "beta": _softmax(lb, axis=1).astype(np.float32),
        "delta": np.exp(delta - dmax).astype(np.float32),  # 1 = the best partial path at t
    }
    return Analysis(
        lB, lp, lA, la, lb, ll, gamma, delta, psi, path, log_prob, gamma.argmax(1), shade
    )


def sample_and_analyse(model: Model, T: int, seed: int) -> tuple:
    """(observations, hidden states, their Analysis): T draws from λ with ``seed``."""
    X, states = model.engine().sample(T, random_state=seed)
    obs = X if model.kind == "symbols" else X[:, 0]
    return obs, states, analyse(model, obs)


@dataclass(frozen=True)
class FitStep:
    """What a Baum-Welch job shows: the model after the latest M-step and every curve so far."""

    model: Model
    curves: tuple[np.ndarray, ...]  # log-likelihood per iteration, one per restart
    best: int  # the restart whose model is shown
    converged: bool
    progress: float


def _engine_for_fit(model: Model, n_iter: int, tol: float, seed: int):
    m = model.engine()
    m.n_iter, m.tol, m.random_state, m.init_params = n_iter, tol, seed, ""
    return m


def baum_welch(
    models: list[Model], obs: np.ndarray, n_iter: int, tol: float, seed: int
) -> Iterator[FitStep]:
    """Baum-Welch from each starting model in turn (seeded restarts); returns the best."""
    curves: list[np.ndarray] = []
    best, best_ll, best_model = 0, -np.inf, models[0]
    for r, start in enumerate(models):
        m = _engine_for_fit(start, n_iter, tol, seed + r)
        current = start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # reported below, once
            for step in m.iter_fit(obs):
                current = start.with_engine(m)
                shown = curves + [step.history]
                lead = current if step.log_likelihood >= best_ll else best_model
                yield FitStep(
                    lead,
                    tuple(shown),
                    r if lead is current else best,
                    step.converged,
                    (r + step.progress) / len(models),
                )
        curves.append(m.loglik_history_.copy())
        if curves[-1][-1] > best_ll:
            best, best_ll, best_model = r, curves[-1][-1], current
    return FitStep(best_model, tuple(curves), best, True, 1.0)


def one_iteration(model: Model, obs: np.ndarray) -> tuple[Model, float]:
    """One Baum-Welch E+M step from ``model``: the new model and log p(O | old model)."""
    m = _engine_for_fit(model, 1, 0.0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # one iteration never "converges"
        step = next(m.iter_fit(obs))
    return model.with_engine(m), step.log_likelihood


def _short_names(states: tuple[str, ...]) -> list[str]:
    """First letters when they tell the states apart, else 1-based numbers."""
    first = [s[:1] for s in states]
    return first if len(set(first)) == len(first) else [str(i + 1) for i in range(len(states))]


def _shown(x: float) -> str:
    """A table cell's text, at most 5 characters for 0.001 <= x < 1 so that it fits a narrow
    column (0.0417 -> 0.042); the exact value stays in the item's UserRole data."""
    text = f"{x:.3g}"
    return f"{x:.3f}" if len(text) > 5 and 1e-3 <= abs(x) < 1 else text


def parse_symbols(text: str, symbols: tuple[str, ...]) -> np.ndarray:
    """Typed observations -> symbol indices: tokens split by spaces or commas, or one
    character per symbol when every symbol is a single character."""
    text = text.strip()
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    if len(tokens) == 1 and all(len(s) == 1 for s in symbols) and len(tokens[0]) > 1:
        tokens = list(tokens[0])
    lookup = {s.lower(): i for i, s in enumerate(symbols)}
    out = []
    for pos, tok in enumerate(tokens):
        if tok.lower() not in lookup:
            raise ValueError(
                f"unknown symbol {tok!r} at position {pos + 1}; the symbols are "
                + " ".join(symbols)
            )
        out.append(lookup[tok.lower()])
    if not out:
        raise ValueError("type at least one observation, e.g. " + " ".join(symbols[:3]))
    return np.array(out, dtype=np.int64)


def symbols_of_column(x: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """(codes, names) when a column holds few distinct integers, else None (Gaussian)."""
    values = np.unique(x)
    if len(values) > MAX_SYMBOLS or not np.all(values == np.round(values)):
        return None
    codes = np.searchsorted(values, x).astype(np.int64)
    return codes, tuple(str(int(v)) for v in values)


# ---------------------------------------------------------------- the panel
class _ModelChange(QUndoCommand):
    """One change of λ (a table edit, a fit): Ctrl+Z brings the previous model back."""

    def __init__(self, panel: HmmPanel, old: Model, new: Model, text: str) -> None:
        super().__init__(text)
        self.panel, self.old, self.new = panel, old, new
        self._done = True  # pushed after the change was made

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.panel.apply_model(self.new)

    def undo(self) -> None:
        self.panel.apply_model(self.old)


class HmmPanel(BasePanel):
    name = "hmm"
    title = "HMM"
    explanation = (
        "<b>HMM</b> λ = (π, A, B) (PRML §13.2). <b>Evaluation</b> (forward-backward): "
        "α<sub>t+1</sub>(j) = b<sub>j</sub>(o<sub>t+1</sub>) Σ<sub>i</sub> α<sub>t</sub>(i) "
        "a<sub>ij</sub>, β<sub>t</sub>(i) = Σ<sub>j</sub> a<sub>ij</sub> b<sub>j</sub>"
        "(o<sub>t+1</sub>) β<sub>t+1</sub>(j), p(O|λ) = Σ<sub>i</sub> α<sub>T</sub>(i), "
        "posterior γ<sub>t</sub>(i) = α<sub>t</sub>(i) β<sub>t</sub>(i) / p(O|λ). "
        "<b>Decoding</b> (Viterbi): δ<sub>t+1</sub>(j) = max<sub>i</sub> δ<sub>t</sub>(i) "
        "a<sub>ij</sub> b<sub>j</sub>(o<sub>t+1</sub>), ψ<sub>t+1</sub>(j) = argmax<sub>i</sub>"
        " δ<sub>t</sub>(i) a<sub>ij</sub>; backtrack from argmax δ<sub>T</sub>. "
        "<b>Learning</b> (Baum-Welch, EM): π<sub>i</sub> ∝ γ<sub>1</sub>(i), a<sub>ij</sub> ∝ "
        "Σ<sub>t</sub> ξ<sub>t</sub>(i,j), b<sub>j</sub>(k) ∝ Σ<sub>t: o<sub>t</sub>=k</sub> "
        "γ<sub>t</sub>(j); log p(O|λ) never decreases. Nodes: the chosen quantity, "
        "normalised per time step; edges: each transition's share."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.model = casino()
        self.obs = np.zeros(0, dtype=np.int64)
        self.obs_source = ""  # where O came from: "sampled from λ, ...", "typed", a CSV column
        self.x_values: np.ndarray | None = None  # the raw column of a Gaussian sequence
        self.true_path: np.ndarray | None = None
        self.reference: Model | None = None  # the model that made the data, when known
        self.analysis: Analysis | None = None
        self.t_now = 0  # the trellis is filled up to this column
        self.back_from: int | None = None  # Viterbi path drawn from here to T-1
        self.fit_curves: tuple[np.ndarray, ...] = ()
        self._fit_start = self.model  # the model a running fit started from (for undo)
        self.fit_best = 0
        self.dataset: Dataset | None = None
        self._filling_tables = False
        self._syncing_range = False

        model = group(self.controls, "Model λ = (π, A, B)")
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(PRESETS))
        self.preset_box.setPlaceholderText("(your own model)")
        self.preset_box.activated.connect(lambda i: self.load_preset(list(PRESETS)[i]))
        model.addRow("Preset", self.preset_box)
        self.states_box = QSpinBox()
        self.states_box.setRange(1, 32)
        self.states_box.setToolTip("Number of hidden states: a new random (seeded) model")
        self.states_box.valueChanged.connect(self._states_changed)
        model.addRow("States N", self.states_box)
        self.pi_table = self._table(1)
        self.a_table = self._table(4)
        self.b_table = self._table(4)
        model.addRow(QLabel("π (start)"))
        model.addRow(self.pi_table)
        model.addRow(QLabel("A (row: from state, column: to state)"))
        model.addRow(self.a_table)
        self.b_title = QLabel("B (row: state, column: symbol)")
        model.addRow(self.b_title)
        model.addRow(self.b_table)
        self.normalise_button = QPushButton("Normalise rows")
        self.normalise_button.setToolTip("Divide every row of π, A and B by its sum")
        self.normalise_button.clicked.connect(self.normalise_tables)
        self.save_button = QPushButton("Save model…")
        self.save_button.setToolTip("Write λ (names, π, A, B) to a JSON file")
        self.save_button.clicked.connect(self._save_model_dialog)
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.normalise_button, 0, 0)
        grid.addWidget(self.save_button, 0, 1)
        model.addRow(row)

        obs = group(self.controls, "Observations O")
        self.obs_edit = QLineEdit()
        self.obs_edit.setPlaceholderText("e.g. 3 1 6 6 6 2, or 316662")
        self.obs_edit.returnPressed.connect(self.use_typed)
        obs.addRow("Type", self.obs_edit)
        self.symbol_row = QWidget()
        self.symbol_grid = QGridLayout(self.symbol_row)
        self.symbol_grid.setContentsMargins(0, 0, 0, 0)
        self.symbol_buttons: list[QToolButton] = []
        obs.addRow("Click", self.symbol_row)
        sample_row = QWidget()
        sample_grid = QGridLayout(sample_row)
        sample_grid.setContentsMargins(0, 0, 0, 0)
        self.length_box = QSpinBox()
        self.length_box.setRange(1, 1_000_000)
        self.length_box.setValue(300)
        self.length_box.setSingleStep(100)
        self.length_box.setToolTip("Length T of a sampled sequence (up to 1,000,000)")
        self.sample_button = QPushButton("Sample from λ")
        self.sample_button.setToolTip("Draw states and observations (the true path is shown)")
        self.sample_button.clicked.connect(self.sample)
        sample_grid.addWidget(QLabel("T"), 0, 0)
        sample_grid.addWidget(self.length_box, 0, 1)
        sample_grid.addWidget(self.sample_button, 0, 2)
        obs.addRow(sample_row)
        obs.addRow("Seed", self.seed_box)
        self.seed_box.valueChanged.connect(self._reseed)
        self.column_box = QComboBox()
        self.column_box.setToolTip("File > Open CSV: the column decoded as one sequence")
        self.column_box.activated.connect(lambda _: self._use_column())
        obs.addRow("CSV column", self.column_box)
        self.obs_label = SteadyLabel(lines=2)
        obs.addRow(self.obs_label)

        trellis = group(self.controls, "Trellis")
        self.quantity_box = QComboBox()
        self.quantity_box.addItems(list(QUANTITIES))
        self.quantity_box.currentIndexChanged.connect(lambda _: self.draw_analysis())
        trellis.addRow("Shade by", self.quantity_box)
        self.trellis_playback = self.make_playback(step_text="Step t", rate=4.0, max_rate=60.0)
        self.trellis_playback.sigStep.connect(self.step_time)
        self.trellis_playback.sigReset.connect(self.reset_time)
        trellis.addRow(self.trellis_playback)
        self.fill_button = QPushButton("Fill all and backtrack")
        self.fill_button.clicked.connect(self.fill_all)
        trellis.addRow(self.fill_button)
        self.show_viterbi = QCheckBox("Viterbi path")
        self.show_posterior = QCheckBox("argmax γ path")
        self.show_true = QCheckBox("true path")
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate((self.show_viterbi, self.show_posterior, self.show_true)):
            box.setChecked(True)
            box.toggled.connect(lambda _: self.draw_paths())
            grid.addWidget(box, i // 2, i % 2)  # two a row: fits the column at big fonts
        trellis.addRow(row)

        fit = group(self.controls, "Baum-Welch")
        self.fit_playback = self.make_playback(step_text="Step EM", rate=3.0, max_rate=30.0)
        self.fit_playback.sigStep.connect(self.step_fit)
        self.fit_playback.sigReset.connect(self.reset_fit)
        fit.addRow(self.fit_playback)
        self.restarts_box = QSpinBox()
        self.restarts_box.setRange(1, 50)
        self.restarts_box.setValue(5)
        self.restarts_box.setToolTip("Fits from this many random models (seed, seed+1, ...)")
        fit.addRow("Restarts", self.restarts_box)
        self.iter_box = QSpinBox()
        self.iter_box.setRange(1, 5000)
        self.iter_box.setValue(200)
        fit.addRow("Max iterations", self.iter_box)
        self.fit_button = QPushButton("Fit from random starts »")
        self.fit_button.setToolTip("Baum-Welch to convergence from each seeded random model")
        self.fit_button.clicked.connect(self.fit_restarts)
        fit.addRow(self.fit_button)
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        fit.addRow(self.fit_label)

        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.step_label.setContentsMargins(6, 0, 6, 0)
        self.body.insertWidget(1, self.step_label)
        self._build_plots()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(30)
        self._redraw_timer.timeout.connect(self.draw_window)
        self.load_preset(list(PRESETS)[0], sample=False)

    def _table(self, rows: int) -> QTableWidget:
        table = QTableWidget(rows, 2)
        # Ignored: a table never widens the controls column (the figure keeps its room)
        table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        table.setMinimumWidth(120)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(44)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.itemChanged.connect(self._table_edited)
        return table

    def _build_plots(self) -> None:
        cmap = colors.sequential_colormap()
        self.cmap_lut = cmap.getLookupTable(0.0, 1.0, 256, alpha=False)

        self.trellis = self.figure.addPlot(row=0, col=0, colspan=3, title="Trellis")
        self.trellis.setLabel("bottom", "time t")
        integer_ticks(self.trellis.getAxis("bottom"))
        self.trellis.setLabel("left", "hidden state")
        self.trellis.invertY(True)
        self.trellis.setMouseEnabled(x=True, y=False)
        outside_legend(self.trellis, "bottom", colCount=3)
        self.heat = pg.ImageItem(axisOrder="col-major")
        self.heat.setColorMap(cmap)
        self.heat.setZValue(-10)
        self.trellis.addItem(self.heat)
        self.edge_items = [
            pg.PlotDataItem(connect="pairs", pen=pg.mkPen(80, 80, 80, a, width=w))
            for w, a in ((0.7, 90), (1.4, 140), (2.4, 190), (3.6, 230))
        ]
        self.back_edges = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen(colors.PALETTE[1], width=2.5)
        )
        for item in self.edge_items + [self.back_edges]:
            item.setZValue(0)
            self.trellis.addItem(item)
        self.nodes = pg.ScatterPlotItem(size=18, pen=pg.mkPen(40, 40, 40, 200, width=1))
        self.nodes.setZValue(5)
        self.trellis.addItem(self.nodes)
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
            self.trellis.addItem(item)
        self.obs_texts: list[pg.TextItem] = []
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(colors.PALETTE[1], width=1.5))
        self.trellis.addItem(self.now_line, ignoreBounds=True)
        self.trellis.getViewBox().sigXRangeChanged.connect(self._trellis_range_changed)

        self.post_plot = self.figure.addPlot(row=1, col=0, colspan=3, title=POSTERIOR_TITLE)
        self.post_plot.setLabel("bottom", "time t")
        integer_ticks(self.post_plot.getAxis("bottom"))
        self.post_plot.setMouseEnabled(x=True, y=False)
        outside_legend(self.post_plot, "bottom", colCount=4)
        self.post_curves: list[pg.PlotDataItem] = []
        self.strips = {}
        for name, y in (("viterbi", -0.2), ("posterior", -0.42), ("true", -0.64)):
            img = pg.ImageItem(axisOrder="col-major")
            img.setZValue(-5)
            self.post_plot.addItem(img)
            self.strips[name] = (img, y)
        self.window_region = pg.LinearRegionItem(
            brush=pg.mkBrush(230, 159, 0, 40), pen=pg.mkPen(colors.PALETTE[1], width=1.5)
        )
        self.window_region.setZValue(10)
        self.post_plot.addItem(self.window_region, ignoreBounds=True)
        self.window_region.sigRegionChanged.connect(self._region_moved)
        self.post_plot.getAxis("left").setTicks(
            [
                [(1.0, "1"), (0.5, "0.5"), (0.0, "0")]
                + [
                    (y - 0.08, label)
                    for (_, y), label in zip(self.strips.values(), ("Viterbi", "argmax γ", "true"))
                ]
            ]
        )

        self.ll_plot = self.figure.addPlot(row=2, col=0, title="Baum-Welch: log p(O | λ)")
        self.ll_plot.setLabel("bottom", "iteration")
        integer_ticks(self.ll_plot.getAxis("bottom"))
        self.ll_plot.showGrid(x=True, y=True, alpha=0.2)
        self.ll_curves: list[pg.PlotDataItem] = []
        self.a_plot, self.a_image, self.a_texts = self._heat_plot(2, 1, "A: a<sub>ij</sub>")
        self.b_plot, self.b_image, self.b_texts = self._heat_plot(2, 2, "B: b<sub>j</sub>(k)")
        self.b_curves: list[pg.PlotDataItem] = []
        layout = self.figure.ci.layout
        layout.setRowStretchFactor(0, 5)
        layout.setRowStretchFactor(1, 3)
        layout.setRowStretchFactor(2, 3)
        for col, stretch in enumerate((3, 2, 3)):
            layout.setColumnStretchFactor(col, stretch)

    def _heat_plot(self, row: int, col: int, title: str):
        plot = self.figure.addPlot(row=row, col=col, title=title)
        plot.invertY(True)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        image = pg.ImageItem(axisOrder="row-major")
        image.setColorMap(colors.sequential_colormap())
        image.setLevels((0.0, 1.0))
        plot.addItem(image)
        return plot, image, []

    # -- the model tables ----------------------------------------------------------------
    def load_preset(self, name: str, sample: bool = True) -> None:
        """One of PRESETS into the tables; then sample a sequence from it."""
        self.clear_stale()
        self.preset_box.setCurrentText(name)
        self.set_model(PRESETS[name]())
        if sample:
            self.sample()

    def set_model(self, model: Model) -> None:
        """Show ``model`` in the tables and heat maps and make it the current model."""
        self.model = model
        fits = (
            np.issubdtype(self.obs.dtype, np.integer)
            and self.obs.max(initial=-1) < len(model.symbols)
            if model.kind == "symbols"
            else np.issubdtype(self.obs.dtype, np.floating)
        )
        if len(self.obs) and not fits:  # observations of another alphabet: start empty
            self.obs = np.zeros(0, dtype=np.int64 if model.kind == "symbols" else float)
            self.true_path, self.x_values, self.analysis = None, None, None
            self.obs_edit.clear()
            self.obs_label.setText("T = 0: type, click, sample or load observations")
        self._fill_tables()
        self._rebuild_symbol_buttons()
        self.states_box.blockSignals(True)
        self.states_box.setValue(model.n_states)
        self.states_box.blockSignals(False)
        self.draw_model()

    def _fill_tables(self) -> None:
        m = self.model
        self._filling_tables = True
        try:
            b_cols = list(m.symbols) if m.kind == "symbols" else ["mean", "variance"]
            self.b_title.setText(
                "B (row: state, column: symbol)"
                if m.kind == "symbols"
                else "B: Gaussian emission per state"
            )
            for table, rows, cols, values in (
                (self.pi_table, ["π"], list(m.states), m.startprob[None, :]),
                (self.a_table, list(m.states), list(m.states), m.transmat),
                (self.b_table, list(m.states), b_cols, m.B),
            ):
                table.setRowCount(len(rows))
                table.setColumnCount(len(cols))
                table.setVerticalHeaderLabels(rows)
                table.setHorizontalHeaderLabels(cols)
                for i in range(len(rows)):
                    for j in range(len(cols)):
                        item = QTableWidgetItem(_shown(values[i, j]))
                        item.setData(Qt.ItemDataRole.UserRole, float(values[i, j]))
                        table.setItem(i, j, item)
                self.controls_scroll.fit_table(table)
        finally:
            self._filling_tables = False

    def _cells(self, table: QTableWidget) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
        """The table's values (NaN where a cell is not a number) and those bad cells."""
        out = np.full((table.rowCount(), table.columnCount()), np.nan)
        bad = []
        for i in range(table.rowCount()):
            for j in range(table.columnCount()):
                item = table.item(i, j)
                text = item.text().strip() if item is not None else ""
                exact = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
                if exact is not None and text == _shown(exact):
                    out[i, j] = exact  # the full-precision value behind a rounded display
                    continue
                try:
                    out[i, j] = float(text)
                except ValueError:
                    bad.append((i, j, text))
        return out, bad

    def _read_table(self, table: QTableWidget, name: str) -> np.ndarray:
        out, bad = self._cells(table)
        if bad:
            i, j, text = bad[0]
            row = table.verticalHeaderItem(i).text()
            col = table.horizontalHeaderItem(j).text()
            raise ValueError(f"{name}[{row}, {col}]: {text!r} is not a number")
        return out

    def _prob_tables(self) -> list[tuple[QTableWidget, bool]]:
        """Each table and whether its rows are probability distributions."""
        return [
            (self.pi_table, True),
            (self.a_table, True),
            (self.b_table, self.model.kind == "symbols"),
        ]

    def tables_model(self) -> Model:
        """The model the tables hold, or ``ValueError`` naming the first problem."""
        m = self.model
        pi = self._read_table(self.pi_table, "π")[0]
        A = self._read_table(self.a_table, "A")
        B = self._read_table(self.b_table, "B")
        pi, A = hmm.check_model(pi, A)
        if m.kind == "symbols":
            hmm.check_model(pi, A, B)
        elif (B[:, 1] <= 0).any():
            i = int(np.flatnonzero(B[:, 1] <= 0)[0])
            raise ValueError(f"B: the variance of state {m.states[i]} must be > 0")
        return replace(m, startprob=pi, transmat=A, B=B)

    def _mark_bad_rows(self) -> None:
        """Tint each row that is not a probability distribution (or not numbers)."""
        for table, is_prob in self._prob_tables():
            values, _ = self._cells(table)
            for i, v in enumerate(values):
                bad = bool(np.isnan(v).any())
                if is_prob:
                    bad = bad or bool((v < 0).any()) or abs(np.nansum(v) - 1.0) > ROW_TOL
                for j in range(table.columnCount()):
                    table.item(i, j).setBackground(QBrush(BAD_CELL) if bad else QBrush())

    def _table_edited(self, _item) -> None:
        if self._filling_tables:
            return
        self._filling_tables = True
        try:
            self._mark_bad_rows()
        finally:
            self._filling_tables = False
        try:
            model = self.tables_model()
        except ValueError as e:
            self.messages.error(f"{e}. The last valid model is still in use.")
            return
        self.messages.clear()
        self.undo_stack.push(_ModelChange(self, self.model, model, "Edit π, A, B"))
        self.model = model
        self.draw_model()
        self.refresh()

    def apply_model(self, model: Model) -> None:
        """Make ``model`` current (tables, heat maps, analysis): undo / redo land here."""
        self.set_model(model)
        self.messages.clear()
        self.refresh()

    def normalise_tables(self) -> None:
        """Divide every probability row by its sum (negative or unreadable entries: 0)."""
        self._filling_tables = True
        try:
            for table, is_prob in self._prob_tables():
                if not is_prob:
                    continue
                values, _ = self._cells(table)
                for i, v in enumerate(np.clip(np.nan_to_num(values, nan=0.0), 0.0, None)):
                    v = v / v.sum() if v.sum() > 0 else np.full(len(v), 1 / len(v))
                    for j, x in enumerate(v):
                        table.item(i, j).setText(_shown(x))
                        table.item(i, j).setData(Qt.ItemDataRole.UserRole, float(x))
        finally:
            self._filling_tables = False
        self._table_edited(None)

    def _states_changed(self, n: int) -> None:
        X = self.x_values if self.model.kind == "gaussian" else None
        self.preset_box.setCurrentIndex(-1)
        self._clear_fit()  # the curves were the old model's
        self.set_model(random_model(self.model, int(n), self.seed(), X))
        self.messages.note(f"A random model with {n} states (seed {self.seed()}): fit it to O.")
        if self.reference is not None and self.reference.n_states != n:
            self.true_path = None
        self.refresh()

    def _rebuild_symbol_buttons(self) -> None:
        if [b.text() for b in self.symbol_buttons[:-2]] == list(self.model.symbols):
            return
        for b in self.symbol_buttons:
            self.symbol_grid.removeWidget(b)
            b.hide()
            b.deleteLater()
        self.symbol_buttons = []
        if self.model.kind != "symbols":
            return
        labels = list(self.model.symbols) + ["⌫", "Clear"]
        per_row = 6
        for k, text in enumerate(labels):
            # a tool button is as narrow as its text in any font (a push button's least
            # width is fixed, so "Clear" was cut off at bigger fonts)
            b = QToolButton(text=text)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if text == "⌫":
                b.setToolTip("Remove the last observation")
                b.clicked.connect(self.pop_symbol)
            elif text == "Clear":
                b.clicked.connect(self.clear_observations)
            else:
                b.setToolTip(f"Append symbol {text}")
                b.clicked.connect(lambda _=False, k=k: self.append_symbol(k))
            self.symbol_grid.addWidget(b, k // per_row, k % per_row)
            self.symbol_buttons.append(b)

    # -- observations --------------------------------------------------------------------
    def set_observations(
        self,
        obs: np.ndarray,
        true_path: np.ndarray | None = None,
        x_values: np.ndarray | None = None,
        source: str = "",
        analysis: Analysis | None = None,
    ) -> None:
        """New observations; analysed in the worker unless ``analysis`` comes with them."""
        self.obs = np.asarray(obs)
        self.obs_source = source
        self.true_path = true_path
        self.x_values = x_values
        T = len(self.obs)
        if self.model.kind == "symbols" and T <= 2000:
            sep = "" if all(len(s) == 1 for s in self.model.symbols) else " "
            self.obs_edit.setText(sep.join(self.model.symbols[k] for k in self.obs))
        else:
            self.obs_edit.setText("")
            self.obs_edit.setPlaceholderText(f"{T:,} observations ({source})")
        self.obs_label.setText(f"T = {T:,} observations{': ' + source if source else ''}")
        self.t_now = max(T - 1, 0)
        self.back_from = 0
        if analysis is None:
            self.refresh(initial_window=True)
        else:
            self._initial_window = True
            self._analysed(analysis)

    def use_typed(self) -> None:
        if self.model.kind != "symbols":
            self.messages.error("Typed observations need a model over symbols (pick a preset)")
            return
        try:
            obs = parse_symbols(self.obs_edit.text(), self.model.symbols)
        except ValueError as e:
            self.messages.error(str(e))
            return
        self.messages.clear()
        self.set_observations(obs, source="typed")

    def append_symbol(self, k: int) -> None:
        self.set_observations(np.append(self.obs, k).astype(np.int64), source="clicked")

    def pop_symbol(self) -> None:
        if len(self.obs) > 1:
            self.set_observations(self.obs[:-1], source="clicked")

    def clear_observations(self) -> None:
        self.obs_edit.clear()
        self.set_observations(np.zeros(0, dtype=np.int64), source="cleared")

    def sample(self) -> None:
        """Draw T observations and their hidden states from the current model (seeded)."""
        model, seed = self.model, self.seed()
        try:
            model.engine().log_emission(
                np.zeros(1, dtype=np.int64 if model.kind == "symbols" else float)
            )
        except ValueError as e:
            self.messages.error(str(e))
            return

        def done(result: tuple[np.ndarray, np.ndarray, Analysis]) -> None:
            obs, states, analysis = result
            self.reference = model
            x = None if model.kind == "symbols" else obs
            self.set_observations(obs, states, x, f"sampled from λ, seed {seed}", analysis)

        self.job.run(
            sample_and_analyse,
            model,
            int(self.length_box.value()),
            seed,
            on_done=done,
            label="Sampling and decoding",
        )

    def _reseed(self) -> None:
        """A seed typed (Enter, Tab): a sampled sequence is drawn again from it; a CSV
        column gets a new random start for Baum-Welch. Typed symbols stay as they are."""
        if self.obs_source.startswith("sampled"):
            self.sample()
        elif self.dataset is not None:
            self.reset_fit()

    def set_dataset(self, dataset: Dataset) -> None:
        """A CSV / built-in table: choose the column to decode in 'CSV column'."""
        if dataset.n_samples < 2:
            self.messages.error(f"{dataset.name or 'the data'} has fewer than 2 rows")
            return
        self.clear_stale()
        self.dataset = dataset
        set_combo_items(self.column_box, dataset.feature_names)
        self._use_column()

    def _use_column(self) -> None:
        ds = self.dataset
        if ds is None:
            return
        j = max(self.column_box.currentIndex(), 0)
        x = ds.X[:, j]
        name = f"{elide(ds.name or 'CSV')}: column {elide(ds.feature_names[j])}"
        as_symbols = symbols_of_column(x)
        n = max(int(self.states_box.value()), 2)
        self.preset_box.setCurrentIndex(-1)
        self._clear_fit()  # a fit of the previous observations (the casino's) is not this one's
        if as_symbols is not None:
            codes, names = as_symbols
            template = Model("symbols", _states(n), names, np.ones(1), np.ones((1, 1)), np.ones(1))
            self.set_model(random_model(template, n, self.seed()))
            self.set_observations(codes, source=name + f" ({len(names)} symbols)")
        else:
            template = Model("gaussian", _states(n), (), np.ones(1), np.ones((1, 1)), np.ones(1))
            self.set_model(random_model(template, n, self.seed(), x))
            self.set_observations(x.copy(), x_values=x.copy(), source=name + " (Gaussian)")
        self.messages.note(
            f"Loaded {name}: a random {n}-state model; 'Fit from random starts' learns λ."
        )

    # -- analysis ------------------------------------------------------------------------
    def refresh(self, initial_window: bool = False) -> None:
        """Forward-backward and Viterbi of O under λ, in the worker."""
        if len(self.obs) == 0:
            self.analysis = None
            self.draw_analysis()
            return
        model, obs = self.model, self.obs
        try:
            model.engine().log_emission(obs)  # checks λ and O here, on the GUI thread
        except ValueError as e:
            self.messages.error(str(e))
            return
        self._initial_window = initial_window
        self.job.run(analyse, model, obs, on_done=self._analysed, label="Forward-backward")

    def _analysed(self, analysis: Analysis) -> None:
        self.analysis = analysis
        T = len(self.obs)
        self.t_now = min(self.t_now, T - 1)
        if self.back_from is not None:
            self.back_from = min(self.back_from, T - 1)
        if getattr(self, "_initial_window", False):
            self._initial_window = False
            self.trellis.setXRange(-0.5, min(T, 40) - 0.5, padding=0.02)
            self.post_plot.setXRange(-0.5, T - 0.5, padding=0.01)
        self.draw_analysis()

    # -- stepping through time ---------------------------------------------------------
    @property
    def T(self) -> int:
        return len(self.obs)

    def reset_time(self) -> None:
        """Back to t = 0: only δ_1 (α_1, ...) filled, no path."""
        self.t_now = 0
        self.back_from = None
        self._follow(0)
        self.draw_analysis()

    def step_time(self) -> None:
        """One column further; past the last column, one step of backtracking."""
        if self.analysis is None:
            return
        if self.t_now < self.T - 1:
            self.t_now += 1
            self._follow(self.t_now)
        elif self.back_from is None:
            self.back_from = self.T - 1
            self._follow(self.back_from)
        elif self.back_from > 0:
            self.back_from -= 1
            self._follow(self.back_from)
        if self.t_now >= self.T - 1 and self.back_from == 0:
            self.trellis_playback.pause()
        self.draw_analysis()

    def fill_all(self) -> None:
        self.t_now = max(self.T - 1, 0)
        self.back_from = 0
        self.trellis_playback.pause()
        self.draw_analysis()

    def _follow(self, t: int) -> None:
        """Scroll the trellis so column t is in view."""
        lo, hi = self.trellis.getViewBox().viewRange()[0]
        if not lo <= t <= hi:
            span = hi - lo
            start = min(max(t - span * 0.7, -0.5), max(self.T - 0.5 - span, -0.5))
            self.trellis.setXRange(start, start + span, padding=0)

    # -- drawing ---------------------------------------------------------------------------
    def quantity(self) -> str:
        return QUANTITIES[self.quantity_box.currentText()]

    def draw_analysis(self) -> None:
        a = self.analysis
        N = self.model.n_states
        ticks = [[(i, s) for i, s in enumerate(self.model.states)]]
        self.trellis.getAxis("left").setTicks(ticks)
        ticks[0].append((-0.75, "o_t"))
        self.trellis.setYRange(-1.0, N - 0.5 + 0.25 * max(N, 2), padding=0.02)
        if a is None or len(a.viterbi) != self.T:
            self.heat.clear()
            self.nodes.clear()
            for item in (
                *self.edge_items,
                self.back_edges,
                self.viterbi_curve,
                self.posterior_curve,
                self.true_curve,
            ):
                item.setData([], [])
            self.step_label.setText("")
            self.post_plot.setTitle(POSTERIOR_TITLE)  # no log p(O|λ) of observations gone
            self.draw_in_turns(self._draw_posterior)
            return
        q = self.quantity()
        names = {
            "gamma": "posterior γ",
            "alpha": "forward α (normalised per t)",
            "beta": "backward β (normalised per t)",
            "delta": "Viterbi δ (1 = best at t)",
        }
        self.trellis.setTitle(f"Trellis shaded by {names[q]}")
        self.post_plot.setTitle(
            f"Posterior γ<sub>t</sub>(i) · log p(O|λ) = {a.log_likelihood:.5g} · "
            f"Viterbi log p(O, I*|λ) = {a.viterbi_log_prob:.5g}"
        )
        self.now_line.setPos(self.t_now)
        self.now_line.setVisible(self.t_now < self.T - 1)
        self.draw_window()
        self._redraw_timer.stop()  # a range change just before is drawn already
        self._draw_step_label()
        self.draw_in_turns(self._draw_posterior)  # its own paint: ~30 ms at T = 100,000

    def draw_paths(self) -> None:
        """The three paths over the columns in view; zoomed far out the strips below show
        them instead (a 100,000-point dashed path would take seconds to paint)."""
        a = self.analysis
        t0, t1 = self._visible_window()
        curves = (self.viterbi_curve, self.posterior_curve, self.true_curve)
        if a is None or len(a.viterbi) != self.T or not 0 < t1 - t0 <= PATH_SPAN:
            for c in curves:
                c.setData([], [])
            return
        t = np.arange(t0, t1)
        start = t1 if self.back_from is None else max(self.back_from, t0)
        paths = (
            (self.show_viterbi, a.viterbi, start),
            (self.show_posterior, a.posterior, t0),
            (self.show_true, self.true_path, t0),
        )
        for curve, (box, path, s) in zip(curves, paths):
            if box.isChecked() and path is not None and s < t1:
                curve.setData(t[s - t0 :], path[s:t1])
            else:
                curve.setData([], [])

    def _visible_window(self) -> tuple[int, int]:
        lo, hi = self.trellis.getViewBox().viewRange()[0]
        return max(int(np.floor(lo)), 0), min(int(np.ceil(hi)) + 1, self.T)

    def draw_window(self) -> None:
        """Nodes, edges and symbols of the columns in view, when few enough are in view."""
        self.draw_paths()
        a = self.analysis
        for text in self.obs_texts:
            text.setVisible(False)
        t0, t1 = self._visible_window()
        few = a is not None and len(a.viterbi) == self.T and 0 < t1 - t0 <= NODE_SPAN
        self.heat.setVisible(not few)
        if a is not None and len(a.viterbi) == self.T:
            self._draw_heat_window(a, t0, t1)
        if not few:
            self.nodes.clear()
            for item in (*self.edge_items, self.back_edges):
                item.setData([], [])
            return
        N = self.model.n_states
        q = self.quantity()
        shade = a.shade[q][t0:t1]
        tt, ss = np.meshgrid(np.arange(t0, t1), np.arange(N), indexing="ij")
        filled = (tt <= self.t_now) | (q in ("gamma", "beta"))
        idx = np.clip((shade * 255).astype(int), 0, 255)
        brushes = [
            pg.mkBrush(*self.cmap_lut[k]) if f else pg.mkBrush(255, 255, 255, 0)
            for k, f in zip(idx.ravel(), filled.ravel())
        ]
        self.nodes.setData(tt.ravel(), ss.ravel(), brush=brushes, size=18 if N <= 8 else 10)
        self._draw_edges(a, q, t0, t1)
        labels = self._obs_labels(t0, t1)
        # a pool of labels, reused as the view moves
        for text, (t, label) in zip(grown(self.obs_texts, len(labels), self._new_obs_text), labels):
            text.setText(label)
            text.setPos(t, -0.75)
            text.setVisible(True)

    def _obs_labels(self, t0: int, t1: int) -> list[tuple[int, str]]:
        """(t, o_t as text) for the columns in view, every k-th when the texts are wider than
        a column: side by side, Gaussian values ran together ("1.32.5")."""
        symbols = self.model.kind == "symbols"
        texts = [self.model.symbols[o] if symbols else shown(o, ".2g") for o in self.obs[t0:t1]]
        if not texts:
            return []
        widest = max(QFontMetricsF(self.font()).horizontalAdvance(s) for s in texts)
        column = 1.0 / max(self.trellis.getViewBox().viewPixelSize()[0], 1e-12)  # pixels
        every = max(1, math.ceil((widest + OBS_GAP_PX) / column))
        return [(t, s) for t, s in zip(range(t0, t1), texts) if t % every == 0]

    def _new_obs_text(self) -> pg.TextItem:
        text = TextItem("", anchor=(0.5, 0.5), color=colors.PALETTE[7])
        self.trellis.addItem(text, ignoreBounds=True)
        return text

    def _draw_heat_window(self, a: Analysis, t0: int, t1: int) -> None:
        """The trellis as an image of the columns in view (plus a view either side, for
        panning), averaged over blocks so at most HEAT_COLUMNS columns are drawn."""
        span = max(t1 - t0, 1)
        lo, hi = max(t0 - span, 0), min(t1 + span, self.T)
        block = max(1, -(-(hi - lo) // HEAT_COLUMNS))
        hi = min(lo + block * (-(-(hi - lo) // block)), self.T)
        shade = a.shade[self.quantity()][lo:hi].astype(np.float32)
        if self.t_now < self.T - 1 and self.quantity() in ("alpha", "delta"):
            shade[max(self.t_now + 1 - lo, 0) :] = 0.0  # not yet computed at this step
        n = len(shade) // block
        image = shade[: n * block].reshape(n, block, -1).mean(axis=1)
        if len(shade) > n * block:
            image = np.vstack([image, shade[n * block :].mean(axis=0, keepdims=True)])
        self.heat.setImage(image, levels=(0.0, 1.0))
        self.heat.setRect(QRectF(lo - 0.5, -0.5, len(image) * block, self.model.n_states))

    def _edge_weights(self, a: Analysis, q: str, t0: int, t1: int) -> np.ndarray:
        """(t1-t0-1, N, N): each edge t -> t+1's share, in [0, 1]."""
        lA = a.log_transmat[None]
        with np.errstate(invalid="ignore", divide="ignore"):
            if q == "gamma":
                w = hmm.transition_posteriors(
                    a.log_alpha[t0:t1],
                    a.log_beta[t0:t1],
                    a.log_transmat,
                    a.log_emission[t0:t1],
                    a.log_likelihood,
                )
            elif q == "beta":  # a_ij b_j(o_t+1) β_t+1(j) / β_t(i): shares over j
                x = lA + (a.log_emission + a.log_beta)[t0 + 1 : t1, None, :]
                w = _softmax(x, axis=2)
            elif q == "alpha":  # α_t(i) a_ij / Σ_i α_t(i) a_ij: shares over i
                w = _softmax(a.log_alpha[t0 : t1 - 1, :, None] + lA, axis=1)
            else:  # δ_t(i) a_ij relative to the best incoming edge (= 1, the back-pointer)
                x = a.log_delta[t0 : t1 - 1, :, None] + lA
                m = x.max(axis=1, keepdims=True)
                w = np.exp(x - np.where(np.isfinite(m), m, 0.0))
        return np.nan_to_num(w, nan=0.0)

    def _draw_edges(self, a: Analysis, q: str, t0: int, t1: int) -> None:
        N = self.model.n_states
        if N > EDGE_STATES or t1 - t0 < 2:
            for item in (*self.edge_items, self.back_edges):
                item.setData([], [])
            return
        w = self._edge_weights(a, q, t0, t1)
        t, i, j = np.meshgrid(np.arange(t0, t1 - 1), np.arange(N), np.arange(N), indexing="ij")
        shown = (t + 1 <= self.t_now) | (q in ("gamma", "beta"))
        for k, (lo, hi) in enumerate(((0.01, 0.1), (0.1, 0.35), (0.35, 0.7), (0.7, 1.01))):
            sel = shown & (w >= lo) & (w < hi)
            x = np.column_stack([t[sel], t[sel] + 1]).ravel()
            y = np.column_stack([i[sel], j[sel]]).ravel()
            self.edge_items[k].setData(x, y)
        if q == "delta":  # back-pointers ψ_{t+1}(j) of every filled column
            ts = np.arange(max(t0, 1), min(t1, self.t_now + 1))
            js = np.arange(N)
            tt, jj = np.meshgrid(ts, js, indexing="ij")
            ii = a.psi[tt, jj]
            x = np.column_stack([tt.ravel() - 1, tt.ravel()]).ravel()
            y = np.column_stack([ii.ravel(), jj.ravel()]).ravel()
            self.back_edges.setData(x, y)
        else:
            self.back_edges.setData([], [])

    def _draw_step_label(self) -> None:
        a = self.analysis
        t = self.t_now
        m = self.model
        if a is None or m.kind != "symbols" or m.n_states > 6:
            obs = "" if a is None else f"t = {t}"
            self.step_label.setText(obs)
            return
        o = m.symbols[self.obs[t]]
        parts = []
        for j, s in enumerate(m.states):
            if t == 0:
                parts.append(f"log δ<sub>1</sub>({s}) = log π·b = {a.log_delta[0, j]:.3f}")
            else:
                parts.append(
                    f"log δ<sub>{t + 1}</sub>({s}) = {a.log_delta[t, j]:.3f}, "
                    f"ψ = <b>{m.states[a.psi[t, j]]}</b>"
                )
        back = ""
        if self.back_from is not None:
            back = (
                f" · backtracking: path from t = {self.back_from} is "
                + " ".join(_short_names(m.states)[k] for k in a.viterbi[self.back_from :][:20])
                + ("…" if self.T - self.back_from > 20 else "")
            )
        self.step_label.setText(
            f"<b>t = {t}</b> (o = {o}): δ<sub>t+1</sub>(j) = max<sub>i</sub> δ<sub>t</sub>(i)"
            f" a<sub>ij</sub> b<sub>j</sub>(o<sub>t+1</sub>) → " + "; ".join(parts) + back
        )

    def _draw_posterior(self) -> None:
        """γ, and the strips of the three paths, over the whole sequence."""
        a = self.analysis
        if a is not None and len(a.viterbi) != self.T:
            a = None
        m = self.model
        while len(self.post_curves) > m.n_states or (
            self.post_curves and self.post_curves[0].name() != m.states[0]
        ):
            curve = self.post_curves.pop()
            self.post_plot.legend.removeItem(curve)
            self.post_plot.removeItem(curve)
        while len(self.post_curves) < m.n_states:
            k = len(self.post_curves)
            curve = self.post_plot.plot(
                [], [], name=m.states[k], pen=pg.mkPen(colors.PALETTE[k % 8], width=1.8)
            )
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.post_curves.append(curve)
        T = self.T
        if a is None:
            for curve in self.post_curves:
                curve.setData([], [])
        else:  # long sequences: the mean of γ over blocks of steps (an overview)
            block = max(1, -(-T // STRIP_COLUMNS))
            n = T // block
            t = np.arange(n) * block + (block - 1) / 2
            gamma = a.gamma[: n * block].reshape(n, block, -1).mean(axis=1)
            for k, curve in enumerate(self.post_curves):
                curve.setData(t, gamma[:, k], antialias=n <= SMOOTH_POINTS)
        palette = colors.palette_rgb(8).astype(np.uint8)
        for name, (img, y) in self.strips.items():
            path = None
            if a is not None:
                path = {"viterbi": a.viterbi, "posterior": a.posterior, "true": self.true_path}[
                    name
                ]
            if path is None or len(path) != T:
                img.clear()
                continue
            step = max(1, -(-T // STRIP_COLUMNS))  # every step-th state: an overview
            rgb = palette[np.asarray(path)[::step] % 8][:, None, :]
            img.setImage(rgb, levels=(0, 255))
            img.setRect(QRectF(-0.5, y - 0.16, len(rgb) * step, 0.16))
        self.post_plot.setYRange(-0.86, 1.3, padding=0)
        self._sync_region()

    def draw_model(self) -> None:
        m = self.model
        self._draw_heat(self.a_plot, self.a_image, self.a_texts, m.transmat, m.states, m.states)
        self.a_plot.setLabel("left", "from state i")
        self.a_plot.setLabel("bottom", "to state j")
        for c in self.b_curves:
            self.b_plot.removeItem(c)
        self.b_curves = []
        if m.kind == "symbols":
            self.b_plot.invertY(True)
            self.b_image.setVisible(True)
            self._draw_heat(self.b_plot, self.b_image, self.b_texts, m.B, m.states, m.symbols)
            self.b_plot.setLabel("left", "state j")
            self.b_plot.setLabel("bottom", "symbol k")
            self.b_plot.setTitle("B: b<sub>j</sub>(k)")
        else:
            self.b_image.setVisible(False)
            self._draw_heat(self.b_plot, self.b_image, self.b_texts, np.zeros((0, 0)), (), ())
            self.b_plot.invertY(False)
            mu, var = m.B[:, 0], m.B[:, 1]
            sd = np.sqrt(var)
            x = np.linspace((mu - 4 * sd).min(), (mu + 4 * sd).max(), 300)
            for k in range(m.n_states):
                y = np.exp(-0.5 * (x - mu[k]) ** 2 / var[k]) / np.sqrt(2 * np.pi * var[k])
                c = self.b_plot.plot(x, y, pen=pg.mkPen(colors.PALETTE[k % 8], width=2))
                self.b_curves.append(c)
            self.b_plot.getAxis("left").setTicks(None)
            self.b_plot.getAxis("bottom").setTicks(None)
            self.b_plot.setLabel("left", "density b<sub>j</sub>(x)")
            self.b_plot.getAxis("left").enableAutoSIPrefix(False)
            self.b_plot.setLabel("bottom", "observation x")
            self.b_plot.setTitle("B: Gaussian b<sub>j</sub>(x)")
            self.b_plot.autoRange()

    def _draw_heat(self, plot, image, texts, values, rows, cols) -> None:
        for t in texts:
            plot.removeItem(t)
        texts.clear()
        if values.size == 0:
            return
        image.setImage(values, levels=(0.0, 1.0))
        image.setRect(QRectF(-0.5, -0.5, values.shape[1], values.shape[0]))
        plot.getAxis("left").setTicks([[(i, s[:6]) for i, s in enumerate(rows)]])
        plot.getAxis("bottom").setTicks([[(j, s[:6]) for j, s in enumerate(cols)]])
        plot.setXRange(-0.5, values.shape[1] - 0.5, padding=0)
        plot.setYRange(-0.5, values.shape[0] - 0.5, padding=0)
        if values.size <= TEXT_CELLS and values.shape[1] <= 4:
            for i in range(values.shape[0]):
                for j in range(values.shape[1]):
                    v = values[i, j]
                    label = "0" if v == 0 else f"{v:.2f}"  # an exact zero: a structural zero
                    text = TextItem(label, anchor=(0.5, 0.5), color="k" if v > 0.6 else "w")
                    text.setPos(j, i)
                    plot.addItem(text)
                    texts.append(text)

    # -- trellis window <-> region in the posterior plot ---------------------------------
    def _trellis_range_changed(self, *_) -> None:
        self._redraw_timer.start()
        self._sync_region()

    def _sync_region(self) -> None:
        if self._syncing_range:
            return
        self._syncing_range = True
        try:
            lo, hi = self.trellis.getViewBox().viewRange()[0]
            self.window_region.setRegion((lo, hi))
        finally:
            self._syncing_range = False

    def _region_moved(self) -> None:
        if self._syncing_range:
            return
        self._syncing_range = True
        try:
            lo, hi = self.window_region.getRegion()
            self.trellis.setXRange(lo, hi, padding=0)
        finally:
            self._syncing_range = False

    # -- Baum-Welch ------------------------------------------------------------------------
    def _fit_input(self) -> np.ndarray | None:
        if len(self.obs) < 2:
            self.messages.error("Baum-Welch needs at least 2 observations: sample or type some")
            return None
        return self.obs if self.model.kind == "symbols" else self.obs.astype(float)

    def step_fit(self) -> None:
        """One E+M iteration from the current model."""
        obs = self._fit_input()
        if obs is None:
            self.fit_playback.pause()
            return
        self.job.run(one_iteration, self.model, obs, on_done=self._stepped, label="Baum-Welch")

    def _stepped(self, result: tuple[Model, float]) -> None:
        model, ll = result
        history = self.fit_curves[self.fit_best] if self.fit_curves else np.zeros(0)
        history = np.append(history, ll)
        curves = list(self.fit_curves) or [history]
        curves[self.fit_best if self.fit_curves else 0] = history
        self.fit_curves = tuple(curves)
        gain = history[-1] - history[-2] if len(history) > 1 else np.inf
        self.set_model(align_states(model, self.reference))
        self._draw_fit_curves()
        self.fit_label.setText(
            f"iteration {len(history)}: log p(O|λ) = {ll:.6g}"
            + (f", gain {gain:.3g}" if np.isfinite(gain) else "")
        )
        if 0 <= gain < 1e-6:
            self.fit_playback.pause()
            self.fit_label.setText(self.fit_label.text() + " ✓ converged")
        self.refresh()

    def clear_views(self) -> None:
        self._clear_fit()

    def _clear_fit(self) -> None:
        """No Baum-Welch curve and no fit result: they belong to other data or another λ."""
        self.fit_playback.pause()
        self.fit_curves = ()
        self.fit_best = 0
        self._draw_fit_curves()
        self.fit_label.setText("")

    def reset_fit(self) -> None:
        """A fresh random model (seeded) of the same size, and no curve."""
        X = self.x_values if self.model.kind == "gaussian" else None
        self.set_model(random_model(self.model, self.model.n_states, self.seed(), X))
        self._clear_fit()
        self.fit_label.setText(f"random start, seed {self.seed()}: press Step EM or Play")
        self.refresh()

    def fit_restarts(self) -> None:
        obs = self._fit_input()
        if obs is None:
            return
        n = int(self.restarts_box.value())
        X = self.x_values if self.model.kind == "gaussian" else None
        starts = [
            random_model(self.model, self.model.n_states, self.seed() + r, X) for r in range(n)
        ]
        self.fit_playback.pause()
        self._fit_start = self.model
        self.job.run(
            baum_welch,
            starts,
            obs,
            int(self.iter_box.value()),
            1e-6,
            self.seed(),
            on_step=self._fit_progress,
            on_done=self._fit_done,
            label="Baum-Welch restarts",
        )

    def _fit_progress(self, step: FitStep) -> None:
        self.fit_curves, self.fit_best = step.curves, step.best
        self.model = align_states(step.model, self.reference)
        self.draw_model()
        self._draw_fit_curves()
        self.fit_label.setText(f"restart {len(step.curves)} of {self.restarts_box.value()}…")

    def _fit_done(self, step: FitStep) -> None:
        self.fit_curves, self.fit_best = step.curves, step.best
        fitted = align_states(step.model, self.reference)
        self.undo_stack.push(_ModelChange(self, self._fit_start, fitted, "Baum-Welch fit"))
        self.set_model(fitted)
        self._draw_fit_curves()
        finals = [c[-1] for c in step.curves]
        self.fit_label.setText(
            f"{plural(len(finals), 'restart')}: best log p(O|λ) = {max(finals):.6g} (seed "
            f"{self.seed() + step.best}); worst {min(finals):.6g}. The tables hold the best λ."
        )
        self.refresh()

    def _draw_fit_curves(self) -> None:
        for c in self.ll_curves:
            self.ll_plot.removeItem(c)
        self.ll_curves = []
        for r, h in enumerate(self.fit_curves):
            best = r == self.fit_best
            pen = pg.mkPen(colors.PALETTE[3] if best else (150, 150, 150), width=2.5 if best else 1)
            c = self.ll_plot.plot(np.arange(1, len(h) + 1), h, pen=pen)
            c.setZValue(2 if best else 1)
            self.ll_curves.append(c)
        if self.fit_curves:
            self.ll_plot.autoRange()

    # -- export and demo -------------------------------------------------------------------
    def model_dict(self) -> dict:
        """λ as plain lists, the form the JSON export writes."""
        m = self.model
        out = {
            "kind": m.kind,
            "states": list(m.states),
            "startprob": m.startprob.tolist(),
            "transmat": m.transmat.tolist(),
        }
        if m.kind == "symbols":
            out["symbols"] = list(m.symbols)
            out["emissionprob"] = m.B.tolist()
        else:
            out["means"] = m.B[:, 0].tolist()
            out["variances"] = m.B[:, 1].tolist()
        return out

    def save_model(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.model_dict(), f, indent=2)
        self.messages.note(f"Model saved to {path}")

    def _save_model_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save model", "hmm_model.json", "JSON (*.json)")
        if path:
            try:
                self.save_model(path)
            except OSError as e:
                self.messages.error(f"Could not write {path}: {e}")

    def results_frame(self) -> pd.DataFrame | None:
        """t, observation, Viterbi and posterior-decoded states, γ per state, true state."""
        a = self.analysis
        if a is None or len(a.viterbi) != self.T:
            return None
        m = self.model
        states = np.array(m.states)
        frame = pd.DataFrame({"t": np.arange(self.T)})
        frame["observation"] = np.array(m.symbols)[self.obs] if m.kind == "symbols" else self.obs
        frame["viterbi_state"] = states[a.viterbi]
        frame["posterior_state"] = states[a.posterior]
        for k, s in enumerate(m.states):
            frame[f"gamma_{s}"] = a.gamma[:, k]
        if self.true_path is not None and len(self.true_path) == self.T:
            frame["true_state"] = states[self.true_path]
        return frame

    def load_demo(self) -> None:
        """The casino: 300 rolls sampled, decoded, then Baum-Welch from 5 seeded random starts."""
        self.length_box.setValue(300)
        self.load_preset(list(PRESETS)[0])
        self.job.sigFinished.connect(self._demo_fit)

    def _demo_fit(self) -> None:
        self.job.sigFinished.disconnect(self._demo_fit)
        self.fit_restarts()

    def heavy_job(self) -> None:
        """100,000 casino rolls: sampled, then forward-backward and Viterbi with δ and ψ."""
        self.length_box.setValue(100_000)
        self.load_preset(list(PRESETS)[0])
