"""Benchmark workloads of the pgm topic, each against vectorised NumPy on the same schedule.

- Loopy belief propagation: ``SWEEPS`` flooding sweeps of sum-product on a binary Ising grid
  (512 × 512; 64 × 64 with ``--quick``), log-space messages, returning the node marginals.
  The NumPy side keeps one ``(rows, cols, 2)`` array of log messages per direction, computes
  every node's incoming sum once a sweep and each direction's new messages from it with
  ``np.logaddexp``; ``grid_messages`` lays its messages out as the engine's
  ``BPResult.messages`` (checked equal to 1e-9 by tests/engine/test_pgm_bench.py).
- Gibbs sampling: ``SWEEPS`` checkerboard sweeps on the same model, counting each node's
  states (the marginals); the NumPy side computes each colour's conditional log-odds from
  shifted neighbour arrays and draws that colour's nodes at once.
"""

from __future__ import annotations

import numpy as np

from prmlab.bench import Workload

SWEEPS = 20
BETA = 0.6


def denoising_model(size: int):
    """An Ising grid whose field is a noisy binary image (a disc), as in denoising."""
    from prmlab.engine import pgm

    rng = np.random.default_rng(0)
    rows, cols = np.mgrid[:size, :size]
    clean = np.where((rows - size / 2) ** 2 + (cols - size / 2) ** 2 < (size / 3) ** 2, 1.0, -1.0)
    noisy = np.where(rng.random((size, size)) < 0.1, -clean, clean)
    return pgm.ising_grid(size, size, BETA, 1.0 * noisy)


def _grid_tables(mrf) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    height, width = mrf.grid_shape
    return mrf.log_unary.reshape(height, width, 2), mrf.log_pairwise, (height, width)


def _send(incoming: np.ndarray, back: np.ndarray, table: np.ndarray) -> np.ndarray:
    """New normalised log messages from senders with incoming sums ``incoming`` (…, 2)
    minus the receiver's message ``back``; ``table[x_sender, x_receiver]``."""
    cavity = incoming - back
    new = np.logaddexp(
        cavity[..., :1] + table[0][None, None, :], cavity[..., 1:] + table[1][None, None, :]
    )
    return new - np.logaddexp(new[..., :1], new[..., 1:])


def numpy_loopy_bp(mrf, sweeps: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``sweeps`` flooding sweeps of sum-product on an Ising grid in vectorised NumPy:
    returns the marginals ``(n, 2)`` and the messages by direction (``right``: (r, c) →
    (r, c + 1), ``left`` back, ``down``: (r, c) → (r + 1, c), ``up`` back)."""
    unary, table, (h, w) = _grid_tables(mrf)
    right, left = np.full((h, w - 1, 2), -np.log(2.0)), np.full((h, w - 1, 2), -np.log(2.0))
    down, up = np.full((h - 1, w, 2), -np.log(2.0)), np.full((h - 1, w, 2), -np.log(2.0))

    def incoming_sums() -> np.ndarray:
        total = unary.copy()
        total[:, 1:] += right
        total[:, :-1] += left
        total[1:] += down
        total[:-1] += up
        return total

    for _ in range(sweeps):
        total = incoming_sums()
        right, left, down, up = (
            _send(total[:, :-1], left, table),
            _send(total[:, 1:], right, table.T),
            _send(total[:-1], up, table),
            _send(total[1:], down, table.T),
        )
    total = incoming_sums()
    marginals = np.exp(total - np.logaddexp(total[..., :1], total[..., 1:]))
    return marginals.reshape(-1, 2), {"right": right, "left": left, "down": down, "up": up}


def grid_messages(directions: dict[str, np.ndarray]) -> np.ndarray:
    """The messages of :func:`numpy_loopy_bp` in the engine's order: edge e's forward
    message at ``2e`` and its reverse at ``2e + 1``, right edges then down edges."""
    forward = np.concatenate(
        [directions["right"].reshape(-1, 2), directions["down"].reshape(-1, 2)]
    )
    back = np.concatenate([directions["left"].reshape(-1, 2), directions["up"].reshape(-1, 2)])
    out = np.empty((2 * len(forward), 2))
    out[0::2], out[1::2] = forward, back
    return out


def numpy_gibbs(mrf, sweeps: int, seed: int = 0) -> np.ndarray:
    """``sweeps`` checkerboard Gibbs sweeps on an Ising grid in vectorised NumPy; returns
    each node's share of sweeps in states 0 and 1, ``(n, 2)``."""
    unary, table, (h, w) = _grid_tables(mrf)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(h, w))
    odds = unary[..., 1] - unary[..., 0]
    as_first = table[1] - table[0]  # log-odds a neighbour in state s adds, node first on edge
    as_second = table[:, 1] - table[:, 0]
    colour = (np.add.outer(np.arange(h), np.arange(w)) % 2).astype(bool)
    ones = np.zeros((h, w))
    for _ in range(sweeps):
        for mask in (~colour, colour):
            field = odds.copy()
            field[:, :-1] += as_first[x[:, 1:]]
            field[:, 1:] += as_second[x[:, :-1]]
            field[:-1] += as_first[x[1:]]
            field[1:] += as_second[x[:-1]]
            f = field[mask]
            x[mask] = rng.random(f.size) * (1.0 + np.exp(-f)) < 1.0
        ones += x
    share = ones.reshape(-1) / sweeps
    return np.stack([1.0 - share, share], axis=1)


def workloads(quick: bool) -> list[Workload]:
    from prmlab.engine import pgm

    size = 64 if quick else 512
    mrf = denoising_model(size)
    label = f"{size}x{size} Ising, {SWEEPS} sweeps"
    return [
        Workload(
            f"pgm loopy BP flooding {label}",
            lambda: pgm.belief_propagation(mrf, max_iter=SWEEPS, tol=0.0).marginals,
            "NumPy vectorised flooding (np.logaddexp)",
            lambda: numpy_loopy_bp(mrf, SWEEPS)[0],
            goal=0.25,
            parallel=True,
        ),
        Workload(
            f"pgm Gibbs checkerboard {label}",
            lambda: pgm.gibbs(mrf, SWEEPS, seed=0).marginals,
            "NumPy vectorised checkerboard",
            lambda: numpy_gibbs(mrf, SWEEPS),
            goal=0.25,
            parallel=True,
        ),
    ]
