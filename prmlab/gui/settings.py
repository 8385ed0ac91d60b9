"""The settings the main window reads back, validated: a bad value can never stop the app.

A settings file is the user's (or anyone's) to edit: ``geometry=hello``, a list or an int made
``restoreGeometry`` raise and then the process crash on every start. Each value is checked
here; a bad one is ignored with a log line, and the window writes a good one on quit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from prmlab.gui import theme
from prmlab.gui.panels import PANEL_NAMES

log = logging.getLogger("prmlab")


@dataclass(frozen=True)
class SavedSettings:
    """What a previous run left; None where nothing valid was saved."""

    geometry: QByteArray | None
    theme: str
    font_size: int
    panel: str
    last_dir: str


def read_settings(settings: QSettings) -> SavedSettings:
    """Every value the window uses, each checked; a bad one is logged and replaced."""
    return SavedSettings(
        geometry=_read(settings, "geometry", _geometry, None),
        theme=_read(settings, "theme", _one_of(tuple(theme.THEMES)), "light"),
        font_size=_read(settings, "font_size", _font_size, theme.DEFAULT_POINT_SIZE),
        panel=_read(settings, "panel", _one_of(PANEL_NAMES), PANEL_NAMES[0]),
        last_dir=read_last_dir(settings),
    )


def read_last_dir(settings: QSettings) -> str:
    """The folder of the last opened or written file; the home folder if it is gone."""
    return _read(settings, "last_dir", _folder, str(Path.home()))


def _read(settings: QSettings, key: str, parse: Callable[[Any], Any], default: Any) -> Any:
    value = settings.value(key)
    if value is None:
        return default
    try:
        return parse(value)
    except (TypeError, ValueError, OSError) as exc:  # OSError: a path too long to look up
        log.warning(
            "Settings: ignored %s = %.80r in %s (%s); a good value is written on quit",
            key,
            value,
            settings.fileName(),
            exc,
        )
        return default


def _geometry(value: Any) -> QByteArray:
    if not isinstance(value, (QByteArray, bytes)) or len(value) == 0:
        raise ValueError(f"expected the bytes saveGeometry wrote, got {type(value).__name__}")
    return QByteArray(value)


def _one_of(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return parse


def _font_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a whole number, got {type(value).__name__}")
    size = int(value)  # "12.5" or "big": ValueError
    if not theme.MIN_POINT_SIZE <= size <= theme.MAX_POINT_SIZE:
        raise ValueError(f"expected {theme.MIN_POINT_SIZE} to {theme.MAX_POINT_SIZE}")
    return size


def _folder(value: Any) -> str:
    if not isinstance(value, str) or not (Path(value).is_absolute() and Path(value).is_dir()):
        raise ValueError("expected the full path of an existing folder")
    return value
