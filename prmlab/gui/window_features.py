"""Features that plug into the main window without editing it (presenter mode, recording,
compare mode, cross-checks, ...).

Each entry of ``WINDOW_FEATURES`` is ``"module:function"``. Once the window's tabs, menus and
status bar exist, the function is called with the window and adds what the feature needs:
actions in an existing menu (``window.menu("view")``) or a new one
(``window.menu("compare", "&Compare")``, placed before Help), shortcuts, status-bar widgets.
The module is imported only then, so a feature costs nothing until a window is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow

WINDOW_FEATURES: tuple[str, ...] = (
    "prmlab.gui.presenter:install",
    "prmlab.gui.recording:install",
    "prmlab.gui.compare:install",
    "prmlab.gui.crosscheck:install",
)


def install_features(window: MainWindow, features: Iterable[str] | None = None) -> None:
    """Call each feature's ``function(window)``, in order (default: ``WINDOW_FEATURES``)."""
    for spec in WINDOW_FEATURES if features is None else features:
        module, _, function = spec.partition(":")
        getattr(importlib.import_module(module), function)(window)
