"""Chains advanced step by step (``Experiment``), deterministic for their State.

Each chain has its own random stream (the engine's), so the chains after n steps are the
same however the steps were grouped: ``run_to`` reaches any position by stepping forward,
or back by re-running from the nearest kept snapshot of the sampler (a few hundred bytes),
never a wrong picture. The draws live in one growing buffer; a Result's arrays are
read-only views of its filled part, which is never written again.
"""

from __future__ import annotations

import bisect
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from prmlab.engine import mcmc
from prmlab.lab.mcmc._state import MAX_STEPS, State
from prmlab.lab.mcmc._target import TargetView, prepare_target

RECENT = 30  # the last steps whose proposals a Result keeps (faint dots on the target)
MAX_SNAPSHOTS = 512  # kept sampler states (thinned past that): scrubbing re-runs from them
RECORD_LIMIT = 1000  # steps recorded at most per run (HMC trajectories are big)


@dataclass(frozen=True)
class Result:
    """The chains after ``steps`` steps: ``chains`` (n_chains, steps + 1, 2) with the starts
    as draw 0, ``accepted`` (n_chains, steps + 1), the proposals of the last (at most
    ``RECENT``) steps (n_chains, r, 2) and, for HMC, the last step's leapfrog path
    (n_chains, L + 1, 2)."""

    steps: int
    method: str
    chains: np.ndarray
    accepted: np.ndarray
    proposals: np.ndarray
    trajectories: np.ndarray | None

    @property
    def starts(self) -> np.ndarray:
        return self.chains[:, 0]

    def moves(self) -> np.ndarray:
        """The last step's move of every chain as NaN-separated polylines (m, 2): the HMC
        leapfrog path, Gibbs's staircase (x first, then y), or MH's jump to the proposal."""
        if self.steps == 0:
            return np.empty((0, 2))
        before, after = self.chains[:, -2], self.chains[:, -1]
        prop = self.proposals[:, -1]
        gap = np.full((len(before), 1, 2), np.nan)
        if self.trajectories is not None:
            lines = np.concatenate([self.trajectories, gap], axis=1)
        elif self.method == "gibbs":
            lines = np.concatenate([before[:, None], prop[:, None], after[:, None], gap], axis=1)
        else:
            lines = np.concatenate([before[:, None], prop[:, None], gap], axis=1)
        return lines.reshape(-1, 2)


@dataclass(frozen=True)
class Progress:
    """A long run so far: the chains up to now (read-only) and the fraction done."""

    chains: np.ndarray
    fraction: float


def _copy_new(
    part: mcmc.SampleResult, buf: np.ndarray, acc: np.ndarray, at: int, filled: int
) -> int:
    """Copy the steps of ``part`` (a run from step ``at``) past the ``filled`` ones already
    copied into the buffers; return how many are filled now."""
    k = part.chains.shape[1]
    buf[:, at + 1 + filled : at + 1 + k] = part.chains[:, filled:]
    acc[:, at + 1 + filled : at + 1 + k] = part.accepted[:, filled:]
    return k


