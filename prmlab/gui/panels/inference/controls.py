"""The inference panel's control column: the mode and seed, each mode's group (graph preset,
sum/max, how to draw on the graph and the potentials' tables; the network, X, Y, the
evidence and what a click on a node sets; the image and the Ising model's parameters; the
Gaussian's correlation), the stepper and the result's numbers. Only the current mode's
group shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
)

from prmlab.gui.panels.inference.tables import PAIR_COLUMNS, UNARY_COLUMNS, PotentialTable
from prmlab.gui.panels.inference.text import describe
from prmlab.gui.widgets.params import Param, ParamForm, group, side_by_side
from prmlab.gui.widgets.step_groups import step_groups
from prmlab.lab import inference as lab

SWEEPS = Param(
    "sweeps",
    "Sweeps",
    1,
    lab.MAX_SWEEPS,
    integer=True,
    spin=True,
    tooltip="Sweeps computed: the scrubber's range",
)
PARAMS = {
    "graph": (SWEEPS,),
    "bayes": (),
    "denoise": (
        Param("noise", "Noise", 0.0, 0.4, tooltip="The share of pixels flipped in y"),
        Param("beta", "Coupling β", 0.0, 2.0, tooltip="log ψ(xᵢ, xⱼ) = ±β: neighbours agree"),
        Param("eta", "Evidence η", 0.1, 3.0, tooltip="log ψ(xᵢ) = ±η yᵢ: trust in the pixel"),
        SWEEPS,
    ),
    "variational": (
        Param("rho", "Correlation ρ", -0.99, 0.99, tooltip="p's correlation of z₁ and z₂"),
        Param("sd2", "σ₂", 0.3, 3.0, log=True, tooltip="p's standard deviation along z₂"),
    ),
}
GROUP_TITLES = {
    "graph": "Graph and potentials",
    "bayes": "Bayesian network",
    "denoise": "Ising model of the image",
    "variational": "Gaussian p",
}


def _combo(items: tuple[str, ...] = ()) -> QComboBox:
    box = QComboBox()
    box.addItems(list(items))
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(8)
    return box


DRAW_HINT = (
    "<b>Draw on the graph</b>: click empty space for a node ({join} a selected node); "
    "click two nodes, or drag one onto another, for {edge}; drag a node to move it; "
    "select a node or {edge_word} and press Delete, or right-click it, to remove it."
)
ROLE_BUTTONS = {"edit": "Draw", "x": "X", "y": "Y", "z": "Z"}  # the network's click roles
ROLE_HINTS = {
    "edit": DRAW_HINT.replace("{edge_word}", "arrow").format(
        join="a child of", edge="an arrow (parent → child)"
    ),
    "x": "<b>Click a node</b> to make it X (it swaps with Y if it was Y).",
    "y": "<b>Click a node</b> to make it Y (it swaps with X if it was X).",
    "z": "<b>Click a node</b> to observe it (Z), or click it again to unobserve it.",
}


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class InferenceControls:
    """Builds the column (a mixin of the panel: ``self.controls``, ``make_param_form``)."""

    forms: dict[str, ParamForm]

    def build_controls(self, make_form: Callable[..., ParamForm]) -> None:
        form = group(self.controls, "Model")
        self.mode_box = _combo()
        for mode in lab.MODES:
            self.mode_box.addItem(lab.MODE_TITLES[mode], mode)
        form.addRow("Mode", self.mode_box)
        self.new_button = QPushButton("↻ New")
        self.new_button.setToolTip("A fresh random seed: potentials, noise, starts")
        form.addRow("Seed", side_by_side(self.seed_box, self.new_button))
        self.forms, self.mode_groups = {}, {}
        for mode in lab.MODES:
            form = group(self.controls, GROUP_TITLES[mode])
            getattr(self, f"_build_{mode}")(form)
            self.forms[mode] = make_form(form, PARAMS[mode])
            self.mode_groups[mode] = form.parentWidget()
        self.playback, self.timeline, self.step_label, self.result_label = step_groups(
            self.controls,
            self.make_playback(step_text="Step", rate=3.0, max_rate=30.0),
            self.make_timeline(unit="step"),
            step_lines=2,
        )

    def _build_graph(self, form) -> None:
        self.graph_box = _combo(lab.GRAPHS)
        form.addRow("Preset", self.graph_box)
        self.kind_box = _combo()
        self.kind_box.addItem("Sum-product (marginals)", "sum")
        self.kind_box.addItem("Max-product (MAP)", "max")
        form.addRow("Product", self.kind_box)
        self.per_message_box = QCheckBox("Step one message at a time")
        form.addRow(self.per_message_box)
        self.graph_hint = _hint(
            DRAW_HINT.replace("{edge_word}", "edge").format(join="joined to", edge="an edge")
        )
        form.addRow(self.graph_hint)
        self.unary_table = PotentialTable(UNARY_COLUMNS)
        self.unary_table.setToolTip("ψᵢ(xᵢ): type a number > 0")
        form.addRow(QLabel("Node potentials ψᵢ(xᵢ)"))
        form.addRow(self.unary_table)
        self.pair_table = PotentialTable(PAIR_COLUMNS)
        self.pair_table.setToolTip("ψ(x_u, x_v) of the edge u–v: type a number > 0")
        form.addRow(QLabel("Edge potentials ψ(x_u, x_v)"))
        form.addRow(self.pair_table)

    def _build_bayes(self, form) -> None:
        self.network_box = _combo(lab.NETWORKS)
        form.addRow("Preset", self.network_box)
        self.x_box, self.y_box = _combo(), _combo()
        form.addRow("X", self.x_box)
        form.addRow("Y", self.y_box)
        self.evidence_list = QListWidget()
        self.evidence_list.setToolTip("Tick the observed nodes Z")
        self.evidence_list.setFixedHeight(5 * self.evidence_list.fontMetrics().height() + 12)
        form.addRow("Evidence Z", self.evidence_list)
        self.role_buttons = QButtonGroup(form.parentWidget())
        row = []
        for k, (role, text) in enumerate(ROLE_BUTTONS.items()):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(k == 0)
            button.setToolTip(ROLE_HINTS[role].replace("<br>", " "))
            self.role_buttons.addButton(button, k)
            row.append(button)
        form.addRow("Click sets", side_by_side(*row))
        self.bayes_hint = _hint(ROLE_HINTS["edit"])
        form.addRow(self.bayes_hint)

    def _build_denoise(self, form) -> None:
        self.image_box = _combo(lab.IMAGES)
        form.addRow("Image", self.image_box)
        hint = QLabel("Paint on the clean image: left button 1, right button or Shift 0")
        hint.setWordWrap(True)
        form.addRow(hint)

    def _build_variational(self, form) -> None:
        note = QLabel("Mean field fits q(z) = q₁(z₁)q₂(z₂) by minimising KL(q‖p).")
        note.setWordWrap(True)
        form.addRow(note)

    # -- showing a State -----------------------------------------------------------------------
    def show_controls(self, state: lab.State) -> None:
        """Put ``state``'s choices into the controls, emitting nothing."""
        boxes = (
            self.mode_box,
            self.graph_box,
            self.kind_box,
            self.per_message_box,
            self.network_box,
            self.x_box,
            self.y_box,
            self.evidence_list,
            self.image_box,
        )
        blockers = [QSignalBlocker(w) for w in boxes]
        self.mode_box.setCurrentIndex(lab.MODES.index(state.mode))
        self.graph_box.setCurrentText(state.graph if state.graph in lab.GRAPHS else "")
        self.kind_box.setCurrentIndex(lab.KINDS.index(state.kind))
        self.per_message_box.setChecked(state.per_message)
        self.network_box.setCurrentText(state.network if state.network in lab.NETWORKS else "")
        self.image_box.setCurrentText(state.image_name)
        self._show_network(state)
        n = len(state.node_xy)
        self.unary_table.show_values([str(i) for i in range(n)], lab.potentials(state)[0])
        names = [f"{u}–{v}" for u, v in state.edges.tolist()]
        self.pair_table.show_values(names, lab.potentials(state)[1])
        if self.controls_scroll.isVisible():  # else the column's refit at its Show fits them
            for table in (self.unary_table, self.pair_table):
                self.controls_scroll.fit_table(table)
        for form in self.forms.values():
            form.set_state(state)
        for mode, box in self.mode_groups.items():
            box.setVisible(mode == state.mode)
        self.playback.setVisible(state.mode != "bayes")
        self.timeline.setVisible(state.mode != "bayes")
        del blockers

    def _show_network(self, state: lab.State) -> None:
        names = list(state.dag_names)
        for box in (self.x_box, self.y_box):
            if [box.itemText(i) for i in range(box.count())] != names:
                with QSignalBlocker(box):
                    box.clear()
                    box.addItems(names)
        self.x_box.setCurrentIndex(state.x)
        self.y_box.setCurrentIndex(state.y)
        self.evidence_list.clear()
        for i, name in enumerate(names):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = i in state.evidence
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.evidence_list.addItem(item)

    def click_role(self) -> str:
        """What a click on a network's node does: "edit" (draw), "x", "y" or "z"."""
        return tuple(ROLE_BUTTONS)[self.role_buttons.checkedId()]

    def ticked_evidence(self) -> tuple[int, ...]:
        """The nodes ticked as observed."""
        return tuple(
            i
            for i in range(self.evidence_list.count())
            if self.evidence_list.item(i).checkState() == Qt.CheckState.Checked
        )

    def show_numbers(self, state: lab.State, result: lab.Result | None) -> None:
        """The result's numbers, and the stepper's line."""
        if result is None:
            self.result_label.setText("–")
            self.step_label.setText("")
            return
        text, step = describe(state, result)
        self.result_label.setText(text)
        self.step_label.setText(step)
