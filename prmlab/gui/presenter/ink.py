"""Presenter mode's annotations as data: pen strokes per panel, in the plots' data
coordinates, and the pen and laser switches; their tree in a session (no Qt here).

A stroke names its plot by the plot's place in the panel's figure (``overlay.plot_views``)
and keeps its points as data coordinates, so it stays on what it marks when the view pans
or zooms, and reopens on the same plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from prmlab.lab.session import SessionError

SESSION_KEY = "presenter"
INK_VERSION = 1
# Marker colours none of the plots use (their palette is Okabe-Ito's: a pen in its orange or
# blue looked like the particle mean or the Kalman curve): magenta, violet, red, teal, black
PEN_COLOURS: tuple[str, ...] = ("#e6007e", "#7b2cbf", "#ff0000", "#008b8b", "#000000")


@dataclass(frozen=True, eq=False)
class Stroke:
    """One pen stroke: ``points`` (n, 2) in the data coordinates of plot ``plot``."""

    plot: int
    colour: int
    points: np.ndarray

    def __post_init__(self) -> None:
        points = np.array(self.points, dtype=np.float64)  # a copy: strokes never change
        if points.ndim != 2 or points.shape[1] != 2 or not np.isfinite(points).all():
            raise ValueError(
                f"points must be finite (n, 2) data coordinates, got shape {points.shape}"
            )
        object.__setattr__(self, "points", points)


@dataclass
class Ink:
    """What the presenter keeps: strokes by panel name, the pen's colour, the switches."""

    strokes: dict[str, list[Stroke]] = field(default_factory=dict)
    colour: int = 0
    pen: bool = False
    laser: bool = False

    def to_tree(self) -> dict:
        """The session's tree (arrays for the points)."""
        return {
            "version": INK_VERSION,
            "colour": self.colour,
            "pen": self.pen,
            "laser": self.laser,
            "strokes": {
                name: [{"plot": s.plot, "colour": s.colour, "points": s.points} for s in strokes]
                for name, strokes in self.strokes.items()
                if strokes
            },
        }

    @classmethod
    def from_tree(cls, tree: dict) -> Ink:
        """The ink a session saved; ``SessionError`` saying what is wrong otherwise."""
        version = tree.get("version")
        if not isinstance(version, int) or version > INK_VERSION:
            raise SessionError(
                f"the pen strokes were saved by a newer prmlab (version {version!r}, this app "
                f"reads up to {INK_VERSION}): update prmlab to open them"
            )
        try:
            strokes = {
                str(name): [_stroke(entry) for entry in entries]
                for name, entries in dict(tree.get("strokes", {})).items()
            }
            return cls(
                strokes=strokes,
                colour=_colour(tree.get("colour", 0)),
                pen=bool(tree.get("pen", False)),
                laser=bool(tree.get("laser", False)),
            )
        except (TypeError, ValueError, KeyError) as exc:
            raise SessionError(f"the session's pen strokes are damaged: {exc}") from exc


def _colour(value: object) -> int:
    if not isinstance(value, int) or not 0 <= value < len(PEN_COLOURS):
        raise ValueError(f"colour must be 0 … {len(PEN_COLOURS) - 1}, got {value!r}")
    return value


def _stroke(entry: dict) -> Stroke:
    plot = entry["plot"]
    if not isinstance(plot, int) or plot < 0:
        raise ValueError(f"a stroke's plot must be an index >= 0, got {plot!r}")
    return Stroke(plot, _colour(entry["colour"]), entry["points"])
