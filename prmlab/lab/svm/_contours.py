"""Level lines of a sampled function (marching squares), for the decision map's f = 0, ±1."""

from __future__ import annotations

import numpy as np


def contour_segments(F: np.ndarray, level: float, extent: tuple) -> np.ndarray:
    """Marching squares on ``F`` (ny, nx) over ``extent``: (2m, 2) segment ends (``connect="pairs"``).

    Each cell's corners above ``level`` give one of 16 cases; only cells the level crosses are
    visited, each crossing two of its edges (four for a saddle, resolved one fixed way).
    """
    x0, x1, y0, y1 = extent
    ny, nx = F.shape
    above = level < F
    code = above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8
    r, c = np.nonzero((code > 0) & (code < 15))
    code = code[r, c]
    a, b, cc, d = F[r, c], F[r, c + 1], F[r + 1, c + 1], F[r + 1, c]  # bl, br, tr, tl

    def t(u, v):
        return (level - u) / (v - u)  # on an edge the level crosses, v != u

    # Crossing points in grid units: edge 0 bottom (a-b), 1 right (b-c), 2 top (d-c), 3 left (a-d).
    # All four are computed for every crossed cell, also edges the level does not cross
    # there, where f can be flat (v == u: f is constant far from the points, or along a
    # feature with no spread): NumPy's "invalid value encountered in divide" reached the
    # user. No pair uses those values.
    with np.errstate(divide="ignore", invalid="ignore"):
        edges = (
            (c + t(a, b), r + 0.0),
            (c + 1.0, r + t(b, cc)),
            (c + t(d, cc), r + 1.0),
            (c + 0.0, r + t(a, d)),
        )
    pairs = {(0, 3): (1, 14, 10), (0, 1): (2, 13, 5), (1, 3): (3, 12), (1, 2): (4, 11, 10)}
    pairs.update({(0, 2): (6, 9), (2, 3): (7, 8, 5)})
    out = [np.empty((0, 2))]
    for (e, f), cases in pairs.items():
        m = np.isin(code, cases)
        ends = [np.column_stack([edges[k][0][m], edges[k][1][m]]) for k in (e, f)]
        out.append(np.stack(ends, axis=1).reshape(-1, 2))
    seg = np.vstack(out)
    dx, dy = (x1 - x0) / (nx - 1), (y1 - y0) / (ny - 1)
    return np.column_stack([x0 + seg[:, 0] * dx, y0 + seg[:, 1] * dy])
