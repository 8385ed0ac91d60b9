"""The MCMC panel's States in and out: the timeline's history, sessions and undo."""

from __future__ import annotations

from collections.abc import Callable

from prmlab.gui.widgets.params import StateChange
from prmlab.lab import mcmc

HISTORY_ENTRIES = 4096  # steps the timeline keeps (a State each, ~1 KB); thinned past that
RUN_STATIONS = 100  # steps of a long run kept on the timeline


class StateHooks:
    """BasePanel's lab-floor hooks for the McmcPanel (a mixin: it reads the panel's
    ``state``, ``result``, ``experiment``, ``form``, ``history`` and job)."""

    def _undoable(self, before: mcmc.State, text: str) -> None:
        """The change from ``before`` to the State shown now, as one Ctrl+Z-able command."""
        if self.experiment is not None and not before.same_as(self.state):
            self.undo_stack.push(StateChange(self.show_state, before, self.state, text, shown=True))

    def _user_change(self, text: str, apply: Callable[[], None]) -> Callable[..., None]:
        """A slot doing ``apply`` (which reads the controls) as one undoable change named
        ``text``; the signal's arguments are not needed."""

        def slot(*_args: object) -> None:
            before = self.state
            apply()
            self._undoable(before, text)

        return slot

    def _grab_before(self) -> None:
        """A slider drag is one change: remember the State its press started from."""
        self._drag_before = self.state

    def _fresh_history(self) -> None:
        """New chains: the timeline starts again at their starts."""
        self.history.clear()
        self.history.record(0, (mcmc.at_step(self.state, 0), None))
        self._record_run(0, self.result.steps)

    def _record_run(self, start: int, end: int) -> None:
        """Keep the steps after ``start`` up to ``end`` on the timeline: every tick's, or
        ``RUN_STATIONS`` stations of a long run (any step re-runs exactly from them)."""
        if end > start:
            kept = self.history.get(start)
            if kept is not None:  # re-recorded: a new future starts here
                self.history.record(start, kept)
            stride = max(self.state.steps_per_tick, -(-(end - start) // RUN_STATIONS))
            for k in [*range(start + stride, end, stride), end]:
                self.history.record(k, (mcmc.at_step(self.state, k), None))
        self.update_timelines(self.result.steps)

    def lab_state(self) -> mcmc.State | None:
        return self.state if self.experiment is not None else None

    def show_state(self, state: mcmc.State) -> None:
        """Draw ``state`` exactly: the same chains re-run (or rewound) to its step in the
        worker, or its target built and its chains run."""
        self.playback.pause()
        self.form.show(state)
        self.state = state
        if self.experiment is None or state.chain_key() != self.experiment.state.chain_key():
            self.load(state)
            return
        self._run(
            "seek", self.experiment.adopt, state, on_done=self._shown,
            on_error=self.messages.error, label="Running the chains",
        )  # fmt: skip

    def _shown(self, result: mcmc.Result) -> None:
        self._took(result)
        if self.history.get(result.steps) is None:
            self.history.record(result.steps, (self.state, None))
        self.update_timelines(result.steps)
        self._apply_view()
