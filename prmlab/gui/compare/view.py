"""Compare mode in a panel: a second panel of the same class beside the first (its own
controls), one Step/Play/Reset/scrubber bar driving both from one job, and the figures table.

The clock is ``prmlab.lab.compare.Stepper``: a job steps both States in one call and yields
the ``Pair``, which each side then shows (``show_state``), so the sides never drift apart.
The sides are drawn one after the other: the right one once the left one's run ended and
its picture was painted (both in one event-loop turn held the GUI thread for both).
The data are shared: a side whose run ends with other data hands them to the other side.
The layout and the shared ranges are ``sides``'s: a zoom or pan of a plot sets the same
range on its twin, and while playing each pair of data plots holds one fixed range.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from prmlab.gui.compare import sides
from prmlab.gui.compare.table import FiguresTable
from prmlab.gui.jobs import Job
from prmlab.gui.widgets.playback import Playback
from prmlab.lab import compare
from prmlab.lab.compare import Comparison, Pair

if TYPE_CHECKING:
    from prmlab.gui.panels.base import BasePanel

MAX_KEPT = 2000  # clock ticks the scrubber keeps (States share their data arrays)


def _ticks(stepper: compare.Stepper, ticks: int) -> Iterator[Pair]:
    """``ticks`` Steps, each Pair yielded (the job can cancel between them); returns all."""
    pairs = []
    for _ in range(ticks):
        pairs.append(stepper.step())
        yield pairs[-1]
    return pairs


class CompareView(QWidget):
    """The comparison bar and table under ``panel``'s figure, and the second side beside it.

    ``panels`` (left, right); ``comparison`` what both show; ``close_comparison()`` removes
    the second side and the bar. ``busy()``: the clock's job or either side is working.
    ``sigActiveSide(side)``: the side a user last edited (its undo stack is the one Ctrl+Z
    should undo), 0 again when the comparison ends.
    """

    sigActiveSide = Signal(int)

    def __init__(self, panel: BasePanel, comparison: Comparison) -> None:
        super().__init__(panel)
        self.topic = compare.TOPICS[panel.name]
        self.preset = comparison.preset
        right = type(panel)(panel.context, panel)
        self.panels: tuple[BasePanel, BasePanel] = (panel, right)
        self.job = Job(
            self,
            monitor=panel.context.monitor,
            on_error=panel.messages.error,
            on_warning=panel.messages.warning,
            label="Comparing",
        )
        self.stepper = compare.stepper(comparison)
        self.kept: list[tuple[Comparison, Pair]] = []
        self._closing = False
        self._ours = [False, False]  # a side's run was started by the clock, not its controls
        # the sides still to draw this tick, and the one drawing: one side a turn
        self._waiting: list[tuple[int, Any]] = []
        self._drawing: int | None = None
        self._turn = QTimer(self, singleShot=True, interval=2)  # not 0: its paint goes first
        self._turn.timeout.connect(self._next_side)

        self.playback = Playback(busy=self.busy, step_text="Step both")
        self.playback.sigStep.connect(self.step)
        self.playback.sigReset.connect(self.reset)
        self.playback.sigPlayingChanged.connect(self._playing)
        self.presets = QComboBox()
        self.presets.addItems(compare.presets(panel.name))
        if self.preset:
            self.presets.setCurrentText(self.preset)
        self.presets.setToolTip("Comparison presets: classic contrasts on the same data")
        self.presets.textActivated.connect(self.load_preset)
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setRange(0, 0)
        self.scrubber.valueChanged.connect(self._scrubbed)
        self.position_label = QLabel("tick 0 / 0")
        self.end_button = QPushButton("End comparison")
        self.end_button.clicked.connect(self.close_comparison)
        self.table = FiguresTable()

        bar = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(QLabel("Compare"))
        top.addWidget(self.presets, 1)
        top.addWidget(self.end_button)
        bar.addLayout(top)
        bar.addWidget(self.playback)
        scrub = QHBoxLayout()
        scrub.addWidget(self.scrubber, 1)
        scrub.addWidget(self.position_label)
        bar.addLayout(scrub)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(bar, 1)
        row.addWidget(self.table, 2)
        self.table.setMaximumHeight(self.table.verticalHeader().defaultSectionSize() * 7)

        panel.body.insertWidget(1, self)
        self.mirror = sides.Mirror(panel, right)
        self.ranges = sides.SharedRanges(panel, right)
        self._edited = [lambda _i, s=side: self.sigActiveSide.emit(s) for side in (0, 1)]
        for side, p in enumerate(self.panels):
            p.sigRunFinished.connect(lambda side=side: self._side_changed(side))
            p.undo_stack.indexChanged.connect(self._edited[side])
        panel.sigShutdown.connect(self.close_comparison)  # the window closes: stop both
        self.show_comparison(comparison)

    # -- the clock ------------------------------------------------------------------------
    def busy(self) -> bool:
        return self._clock_moving() or any(p.busy() for p in self.panels)

    def _clock_moving(self) -> bool:
        """The clock's job runs or its sides are still being drawn."""
        return self.job.running or bool(self._waiting) or self._drawing is not None

    @property
    def comparison(self) -> Comparison:
        return self.stepper.comparison

    def show_comparison(self, comparison: Comparison) -> None:
        """Both sides show ``comparison``'s States; the clock starts anew from them."""
        self.stepper = compare.stepper(comparison)
        self.preset = comparison.preset
        self.kept.clear()
        self._show_sides(comparison.sides)
        self._run(lambda s: s.show())

    def load_preset(self, name: str) -> None:
        """The comparison preset ``name`` for the left panel's seed."""
        panel = self.panels[0]
        self.playback.pause()
        self.show_comparison(compare.preset(panel.name, name, panel.seed()))

    def step(self) -> None:
        self._cut_future()
        self._run(lambda s: s.step())

    def step_ticks(self, ticks: int) -> None:
        """``ticks`` Steps of both sides in one job (each tick kept for the scrubber)."""
        self._cut_future()
        stepper = self.stepper
        self.job.run(_ticks, stepper, ticks, on_done=lambda pairs: self._moved(stepper, *pairs))

    def reset(self) -> None:
        self.kept.clear()
        self._run(lambda s: s.reset())

    def _cut_future(self) -> None:
        # a Step from a scrubbed-back tick starts a new future from that tick's States
        at = self.scrubber.value()
        if self.kept and at < len(self.kept) - 1:
            del self.kept[at + 1 :]
            self.stepper = compare.stepper(self.kept[at][0])

    def _run(self, move: Any) -> None:
        stepper = self.stepper
        self.job.run(move, stepper, on_done=lambda pair: self._moved(stepper, pair))

    def _moved(self, stepper: compare.Stepper, *pairs: Pair) -> None:
        if self._closing or stepper is not self.stepper:
            return
        self.kept += [(p.comparison, p) for p in pairs]
        del self.kept[:-MAX_KEPT]
        pair = pairs[-1]
        self._show_pair(pair)
        self._update_scrubber(len(self.kept) - 1)
        if pair.finished:
            self.playback.pause()

    def _show_pair(self, pair: Pair, draw_sides: bool = True) -> None:
        comparison = Comparison(*pair.states, self.preset)
        if draw_sides:
            self._show_sides(pair.states)
        self.table.show_figures(compare.side_titles(self.topic, comparison), pair.figures)

    def _show_sides(self, states: tuple[Any, Any]) -> None:
        """Show each side's State unless it shows it already, one side a turn."""
        shown = self._shown_states()
        self._waiting = [
            (side, state)
            for side, state in enumerate(states)
            if shown[side] is None or not shown[side].same_as(state)
        ]
        if self._drawing is None:
            self._next_side()

    def _next_side(self) -> None:
        drawing = self._drawing
        if drawing is not None:
            if self.panels[drawing].busy():  # its run or its drawing parts: a turn later
                self._turn.start()
                return
            self.ranges.keep()  # its drawing may have moved a held range
            self._drawing = None
        if self._waiting and not self._closing:
            self._drawing, state = self._waiting.pop(0)
            self._show_side(self._drawing, state)
            self._turn.start()

    def _show_side(self, side: int, state: Any) -> None:
        panel = self.panels[side]
        panel.show_state(state)
        self.ranges.keep()
        # the run this started is ours: its end is no user change (a panel may show a State
        # in its own form, e.g. HMM's λ rebased on a fit, which must not restart the clock)
        self._ours[side] = panel.job.running

    def _playing(self, on: bool) -> None:
        if on:
            self.ranges.hold()
        else:
            self.ranges.release()

    def _shown_states(self) -> list[Any]:
        return [p.lab_state() for p in self.panels]

    def _update_scrubber(self, at: int) -> None:
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, max(len(self.kept) - 1, 0))
        self.scrubber.setValue(at)
        self.scrubber.blockSignals(False)
        self.position_label.setText(f"tick {at} / {max(len(self.kept) - 1, 0)}")

    def _scrubbed(self, at: int) -> None:
        if 0 <= at < len(self.kept):
            self.playback.pause()
            self._show_pair(self.kept[at][1])
            self._update_scrubber(at)

    # -- one side changed by its own controls ---------------------------------------------
    def _side_changed(self, side: int) -> None:
        ours, self._ours[side] = self._ours[side], False
        if self._closing or ours or self._clock_moving():
            return
        states = self._shown_states()
        if any(s is None for s in states):
            return
        other = compare.shared_data(self.topic, states[side], states[1 - side])
        if other is not states[1 - side]:  # new data on one side: the other takes them
            self._waiting = [(1 - side, other)]
            self._next_side()
            states[1 - side] = other
        now = Comparison(*states, self.preset)
        if not all(a.same_as(b) for a, b in zip(now.sides, self.comparison.sides)):
            self.stepper = compare.stepper(now)
            stepper = self.stepper
            self.job.run(
                lambda s: s.show(),
                stepper,
                on_done=lambda pair: self._figures_only(stepper, pair),
            )

    def _figures_only(self, stepper: compare.Stepper, pair: Pair) -> None:
        if not self._closing and stepper is self.stepper:
            self.kept[:] = [(pair.comparison, pair)]  # a new set-up: the clock starts anew
            self._show_pair(pair, draw_sides=False)
            self._update_scrubber(0)

    # -- the end ------------------------------------------------------------------------------
    def close_comparison(self) -> None:
        """Remove the second side and the bar; the left panel stays as it is."""
        if self._closing:
            return
        self._closing = True
        self.playback.pause()
        self._turn.stop()
        self.job.shutdown()
        left, right = self.panels
        for side, p in enumerate(self.panels):
            p.undo_stack.indexChanged.disconnect(self._edited[side])
        self.sigActiveSide.emit(0)
        self.mirror.undo()
        right.shutdown()
        right.setParent(None)
        right.deleteLater()
        self.setParent(None)
        self.deleteLater()
