"""The inference panel's control column: the mode and seed, each mode's group (graph preset,
sum/max, the editor and the potentials' tables; the network, X, Y and the evidence; the
image and the Ising model's parameters; the Gaussian's correlation), the stepper and the
result's numbers. Only the current mode's group shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
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


def _node_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, lab.MAX_NODES - 1)
    return spin


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
        self.attach_spin, self.add_node_button = _node_spin(), QPushButton("Add node")
        self.add_node_button.setToolTip("A new node joined to the chosen one")
        form.addRow("Join to", side_by_side(self.attach_spin, self.add_node_button))
        self.edge_u, self.edge_v = _node_spin(), _node_spin()
        self.add_edge_button = QPushButton("Add edge")
        form.addRow("Edge", side_by_side(self.edge_u, self.edge_v, self.add_edge_button))
        self.remove_spin, self.remove_button = _node_spin(), QPushButton("Remove node")
        form.addRow("Node", side_by_side(self.remove_spin, self.remove_button))
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
        self.parent_box, self.add_child_button = _combo(), QPushButton("Add child")
        form.addRow("Of", side_by_side(self.parent_box, self.add_child_button))
        self.arrow_from, self.arrow_to = _combo(), _combo()
        self.add_arrow_button = QPushButton("Add arrow")
        form.addRow("Arrow", side_by_side(self.arrow_from, self.arrow_to))
        form.addRow(self.add_arrow_button)

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
        for spin in (self.attach_spin, self.edge_u, self.edge_v, self.remove_spin):
            spin.setMaximum(max(0, n - 1))
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
        for box in (self.x_box, self.y_box, self.parent_box, self.arrow_from, self.arrow_to):
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
