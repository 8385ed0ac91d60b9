"""BasePanel: controls on the left, the figure on the right, an explanation and a message bar.

A panel owns its controls and plots, sends work to ``self.job`` and draws results on the
GUI thread. Subclasses set ``name``, ``title``, ``explanation`` and implement ``build``;
the other hooks have sensible defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFormLayout, QGraphicsItem, QHBoxLayout, QVBoxLayout, QWidget

from prmlab.data import Dataset
from prmlab.gui.jobs import Job, JobMonitor
from prmlab.gui.panels.stepping import Stepping
from prmlab.gui.widgets import folding
from prmlab.gui.widgets.column import ControlColumn
from prmlab.gui.widgets.equations import EquationPane
from prmlab.gui.widgets.equations.pane import MAX_PANEL_SHARE
from prmlab.gui.widgets.explanation import Explanation
from prmlab.gui.widgets.figure import Figure
from prmlab.gui.widgets.messages import MessageBar
from prmlab.gui.widgets.params import Param, ParamForm, SeedBox, StateChange
from prmlab.gui.widgets.playback import Playback
from prmlab.gui.widgets.timeline import Timeline
from prmlab.lab import whiteboard
from prmlab.lab._state import LabState
from prmlab.lab.history import History
from prmlab.lab.session import PanelState, SessionError, migrate

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class PanelContext:
    """What the main window hands every panel."""

    monitor: JobMonitor | None = None
    seed: int = 0


class BasePanel(Stepping, QWidget):
    """The common frame of the six topic panels."""

    name = "base"
    title = "Panel"
    explanation = ""  # HTML: the formulas this panel animates, with PRML sections

    # The panel's State class (prmlab.lab.<topic>.State): what restore_session_state builds.
    state_class: ClassVar[type[LabState] | None] = None
    # The State's number fields as form rows (make_param_form builds them).
    params: ClassVar[Sequence[Param]] = ()

    sigRunFinished = Signal()  # the panel's job ended and its result is drawn
    sigShutdown = Signal()  # shutdown() begins: what a window feature added stops its work

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context or PanelContext()
        self.undo_stack = QUndoStack(self)
        self.messages = MessageBar()
        self.job = Job(
            self,
            monitor=self.context.monitor,
            on_error=self.messages.error,
            on_warning=self.messages.warning,
            label=self.title,
        )
        self.job.sigFinished.connect(self.sigRunFinished)
        self.seed_box = SeedBox(self.context.seed)
        self._playbacks: list[Playback] = []
        self._timelines: list[Timeline] = []
        # what the timeline scrubs: entries (State, Result) by step position
        self.history: History[tuple[LabState, Any]] = History()
        self._transient: list[QGraphicsItem] = []
        self._draw_parts: list[Callable[[], None]] = []
        # not 0 ms: the paint of a part (a posted event) must come before the next part
        self._draw_timer = QTimer(self, singleShot=True, interval=1)
        self._draw_timer.timeout.connect(self._draw_next)

        self.controls_scroll = scroll = ControlColumn()
        self.controls = scroll.column

        self.figure = Figure()
        self.figure.sigMouseLeft.connect(self.hide_transient)
        self.figure_row = QHBoxLayout()
        self.figure_row.addWidget(self.figure, 1)
        self.explanation_area = Explanation(self.explanation)
        self.explanation_area.setVisible(bool(self.explanation))
        self.explanation_label = self.explanation_area.label

        # the figure, whiteboard, explanation and messages: what presenter mode shows
        self.view_area = right = QWidget()
        self.body = QVBoxLayout(right)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.addLayout(self.figure_row, 1)
        # the whiteboard (show_whiteboard fills it), where the topic has a board
        topic = getattr(self.state_class, "TOPIC", "")
        self.equations = EquationPane(shown=topic in whiteboard.TOPICS)
        self.equations.figure_busy = lambda: self.job.running or self.drawing()
        # what the board's numbers are about (select_on_board), and the step it shows
        self.board_selection: Any = None
        self._board_step: tuple[LabState, Any] | None = None
        self.body.addWidget(self.equations)
        self.body.addWidget(self.explanation_area)
        self.body.addWidget(self.messages)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(scroll)
        outer.addWidget(scroll.toggle)
        outer.addWidget(right, 1)
        # fold the column and explanation where the figure would be drawn too small
        self._fold_timer = QTimer(self, singleShot=True, interval=0)
        self._fold_timer.timeout.connect(self._refold)
        self.presenting = False  # presenter mode: the column shows at the lecturer's key only
        # False: the column stays as the user or a feature left it (compare mode's second
        # side: two panels folding in one row undid each other's fold without end)
        self.auto_fold = True
        # the figure's width, height and least size when last unfolded (fold_wanted)
        self._unfolded_figure: tuple[float, float, float, float] | None = None
        self.figure.sigFitChanged.connect(self._fold_timer.start)

        self.build()
        self.controls.addStretch(1)
        scroll.guard_wheel()

    # -- hooks for subclasses ----------------------------------------------------------
    def build(self) -> None:
        """Create controls (into ``self.controls``) and plots (into ``self.figure``)."""

    def load_demo(self) -> None:
        """Load the default demo on built-in data and run it to a finished, drawn state."""

    def set_dataset(self, dataset: Dataset) -> None:
        """Take a dataset the user opened (CSV or built-in); the default says it is not used."""
        self.messages.note(f"The {self.title} panel does not use table data.")

    def results_frame(self) -> pd.DataFrame | None:
        """The panel's results as a table for File > Export results as CSV (None: nothing yet)."""
        return None

    def heavy_job(self) -> None:
        """Start the heaviest job a user can start here (``python -m prmlab.bench --ui``)."""
        self.load_demo()

    def clear_views(self) -> None:
        """Empty every plot, label and table that shows the current data's results.

        Called by ``clear_stale`` before new data or a preset is drawn: override it so that
        nothing of the old data (points, names, axis titles, curves) outlives it.
        """

    # -- the lab floor: States in, pictures out -----------------------------------------
    def lab_state(self) -> LabState | None:
        """The State the panel shows now (None: nothing worth saving yet)."""
        return None

    def show_state(self, state: LabState) -> None:
        """Draw ``state`` exactly (running what it needs through ``self.job``, no demo).

        Used by sessions and the scrubber; a panel with a ``state_class`` overrides it."""
        raise NotImplementedError(f"the {self.title} panel cannot show a saved state")

    def session_state(self) -> PanelState | None:
        """What a session file keeps of this panel (None: nothing to save)."""
        state = self.lab_state()
        return None if state is None else PanelState(state.VERSION, state.to_dict())

    def restore_session_state(self, saved: PanelState) -> None:
        """Show a saved state: migrated to this app's version, checked field by field.

        Raises ``SessionError`` (a ValueError) with a message for the user when the state
        cannot be read; the panel is then unchanged."""
        self.show_state(self.state_from_saved(saved))

    @classmethod
    def state_from_saved(cls, saved: PanelState) -> LabState:
        """``saved`` as a State of ``state_class``: migrated, checked field by field; a
        ``SessionError`` saying why otherwise. Needs no panel built (sessions check every
        panel's state before showing any)."""
        state_class = cls.state_class
        if state_class is None:
            raise SessionError(f"the {cls.title} panel cannot open saved states")
        try:
            return state_class.from_dict(migrate(cls.name, saved, state_class.VERSION))
        except SessionError:
            raise
        except (ValueError, TypeError) as exc:
            raise SessionError(f"the {cls.title} panel's saved state is damaged: {exc}") from exc

    def make_param_form(
        self, form: QFormLayout, params: Sequence[Param] | None = None
    ) -> ParamForm:
        """Rows in ``form`` for ``params`` (default: the panel's ``params``), bound to
        ``lab_state``/``show_state``: each change is one Ctrl+Z-able command. The panel's
        ``show_state`` calls ``form.set_state(state)`` so the rows follow undo and sessions."""
        return ParamForm(
            self.params if params is None else params,
            form,
            self.undo_stack,
            self.lab_state,
            self.show_state,
            parent=self,
        )

    def change_state(self, state: LabState, text: str) -> None:
        """Show ``state`` as one undoable change (Ctrl+Z shows the State shown now)."""
        before = self.lab_state()
        if before is None:
            self.show_state(state)
        else:
            self.undo_stack.push(StateChange(self.show_state, before, state, text))

    def show_whiteboard(self, state: LabState, result: Any, selection: Any = None) -> None:
        """Show the equations of ``result``'s step with its numbers (``prmlab.lab.whiteboard``;
        ``selection``: a point, cell or time step; None: the element selected on the plot
        (``select_on_board``), else the topic's default)."""
        self._board_step = (state, result)
        if self.equations.isHidden():  # compare mode's second side: no board laid out unseen
            return
        chosen = self.board_selection if selection is None else selection
        self.equations.show_board(state, result, chosen)

    def select_on_board(self, selection: Any) -> None:
        """Make the whiteboard's numbers about ``selection`` (a point, trellis cell, time step
        or chain, hovered or clicked on a plot; None: the topic's default) from now on, and
        show them for the step shown (computed in the pane's worker)."""
        if selection == self.board_selection:
            return
        self.board_selection = selection
        if self._board_step is not None:
            self.equations.show_board(*self._board_step, selection)

    def select_point(self, index: int) -> None:
        """A point editor's ``sigHovered``: the hovered point's numbers from now on (-1, the
        cursor off the points, keeps the last one)."""
        if index >= 0:
            self.select_on_board(int(index))

    def forget_point(self) -> None:
        """The points changed: a selected index may name another point or none; the board
        goes back to its default at the next step."""
        self.board_selection = None

    def present(self, on: bool, *, controls: bool = False) -> None:
        """Presenter mode (``on``): the figure, whiteboard and messages only, the control
        column too with ``controls``; off: the panel as it was, folded as its size needs."""
        self.presenting = on
        column = self.controls_scroll
        column.setVisible(controls if on else not column.folded)
        column.toggle.setVisible(not on)
        self.explanation_area.setVisible(bool(self.explanation) and not on)
        # no empty message line kept under the whiteboard on the projector (a grey strip)
        self.messages.keep_line(not on)
        if not on:
            self._fold_anew()

    # -- never stale -------------------------------------------------------------------
    def transient(self, item: QGraphicsItem) -> QGraphicsItem:
        """Register ``item`` as describing what is under the mouse (a hover tooltip): it
        hides when the mouse leaves the figure and on ``clear_stale``. Returns ``item``."""
        self._transient.append(item)
        return item

    def hide_transient(self) -> None:
        """Hide the hover tooltips: what they describe may have changed or be out of view."""
        for item in self._transient:
            item.hide()

    def clear_stale(self, *, data: bool = True) -> None:
        """Forget what the previous data, preset or parameters drew, before the new run.

        Hover tooltips always hide (an SVM point's α changes with C). With ``data`` (a new
        data set or preset) the messages about the old data go and ``clear_views`` empties
        the plots; a parameter change keeps them, so a slider drag does not flicker.
        """
        self.hide_transient()
        if data:
            self.messages.clear()
            self.clear_views()

    # -- services ----------------------------------------------------------------------
    def seed(self) -> int:
        return int(self.seed_box.value())

    def draw_in_turns(self, *parts: Callable[[], None]) -> None:
        """Run the drawing ``parts`` one per event-loop turn, each painted before the next.

        A result that changes many plots at once repaints them all in one go, which held the
        GUI thread for 100+ ms. In parts each paint covers only the plots a part changed.
        Parts read the panel's state when they run; one already waiting is not queued twice.
        """
        for part in parts:
            if part not in self._draw_parts:
                self._draw_parts.append(part)
        if not self._draw_timer.isActive():
            self._draw_timer.start()

    def _draw_next(self) -> None:
        if not self._draw_parts:
            return
        part = self._draw_parts.pop(0)
        if self._draw_parts:  # before the part runs: a part that raises must not stop the rest
            self._draw_timer.start()
        part()

    def drawing(self) -> bool:
        """True while parts queued by ``draw_in_turns`` wait to be drawn."""
        return bool(self._draw_parts)

    def busy(self) -> bool:
        """True while a job runs, a playback plays or drawing parts wait (screenshots wait
        for idle)."""
        return self.job.running or self.drawing() or any(p.playing for p in self._playbacks)

    def shutdown(self) -> None:
        """Stop playing and drawing, cancel the job and wait for its thread."""
        self.sigShutdown.emit()
        for p in self._playbacks:
            p.pause()
        self._draw_timer.stop()
        self._draw_parts.clear()
        self.equations.shutdown()
        self.job.shutdown()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.controls_scroll.refit()  # its width and its tables' follow the panel's
        self.explanation_area.cap(self.height())
        self.equations.cap(self.height())
        self._fold_anew()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Ctrl+= / Ctrl+-
            self._fold_anew()

    def _fold_anew(self) -> None:
        # a new size or font: fold as the figure needs, whatever the user chose before
        self.controls_scroll.user_folded = None
        self._unfolded_figure = None
        self.equations.release()
        self._fold_timer.start()

    def _refold(self) -> None:
        """Fold the column, the explanation and the whiteboard where the figure needs their
        room to be drawn at a readable scale, in two levels (``widgets.folding``); unfold
        them when it no longer does. A user's click on the column's toggle or the
        whiteboard's "Show" wins until the next resize."""
        if self.presenting or not self.auto_fold:
            return
        column, explanation, board = self.controls_scroll, self.explanation_area, self.equations
        figure, height = self.figure, self.height()
        if not (column.folded or explanation.folded):
            self._unfolded_figure = (figure.width(), figure.height(), *figure.least_size())
        fold = folding.fold_wanted(column, figure, explanation, height, self._unfolded_figure)
        share, squeeze = MAX_PANEL_SHARE, False
        if fold and board.isVisibleTo(self):
            share, squeeze = folding.board_fold(
                column, figure, explanation, board, self.messages, height
            )
        explanation.fold(fold, height, away=squeeze)
        board.squeeze(squeeze)
        self.messages.keep_line(not squeeze)
        board.cap(height, share)
        column.set_folded(fold if column.user_folded is None else column.user_folded)

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