def _frozen(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


class Experiment:
    """MCMC chains of a State: ``step`` takes ``steps_per_tick`` steps, ``advance(n)`` n.

    ``Experiment(state)`` stands at ``state.steps`` (run when the result is first asked
    for); ``target`` may pass the State's already built target. ``state.steps`` follows the
    experiment's position.
    """

    def __init__(self, state: State, target: TargetView | None = None) -> None:
        if target is None or target.key != state.target_key():
            target = prepare_target(state)
        self.target = target
        self.state = state
        self._goal = state.steps
        self._result: Result | None = None
        self._begin()

    def _begin(self) -> None:
        s = self.state
        self._sampler = mcmc.Sampler(
            self.target.target, s.method, s.n_chains, s.seed, s.x0, **s.params_at(0)
        )
        self._buf = np.empty((s.n_chains, 1024, 2))
        self._acc = np.zeros((s.n_chains, 1024), dtype=bool)
        self._buf[:, 0] = self._sampler.start
        self._acc[:, 0] = True
        self._pos = 0
        self._shared = False  # the buffer's tail is still seen by older results: copy first
        self._props = np.empty((s.n_chains, 0, 2))
        self._traj: np.ndarray | None = None
        self._snaps: dict[int, mcmc.Sampler] = {0: self._sampler.copy()}

    # -- the contract -----------------------------------------------------------------
    @property
    def result(self) -> Result:
        """The Result at the State's position."""
        if self._result is None or self._result.steps != self._goal:
            self.run_to(self._goal)
        return self._result

    @property
    def position(self) -> int:
        return self._pos

    def reset(self) -> Result:
        """Back to the starts (step 0) of the same State."""
        self.state = self.state.replace(steps=0)
        self._begin()
        self._goal = 0
        self._result = self._make_result()
        return self._result

    def step(self) -> Result:
        """``steps_per_tick`` steps of every chain."""
        return self.advance(self.state.steps_per_tick)

    def run_to(self, position: int) -> Result:
        """The Result after ``position`` steps (forward by stepping, back by re-running)."""
        if not 0 <= position <= MAX_STEPS:
            raise ValueError(f"position must be in [0, {MAX_STEPS:,}], got {position}")
        if position > self._pos:
            return self.advance(position - self._pos)
        if position < self._pos or self._result is None:
            self._rewind(position)
        return self._result

    def run_to_end(self) -> Result:
        """The Result at the State's position (the chains have no end of their own)."""
        return self.run_to(self._goal)

    def room(self, n_steps: int) -> bool:
        """Whether ``n_steps`` more steps fit in the ``MAX_STEPS`` kept per chain."""
        return self._pos + n_steps <= MAX_STEPS

    def advance(self, n_steps: int) -> Result:
        """``n_steps`` steps of every chain."""
        gen = self.iter_advance(n_steps)
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                return stop.value

    def iter_advance(self, n_steps: int) -> Generator[Progress, None, Result]:
        """``advance`` in ~30 ms chunks, yielding the draws so far; the experiment changes
        only when the generator finishes (a cancelled run leaves it as it was)."""
        if n_steps < 1:
            raise ValueError(f"n_steps must be >= 1, got {n_steps}")
        if not self.room(n_steps):
            raise ValueError(
                f"the chains hold {self._pos:,} steps and {n_steps:,} more would pass the "
                f"{MAX_STEPS:,} kept at most; press Reset"
            )
        pos, end = self._pos, self._pos + n_steps
        buf, acc = self._room_for(end)
        twin = self._sampler.copy()
        snaps: dict[int, mcmc.Sampler] = {}
        props, traj = self._props, self._traj
        record_from = max(pos, end - min(n_steps, RECORD_LIMIT, RECENT))
        at = pos
        for stop, params, record in self._pieces(pos, end, record_from):
            if twin.params != params:
                twin = twin.with_params(**params)
            gen, filled = twin.iter_run(stop - at, record=record), 0
            while True:
                try:
                    part = next(gen)
                except StopIteration as done:
                    part = done.value
                    break
                filled = _copy_new(part, buf, acc, at, filled)
                snaps[at + filled] = twin.copy()
                yield Progress(_frozen(buf[:, : at + 1 + filled]), (at + filled - pos) / n_steps)
            _copy_new(part, buf, acc, at, filled)
            if record:
                props = np.concatenate([props, part.proposals], axis=1)[:, -RECENT:]
                traj = None if part.trajectories is None else part.trajectories[:, -1].copy()
            at = stop
        snaps[end] = twin.copy()
        self._buf, self._acc, self._sampler = buf, acc, twin
        self._props, self._traj, self._pos, self._shared = props, traj, end, False
        self._keep_snapshots(snaps)
        self._goal = end
        self.state = self.state.replace(steps=end)
        self._result = self._make_result()
        return self._result

    def adopt(self, state: State) -> Result:
        """Go on with ``state``: the same chains when only what comes next changed (method
        parameters from the current step on, steps per tick, diagnostics, the view), else
        new chains (a new experiment; the target is rebuilt only when it changed)."""
        same_past = all(
            state.params_at(i) == self.state.params_at(i)
            for i in {0, *(s.until for s in (*state.earlier, *self.state.earlier))}
            if i < min(state.steps, self._pos)
        )
        if state.chain_key() != self.state.chain_key() or not same_past:
            if state.target_key() != self.target.key:
                self.target = prepare_target(state)
            self.state = state
            self._goal = state.steps
            self._begin()
            self._result = None
            return self.result
        self.state = state.replace(steps=self._pos)
        if self._sampler.params != state.params_at(self._pos):
            self._sampler = self._sampler.with_params(**state.params_at(self._pos))
        self._goal = state.steps
        return self.run_to(state.steps)

    # -- inner workings ----------------------------------------------------------------
    def _pieces(self, pos: int, end: int, record_from: int) -> list[tuple[int, dict, bool]]:
        """Runs from ``pos`` to ``end`` as (stop, params, record): split where the method
        parameters change and where the recorded tail begins."""
        cuts = sorted(
            {end, record_from, *(s.until for s in self.state.earlier if pos < s.until < end)}
            - {pos}
        )
        pieces, at = [], pos
        for stop in cuts:
            pieces.append((stop, self.state.params_at(at), at >= record_from))
            at = stop
        return pieces

    def _room_for(self, end: int) -> tuple[np.ndarray, np.ndarray]:
        """The buffers to write steps up to ``end`` into (grown or copied when needed)."""
        if end + 1 <= self._buf.shape[1] and not self._shared:
            return self._buf, self._acc
        cap = max(end + 1, min(2 * self._buf.shape[1], MAX_STEPS + 1))
        n = self._pos + 1
        buf = np.empty((self._buf.shape[0], cap, 2))
        acc = np.zeros((self._buf.shape[0], cap), dtype=bool)
        buf[:, :n], acc[:, :n] = self._buf[:, :n], self._acc[:, :n]
        return buf, acc

    def _keep_snapshots(self, snaps: dict[int, mcmc.Sampler]) -> None:
        self._snaps.update(snaps)
        while len(self._snaps) > MAX_SNAPSHOTS:
            keys = sorted(self._snaps)
            for k in keys[1:-1:2]:  # every other one; the first and the newest stay
                del self._snaps[k]

    def _rewind(self, position: int) -> None:
        """Stand at ``position`` <= the current one: the draws are already in the buffer;
        the sampler and the recorded tail are re-run from the nearest snapshot."""
        keys = sorted(k for k in self._snaps if k <= position)
        tail_from = max(0, position - RECENT)
        base = keys[max(bisect.bisect_right(keys, tail_from) - 1, 0)]
        twin = self._snaps[base].copy()
        props, traj = np.empty((twin.n_chains, 0, 2)), None
        for stop, params, record in self._pieces(base, position, tail_from):
            if twin.params != params:
                twin = twin.with_params(**params)
            part = twin.run(stop - base, record=record)
            if record:
                props = np.concatenate([props, part.proposals], axis=1)
                traj = None if part.trajectories is None else part.trajectories[:, -1].copy()
            base = stop
        for k in [k for k in self._snaps if k > position]:
            del self._snaps[k]
        self._sampler, self._props, self._traj = twin, props[:, -RECENT:], traj
        self._shared = self._pos > position
        self._pos = self._goal = position
        self.state = self.state.replace(steps=position)
        self._result = self._make_result()

    def _make_result(self) -> Result:
        n = self._pos + 1
        return Result(
            steps=self._pos,
            method=self.state.method,
            chains=_frozen(self._buf[:, :n]),
            accepted=_frozen(self._acc[:, :n]),
            proposals=_frozen(self._props),
            trajectories=None if self._traj is None else _frozen(self._traj),
        )
