"""What the EM/GMM panel runs in its Job's worker (no Qt): the lab's Experiment advanced to a
position, each half-step as a ``Frame`` (with its density image for large data), and the
demo's run of a fit, restarts and criteria."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from prmlab.gui.panels.gmm.density import (
    DENSITY_SAMPLE,
    SCATTER_MAX,
    DensityView,
    density_image,
    density_view,
)
from prmlab.gui.widgets.ellipse import ellipse_xy
from prmlab.lab import gmm

ELLIPSE_SIGMAS = (1.0, 2.0)  # each component's outlines, solid and dashed


@dataclass(frozen=True)
class Drawn:
    """The data as drawn: the fitted matrix ``X``, the rows drawn (``idx``; None: all),
    their 2-D ``projection`` and ``points`` in display coordinates, and the density
    ``layout`` of many points (None: one marker each). A million points take ~100 ms to
    sample, project and lay out: the worker makes it with the data, not the GUI thread."""

    X: np.ndarray
    idx: np.ndarray | None
    projection: gmm.Projection
    points: np.ndarray
    layout: DensityView | None


def drawn_data(
    state: gmm.State, token: int, X: np.ndarray | None = None, idx: np.ndarray | None = None
) -> Drawn:
    """``state``'s data as drawn in its view (``X``, ``idx``: the fitted data and drawn rows
    when known; a new layout gets ``token``)."""
    if X is None:
        X = gmm.fitted_data(state)
        if len(X) > DENSITY_SAMPLE:
            rng = np.random.default_rng(0)
            idx = np.sort(rng.choice(len(X), DENSITY_SAMPLE, replace=False))
    projection = gmm.projection(state, X)
    rows = X if idx is None else X[idx]
    points = projection.project(rows) if len(rows) else np.empty((0, 2))
    layout = density_view(points, idx, token) if len(points) > SCATTER_MAX else None
    return Drawn(X, idx, projection, points, layout)


def preset_drawn(name: str, seed: int, token: int) -> tuple[gmm.State, Drawn]:
    """A preset's State and its data as drawn (a large preset, made in the worker)."""
    state = gmm.preset(name, seed)
    return state, drawn_data(state, token)


@dataclass(frozen=True)
class Frame:
    """What a half-step shows: the lab's Result and, for large data, the density image
    coloured for the layout ``image_token`` (None when the points are drawn as markers)."""

    result: gmm.Result
    kept: gmm.Kept  # what the history keeps of it (made here: the init's is an n x K argmax)
    projection: gmm.Projection  # the view ``outlines`` are drawn in
    outlines: np.ndarray | None  # component_outlines in ``projection``
    image: np.ndarray | None = None
    image_token: int = -1

    @property
    def progress(self) -> float:  # the status bar's share done
        r = self.result
        return 1.0 if r.finished else min(1.0, r.iteration / gmm.MAX_ITER)


def component_outlines(result: gmm.Result, projection: gmm.Projection) -> np.ndarray | None:
    """Each component's ``ELLIPSE_SIGMAS`` ellipses in ``projection``'s plane as (K, 2, 2, m)
    (component, sigma, x/y, point); None for k-means (no covariances drawn). An eigh and an
    outline per ellipse: made in the worker, not on the GUI thread at every half-step."""
    if result.method == "kmeans":
        return None
    means = projection.project(result.means)
    outlines = []
    for mean, cov in zip(means, result.covariances):
        shown = projection.axes @ cov @ projection.axes.T
        outlines.append([ellipse_xy(mean, shown, n_std) for n_std in ELLIPSE_SIGMAS])
    return np.array(outlines)


def frame_of(result: gmm.Result, layout: DensityView | None, projection: gmm.Projection) -> Frame:
    """``result`` as a Frame, coloured for ``layout``, its ellipses in ``projection``."""
    kept, outlines = gmm.kept(result), component_outlines(result, projection)
    if layout is None:
        return Frame(result, kept, projection, outlines)
    image = density_image(result.resp, layout)
    return Frame(result, kept, projection, outlines, image, layout.token)


def restored(
    kept: gmm.Kept, X: np.ndarray, layout: DensityView | None, projection: gmm.Projection
) -> Frame:
    """The Frame of a kept half-step: its responsibilities recomputed on the fitted data
    ``X`` (the history and the restarts keep parameters only)."""
    return frame_of(gmm.restore(kept, X), layout, projection)


def advance(
    experiment: gmm.Experiment | None,
    state: gmm.State,
    target: int,
    layout: DensityView | None,
    projection: gmm.Projection,
) -> Iterator[Frame]:
    """Half-steps of ``experiment`` (None: a new one for ``state``) up to ``target``, each
    yielded as a Frame; returns ``(experiment, last Frame)`` so the panel keeps stepping it."""
    if experiment is None:
        experiment = gmm.Experiment(state.replace(position=0))
        yield frame_of(experiment.result, layout, projection)
    frame = frame_of(experiment.result, layout, projection)
    for result in experiment.iter_run_to(target):
        frame = frame_of(result, layout, projection)
        yield frame
    return experiment, frame


def full_run(
    state: gmm.State,
    target: int,
    layout: DensityView | None,
    projection: gmm.Projection,
    restarts: bool,
    criteria: bool,
) -> Iterator:
    """The fit up to ``target``, then (if asked) the restarts and the criteria: a demo's or a
    reopened State's whole picture. Returns ``(experiment, frame, restarts, criteria)``."""
    experiment, frame = yield from advance(None, state, target, layout, projection)
    runs = (yield from gmm.restarts(state)) if restarts else None
    chart = (yield from gmm.criteria(state, experiment.data)) if criteria else None
    return experiment, frame, runs, chart
