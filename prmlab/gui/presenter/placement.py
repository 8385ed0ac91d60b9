"""Where presenter mode puts its view: the projector, when there is a second screen.

Pure functions of screen rectangles, so the choice is tested without two displays.
"""

from __future__ import annotations

from collections.abc import Sequence

Rect = tuple[int, int, int, int]  # x, y, width, height


def presenter_screen(screens: Sequence[Rect], laptop: int, other: bool) -> int:
    """The index of the screen for the presenter view: with ``other`` and more than one
    screen, the largest screen that is not ``laptop`` (the one holding the controls);
    otherwise ``laptop`` itself."""
    if not 0 <= laptop < len(screens):
        raise ValueError(
            f"laptop must index one of the {len(screens)} screens, got {laptop}: "
            "pass the index of the screen showing the window"
        )
    if not other or len(screens) < 2:
        return laptop
    others = [i for i in range(len(screens)) if i != laptop]
    return max(others, key=lambda i: (screens[i][2] * screens[i][3], -i))


def projector_point_size(width: int, height: int, base: int) -> int:
    """The font size (points) for a ``width`` x ``height`` presenter view: text about a
    55th of the screen's height (15 pt at 1024x768, 21 pt at 1920x1080, readable from the
    back of a room), never smaller than the user's ``base`` size."""
    return max(base, round(min(height, width * 0.75) / 52))
