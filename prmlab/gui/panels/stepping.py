"""A panel's steppers: the scrubber over its recorded steps (``Timeline``s over
``history``) and its Step/Play/Reset bars (``Playback``s), and the same actions driven
without the controls (presenter mode's clicker keys)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prmlab.gui.widgets.playback import Playback
from prmlab.gui.widgets.timeline import Timeline
from prmlab.lab._state import LabState


class Stepping:
    """Mixed into ``BasePanel``: it provides ``history``, ``_timelines``, ``_playbacks``,
    ``job``, ``controls_scroll`` and ``show_state``."""

    # -- the scrubber -------------------------------------------------------------------
    def make_timeline(self, *, unit: str = "step") -> Timeline:
        """A scrubber over ``self.history``: dragging or Step back shows a recorded step
        (``seek``); Step forward from the newest step is wired by the panel to its Step."""
        timeline = Timeline(unit=unit)
        timeline.sigSeek.connect(self.seek)
        self._timelines.append(timeline)
        self.update_timelines()
        return timeline

    def record(self, position: int, state: LabState, result: Any) -> None:
        """Keep ``(state, result)`` for ``position`` in the history and show it on the
        timelines; recording at or before the newest step starts a new future."""
        self.history.record(position, (state, result))
        self.update_timelines(position)

    def update_timelines(self, current: int | None = None) -> None:
        """Show the history's positions on the timelines, ``current`` selected (None: the
        newest)."""
        for timeline in self._timelines:
            timeline.set_positions(self.history.positions, current)

    def seek(self, position: int) -> None:
        """Show the recorded step at ``position``: its State through ``show_state``.

        A step the history thinned away shows the nearest kept one before it; a panel that
        can recompute from there (``history.at_or_before``) overrides this."""
        kept = self.history.at_or_before(position)
        if kept is not None:
            state, _result = kept[1]
            self.show_state(state)

    # -- Step/Play/Reset bars ------------------------------------------------------------
    def make_playback(self, **kwargs) -> Playback:
        """A Step/Play/Pause/Reset bar whose ticks skip while this panel's job runs."""
        playback = Playback(busy=lambda: self.job.running, **kwargs)
        self._playbacks.append(playback)
        return playback

    # -- driven without the controls (presenter mode's clicker keys) --------------------
    def step_forward(self) -> None:
        """What Step does: the shown timeline's Step forward (a recorded step, or a new one
        from the newest), else the shown playback's Step."""
        timeline = self._shown_control(self._timelines)
        playback = self._shown_control(self._playbacks)
        if timeline is not None:
            timeline.step_forward()
        elif playback is not None:
            playback.step_button.click()

    def step_back(self) -> None:
        """The shown timeline's Step back (nothing where the panel has no timeline)."""
        timeline = self._shown_control(self._timelines)
        if timeline is not None:
            timeline.step_back()

    def reset_run(self) -> None:
        """The shown playback's Reset."""
        playback = self._shown_control(self._playbacks)
        if playback is not None:
            playback.reset_button.click()

    def toggle_play(self) -> None:
        """The shown playback's Play, or Pause while it plays."""
        playback = self._shown_control(self._playbacks)
        if playback is not None:
            playback.play_button.toggle()

    def pause(self) -> None:
        """Pause every playback playing."""
        for playback in self._playbacks:
            playback.pause()

    def _shown_control(self, widgets: Sequence[Any]) -> Any:
        # the one the panel's mode shows (None: none), even while the column is hidden
        return next((w for w in widgets if w.isVisibleTo(self.controls_scroll)), None)
