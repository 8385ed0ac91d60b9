"""Chains advanced step by step (``Experiment``), deterministic for their State.

Each chain has its own random stream (the engine's), so the chains after n steps are the
same however the steps were grouped: ``run_to`` reaches any position by stepping forward,
or back by re-running from the nearest kept snapshot of the sampler (a few hundred bytes),
never a wrong picture. The draws live in one growing buffer; a Result's arrays are
read-only views of its filled part, which is never written again.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from prmlab.engine import mcmc
from prmlab.lab.mcmc._state import MAX_STEPS, State
from prmlab.lab.mcmc._target import TargetView, prepare_target

RECENT = 30  # the last steps whose proposals a Result keeps (faint dots on the target)
MAX_SNAPSHOTS = 512  # kept sampler states (thinned past that): scrubbing re-runs from them
RECORD_LIMIT = 1000  # steps recorded at most per run (HMC trajectories are big)


@dataclass(frozen=True, eq=False)
class Result:
    """The chains after ``steps`` steps: ``chains`` (n_chains, steps + 1, 2) with the starts
    as draw 0, ``accepted`` (n_chains, steps + 1), the proposals of the last (at most
    ``RECENT``) steps (n_chains, r, 2) and, for HMC, the last step's leapfrog path
    (n_chains, L + 1, 2); ``uniforms`` (n_chains,) the u ~ U(0, 1) each chain's last step
    drew for its accept test (MH, HMC: accepted iff u < α; None for Gibbs and at step 0)."""

    steps: int
    method: str
    chains: np.ndarray
    accepted: np.ndarray
    proposals: np.ndarray
    trajectories: np.ndarray | None
    uniforms: np.ndarray | None = None

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


@dataclass(frozen=True, eq=False)
class Progress:
    """A long run so far: the draws before it (``head``, read-only), the new draws in parts
    and the fraction done."""

    head: np.ndarray
    parts: tuple[np.ndarray, ...]
    fraction: float

    @property
    def progress(self) -> float:
        return self.fraction

    def chains(self) -> np.ndarray:
        """Every draw so far, (n_chains, n, 2) (a new array)."""
        return np.concatenate([self.head, *self.parts], axis=1)


def _frozen(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


class Experiment:
    """MCMC chains of a State: ``step`` takes ``steps_per_tick`` steps, ``advance(n)`` n.

    ``Experiment(state)`` stands at ``state.steps`` (run when the result is first asked
    for); ``target`` may pass the State's already built target. ``state.steps`` follows the
    experiment's position. The steps are computed on private copies and committed at once
    under a lock, only if the experiment is still where they started: a worker left running
    after a cancel can never mix its steps into a newer run's.
    """

    def __init__(self, state: State, target: TargetView | None = None) -> None:
        if target is None or target.key != state.target_key():
            target = prepare_target(state)
        self.target = target
        self._lock = threading.Lock()
        self._begin(state)

    def _begin(self, state: State) -> None:
        self._sampler = mcmc.Sampler(
            self.target.target, state.method, state.n_chains, state.seed, state.x0,
            **state.params_at(0),
        )  # fmt: skip
        self._buf = np.empty((state.n_chains, 1024, 2))
        self._acc = np.zeros((state.n_chains, 1024), dtype=bool)
        self._buf[:, 0] = self._sampler.start
        self._acc[:, 0] = True
        self._shared = False  # older results still see the buffer past _pos: copy first
        self._snaps: dict[int, mcmc.Sampler] = {0: self._sampler.copy()}
        self._goal = state.steps
        self._epoch = getattr(self, "_epoch", 0) + 1
        self._commit(state, 0, np.empty((state.n_chains, 0, 2)), None, None)

    def _commit(
        self,
        state: State,
        pos: int,
        props: np.ndarray,
        traj: np.ndarray | None,
        uniforms: np.ndarray | None,
    ) -> None:
        self._pos, self._props, self._traj, self._uniforms = pos, props, traj, uniforms
        self.state = state.replace(steps=pos)
        n = pos + 1
        self._result = Result(
            steps=pos,
            method=state.method,
            chains=_frozen(self._buf[:, :n]),
            accepted=_frozen(self._acc[:, :n]),
            proposals=_frozen(props),
            trajectories=None if traj is None else _frozen(traj),
            uniforms=uniforms,
        )

    # -- the contract -----------------------------------------------------------------
    @property
    def result(self) -> Result:
        """The Result at the State's position (run to it when first asked for)."""
        if self._goal != self._pos:
            return self.run_to(self._goal)
        return self._result

    @property
    def position(self) -> int:
        return self._pos

    def reset(self) -> Result:
        """Back to the starts (step 0) of the same State."""
        with self._lock:
            self._begin(self.state.replace(steps=0))
            return self._result

    def step(self) -> Result:
        """``steps_per_tick`` steps of every chain."""
        return self.advance(self.state.steps_per_tick)

    def run_to(self, position: int) -> Result:
        """The Result after ``position`` steps (forward by stepping, back by re-running)."""
        if not 0 <= position <= MAX_STEPS:
            raise ValueError(f"position must be in [0, {MAX_STEPS:,}], got {position}")
        self._goal = position
        if position > self._pos:
            return self.advance(position - self._pos)
        if position < self._pos:
            self._rewind(position)
        return self._result

    def run_to_end(self) -> Result:
        """The Result at the State's position (the chains have no end of their own)."""
        return self.result

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
        """``advance`` in ~30 ms chunks, yielding the draws so far (a last time just before
        the steps are committed: a run cancelled at a yield changes nothing)."""
        if n_steps < 1:
            raise ValueError(f"n_steps must be >= 1, got {n_steps}")
        if not self.room(n_steps):
            raise ValueError(
                f"the chains hold {self._pos:,} steps and {n_steps:,} more would pass the "
                f"{MAX_STEPS:,} kept at most; press Reset"
            )
        with self._lock:
            pos, epoch, state = self._pos, self._epoch, self.state
            twin, head = self._sampler.copy(), self._result.chains
            props, traj, uniforms = self._props, self._traj, self._uniforms
        end = pos + n_steps
        chains: list[np.ndarray] = []
        accepted: list[np.ndarray] = []
        snaps: dict[int, mcmc.Sampler] = {}
        at = pos
        record_from = max(pos, end - min(n_steps, RECORD_LIMIT, RECENT))
        for stop, params, record in _pieces(state, pos, end, record_from):
            if twin.params != params:
                twin = twin.with_params(**params)
            if stop == end:  # the last step alone (_pieces): its u for the whiteboard
                uniforms = twin.next_uniforms()
            gen = twin.iter_run(stop - at, record=record)
            while True:
                try:
                    part = next(gen)
                except StopIteration as done:
                    part = done.value
                    break
                snaps[at + part.chains.shape[1]] = twin.copy()
                fraction = (at + part.chains.shape[1] - pos) / n_steps
                yield Progress(head, (*chains, part.chains), fraction)
            chains.append(part.chains)
            accepted.append(part.accepted)
            if record:
                props = np.concatenate([props, part.proposals], axis=1)[:, -RECENT:]
                traj = None if part.trajectories is None else part.trajectories[:, -1].copy()
            at = stop
        yield Progress(head, tuple(chains), 1.0)
        snaps[end] = twin
        with self._lock:
            if (self._pos, self._epoch) != (pos, epoch):
                return self._result  # superseded by a newer run
            buf, acc = self._room_for(end)
            buf[:, pos + 1 : end + 1] = np.concatenate(chains, axis=1)
            acc[:, pos + 1 : end + 1] = np.concatenate(accepted, axis=1)
            self._buf, self._acc, self._sampler, self._shared = buf, acc, twin.copy(), False
            self._keep_snapshots(snaps)
            self._epoch += 1
            self._goal = end
            self._commit(self.state, end, props, traj, uniforms)
            return self._result

    def adopt(self, state: State) -> Result:
        """Go on with ``state``: the same chains when only what comes next changed (method
        parameters from the current step on, steps per tick, diagnostics, the view), else
        new chains (the target is rebuilt only when it changed)."""
        with self._lock:
            limit = min(state.steps, self._pos)
            breaks = {0, *(s.until for s in (*state.earlier, *self.state.earlier))}
            same_past = all(
                state.params_at(i) == self.state.params_at(i) for i in breaks if i < limit
            )
            if state.chain_key() != self.state.chain_key() or not same_past:
                if state.target_key() != self.target.key:
                    self.target = prepare_target(state)
                self._begin(state)
            else:
                params = state.params_at(self._pos)
                if self._sampler.params != params:
                    self._sampler = self._sampler.with_params(**params)
                self._epoch += 1
                self._goal = state.steps
                self.state = state.replace(steps=self._pos)  # the same draws: the same Result
        return self.result

    # -- inner workings ----------------------------------------------------------------
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
        """Stand at ``position`` < the current one: the draws are already in the buffer;
        the sampler and the recorded tail are re-run from the nearest snapshot before it."""
        with self._lock:
            pos, epoch, state = self._pos, self._epoch, self.state
            tail_from = max(0, position - RECENT)
            keys = sorted(k for k in self._snaps if k <= tail_from)
            at = keys[-1] if keys else 0
            twin = self._snaps[at].copy()
        props, traj, uniforms = np.empty((twin.n_chains, 0, 2)), None, None
        for stop, params, record in _pieces(state, at, position, tail_from):
            if twin.params != params:
                twin = twin.with_params(**params)
            if stop == position:
                uniforms = twin.next_uniforms()
            part = twin.run(stop - at, record=record)
            if record:
                props = np.concatenate([props, part.proposals], axis=1)
                traj = None if part.trajectories is None else part.trajectories[:, -1].copy()
            at = stop
        with self._lock:
            if (self._pos, self._epoch) != (pos, epoch):
                return
            for k in [k for k in self._snaps if k > position]:
                del self._snaps[k]
            self._sampler, self._shared = twin, True
            self._epoch += 1
            self._commit(self.state, position, props[:, -RECENT:], traj, uniforms)


def _pieces(state: State, pos: int, end: int, record_from: int) -> list[tuple[int, dict, bool]]:
    """Runs from ``pos`` to ``end`` as (stop, params, record): split where the method
    parameters change, where the recorded tail begins and before the last step (whose u
    is replayed from the sampler standing before it)."""
    cuts = {end, end - 1, record_from, *(s.until for s in state.earlier if pos < s.until < end)}
    pieces, at = [], pos
    for stop in sorted(c for c in cuts if c > pos):
        pieces.append((stop, state.params_at(at), at >= record_from))
        at = stop
    return pieces
