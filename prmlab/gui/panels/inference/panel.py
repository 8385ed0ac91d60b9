"""Inference on graphical models: belief propagation (sum- and max-product) message by
message, d-separation on a Bayesian network, loopy BP, mean field and Gibbs denoising an
image on one Ising model, and mean field's KL(q‖p) against moment matching.

The panel holds one ``prmlab.lab.inference.State`` (every mode's model); every change (a
preset, an edit, a slider, undo, a session, the scrubber) shows a State: its Result is
computed in the panel's Job (``Experiment`` keeps a mode's run, so Step, Play and the
scrubber cost no rerun) and drawn by the mode's view. The maths lives in the lab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from prmlab.gui import theme
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.inference.controls import ROLE_HINTS, InferenceControls
from prmlab.gui.panels.inference.tables import parse_potential
from prmlab.gui.panels.inference.views import (
    BayesView,
    DenoiseView,
    GraphModeView,
    VariationalView,
)
from prmlab.lab import inference as lab

if TYPE_CHECKING:
    import pandas as pd

EXPLANATION = (
    "<b>Belief propagation</b> (PRML §8.4): m<sub>i→j</sub>(x<sub>j</sub>) = "
    "Σ<sub>x<sub>i</sub></sub> ψ<sub>i</sub>(x<sub>i</sub>) ψ<sub>ij</sub>(x<sub>i</sub>, "
    "x<sub>j</sub>) Π<sub>k∈N(i)\\j</sub> m<sub>k→i</sub>(x<sub>i</sub>) (max for max-product), "
    "belief b<sub>i</sub> ∝ ψ<sub>i</sub> Π m<sub>k→i</sub>: exact on trees, approximate on "
    "loops. <b>d-separation</b> (§8.2): X ⊥ Y | Z when every trail is blocked: a chain or "
    "fork at an observed node, a collider with neither it nor a descendant observed. "
    "<b>Mean field</b> (§10.1): q = Π q<sub>i</sub>, ln q<sub>j</sub> = E<sub>i≠j</sub>[ln p] "
    "+ const, raising ELBO = E<sub>q</sub>[ln p̃] + H(q) ≤ ln Z. <b>Gibbs</b> (§11.3): "
    "x<sub>i</sub> ~ p(x<sub>i</sub> | x<sub>N(i)</sub>) ∝ ψ<sub>i</sub> Π ψ<sub>ij</sub>."
)


def _computed(exp: lab.Experiment) -> lab.Experiment:
    """Runs in the Job's thread: the State's Result (and its mode's run, once)."""
    exp.show()
    return exp


class InferencePanel(InferenceControls, BasePanel):
    name = "inference"
    title = "Inference"
    explanation = EXPLANATION
    state_class = lab.State

    def build(self) -> None:
        self.state = lab.demo("graph", self.seed())
        self.result: lab.Result | None = None
        self.experiment = lab.Experiment(self.state)
        self._waiting: lab.State | None = None  # the newest State while a run goes on
        self.build_controls(self.make_param_form)
        self.views = {
            "graph": GraphModeView(),
            "bayes": BayesView(),
            "denoise": DenoiseView(),
            "variational": VariationalView(),
        }
        self._placed = ""
        self._place("graph")
        self._connect()
        self.show_controls(self.state)

    def _connect(self) -> None:
        self.mode_box.activated.connect(lambda _i: self.set_mode(self.mode_box.currentData()))
        self.new_button.clicked.connect(self.seed_box.draw_new)
        self.seed_box.valueChanged.connect(self._reseed)
        self.graph_box.activated.connect(
            lambda _i: self.change_state(
                lab.graph_state(self.state, self.graph_box.currentText(), self.seed()),
                f"Graph {self.graph_box.currentText()}",
            )
        )
        self.kind_box.activated.connect(
            lambda _i: self.change_state(
                self.state.replace(kind=self.kind_box.currentData(), position=0), "Product"
            )
        )
        self.per_message_box.toggled.connect(
            lambda on: self.change_state(self.state.replace(per_message=on), "Step unit")
        )
        self.unary_table.sigEdited.connect(
            lambda r, c, text: self._edit(
                lambda s: lab.set_unary(s, r, c, parse_potential(text)), "Node potential"
            )
        )
        self.pair_table.sigEdited.connect(
            lambda r, c, text: self._edit(
                lambda s: lab.set_pairwise(s, r, c // 2, c % 2, parse_potential(text)),
                "Edge potential",
            )
        )
        self.network_box.activated.connect(
            lambda _i: self.change_state(
                lab.network_state(self.state, self.network_box.currentText()), "Network"
            )
        )
        for box in (self.x_box, self.y_box):
            box.activated.connect(lambda _i: self._query())
        self.evidence_list.itemChanged.connect(lambda _item: self._query())
        self._connect_canvases()
        self.image_box.activated.connect(lambda _i: self._image(self.image_box.currentText()))
        self.views["denoise"].clean.sigPainted.connect(self._painted)
        self.sigRunFinished.connect(self._run_waiting)
        self.playback.sigStep.connect(self.step)
        self.timeline.sigStepForward.connect(self.step)
        self.playback.sigReset.connect(self.reset)

    def _connect_canvases(self) -> None:
        """Gestures on the graph and the network as lab edits (one undo step each)."""
        graph, network = self.views["graph"].canvas, self.views["bayes"].canvas
        for canvas in (graph, network):
            canvas.sigAddNode.connect(
                lambda x, y, join: self._edit(
                    lambda s: lab.add_node(s, (x, y), None if join < 0 else join), "Add node"
                )
            )
            canvas.sigAddEdge.connect(
                lambda u, v: self._edit(lambda s: lab.add_edge(s, u, v), "Add edge")
            )
            canvas.sigMoveNode.connect(
                lambda i, x, y: self._edit(lambda s: lab.move_node(s, i, (x, y)), "Move node")
            )
            canvas.sigRemoveNode.connect(
                lambda i: self._edit(lambda s: lab.remove_node(s, i), "Remove node")
            )
            canvas.sigRemoveEdge.connect(
                lambda e: self._edit(lambda s: lab.remove_edge(s, e), "Remove edge")
            )
        network.sigPick.connect(lambda i: self._set_role(i, self.click_role()))
        network.node_actions = [
            ("Make X", lambda i: self._set_role(i, "x")),
            ("Make Y", lambda i: self._set_role(i, "y")),
            ("Observe or unobserve (Z)", lambda i: self._set_role(i, "z")),
        ]
        self.role_buttons.idToggled.connect(self._role_chosen)
        # (no Escape: the main window's Escape cancels the newest job, and two shortcuts on
        # one key would both be ambiguous)
        for key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._delete_selected)

    def _delete_selected(self) -> None:
        """Delete: the selected node or edge of the mode shown (the denoising and
        variational modes draw no graph)."""
        canvas = getattr(self.views[self._placed], "canvas", None)
        if canvas is not None:
            canvas.delete_selected()

    def _set_role(self, node: int, role: str) -> None:
        text = {"x": "Set X", "y": "Set Y", "z": "Evidence"}.get(role, "Query")
        self._edit(lambda s: lab.set_role(s, node, role), text)

    def _role_chosen(self, _id: int, checked: bool) -> None:
        if checked:
            role = self.click_role()
            self.views["bayes"].canvas.picking = role != "edit"
            self.bayes_hint.setText(ROLE_HINTS[role])

    # -- the lab floor -------------------------------------------------------------------------
    def lab_state(self) -> lab.State | None:
        return self.state if self.result is not None else None

    def show_state(self, state: lab.State) -> None:
        """Draw ``state`` exactly: its controls, then its Result (from the Job)."""
        self.hide_transient()
        self.state = state
        self.show_controls(state)
        self.views["graph"].canvas.show_graph(
            state.node_xy, state.edges, [str(i) for i in range(len(state.node_xy))]
        )
        self.views["bayes"].canvas.show_graph(state.dag_xy, state.dag_edges, list(state.dag_names))
        with QSignalBlocker(self.seed_box):
            self.seed_box.setValue(state.seed)
        self._place(state.mode)
        try:
            lab.check(state)
        except ValueError as exc:
            self.job.cancel()
            self._clear_result()
            self.messages.error(str(exc))
            return
        if self.messages.level() == "error":
            self.messages.clear()
        if self.job.running:  # the run going on ends first and draws
            self._waiting = state
            return
        self._run(state)

    def _place(self, mode: str) -> None:
        """The mode's plots in the figure (the others taken out)."""
        if mode == self._placed:
            return
        self._placed = mode
        self.figure.ci.clear()
        self.views[mode].place(self.figure.ci)
        # out of the scene when the theme or the fonts last changed: styled as they come in
        theme.style_plots(self, theme.current_theme(), QApplication.font().pointSize())

    def _run(self, state: lab.State) -> None:
        self._waiting = None
        exp = self.experiment.moved_to(state)
        self.job.run(_computed, exp, on_done=self._done, on_error=self._failed, label="Inference")

    def _run_waiting(self) -> None:
        if self._waiting is not None:
            self._run(self._waiting)

    def _done(self, exp: lab.Experiment | None) -> None:
        if exp is None or exp.state.mode != self._placed:
            return
        self.experiment, self.result = exp, exp.result
        if self._waiting is None:
            self.state = exp.state  # (the position a run was clamped to)
        view = self.views[exp.state.mode]
        if isinstance(view, DenoiseView | GraphModeView):  # big pictures: painted in turns
            self.draw_in_turns(*view.parts(exp.state, exp.result))
        else:
            view.draw(exp.state, exp.result)
        self.show_numbers(exp.state, exp.result)
        self.show_whiteboard(exp.state, exp.result)
        size, last = exp.step_size(), exp.last_position()
        positions = sorted({*range(0, last + 1, size), last, exp.state.position})
        self.timeline.set_positions(positions, exp.state.position)
        if self.playback.playing and exp.finished:
            self.playback.pause()

    def _failed(self, message: str) -> None:
        self.playback.pause()
        self._clear_result()
        self.messages.error(message)

    def _clear_result(self) -> None:
        self.result, self._waiting = None, None
        self.show_numbers(self.state, None)

    # -- edits ---------------------------------------------------------------------------------
    def _edit(self, make: Callable[[lab.State], lab.State], text: str) -> None:
        """The State ``make`` gives as one undoable change; its ValueError as a message (the
        controls go back to the State shown)."""
        try:
            state = make(self.state)
        except ValueError as exc:
            self.messages.error(str(exc))
            self.show_controls(self.state)
            return
        if not state.same_as(self.state):  # (a click that changes nothing is no undo step)
            self.change_state(state, text)

    def _query(self) -> None:
        x, y = self.x_box.currentIndex(), self.y_box.currentIndex()
        self._edit(lambda s: lab.set_query(s, x, y, self.ticked_evidence()), "Query")

    def _image(self, name: str) -> None:
        image = lab.builtin_image(name)
        self.change_state(self.state.replace(image_name=name, image=image), f"Image {name}")

    def _painted(self, image: np.ndarray) -> None:
        self.change_state(self.state.replace(image_name="Painted", image=image), "Paint")

    def set_mode(self, mode: str) -> None:
        """Show ``mode`` (one undo step) with the models the State holds, from its start."""
        if mode != self.state.mode:
            self.change_state(self.state.replace(mode=mode, position=0), lab.MODE_TITLES[mode])

    def _reseed(self) -> None:
        state = self.state.replace(seed=self.seed())
        if state.graph in lab.GRAPHS:  # a preset's potentials are drawn with the seed
            state = lab.graph_state(state, state.graph, self.seed()).replace(
                position=self.state.position
            )
        self.change_state(state, "Seed")

    # -- stepping ------------------------------------------------------------------------------
    def step(self) -> None:
        """One message or sweep, one denoising sweep, one coordinate update."""
        if self.result is None or self.job.running:
            return
        if self.state.mode == "bayes" or self.experiment.finished:
            self.playback.pause()
            return
        size = self.experiment.step_size()
        self.show_state(self.state.replace(position=(self.state.position // size + 1) * size))

    def reset(self) -> None:
        """Back to uniform messages, the noisy image, q's first means."""
        self.show_state(self.state.replace(position=0))

    def seek(self, position: int) -> None:
        self.playback.pause()
        self.show_state(self.state.replace(position=position))

    # -- hooks ---------------------------------------------------------------------------------
    def load_demo(self) -> None:
        """The current mode's demo (at start: BP three sweeps into a 3×3 grid)."""
        self.show_state(lab.demo(self.mode_box.currentData() or "graph", self.seed()))

    def heavy_job(self) -> None:
        """The most a user can ask for: denoising with the most sweeps, shown at the end."""
        state = lab.demo("denoise", self.seed())
        self.show_state(state.replace(sweeps=lab.MAX_SWEEPS, position=lab.MAX_SWEEPS))

    def results_frame(self) -> pd.DataFrame | None:
        import pandas as pd  # not at start-up: pandas takes ~0.3 s to import

        if self.result is None:
            return None
        return pd.DataFrame(lab.result_columns(self.experiment.state, self.result))
