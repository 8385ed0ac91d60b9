"""The main window's menus and look: File, Edit, View (a panel per registry entry, theme,
fonts, full screen), Help; and ``menu(key)``, where features add theirs.

Each panel in the registry (``prmlab.gui.panels.PANELS``) gets its View action and Ctrl+N
(N = its place among the tabs, 1-9), so a new panel needs no edit here.
"""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from prmlab import __version__
from prmlab.data.builtin import BUILTIN
from prmlab.gui import theme
from prmlab.gui.panels import PANELS

MENUS = (("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("help", "&Help"))


def panel_shortcut(index: int) -> QKeySequence | None:
    """Ctrl+1 … Ctrl+9 for the first nine tabs (``index`` from 0); None after them."""
    return QKeySequence(f"Ctrl+{index + 1}") if index < 9 else None


class MenusMixin:
    """``MainWindow``'s menus and look (theme, font size, full screen)."""

    def menu(self, key: str, title: str | None = None) -> QMenu:
        """The menu ``key`` ("file", "edit", "view", "help"); a new one titled ``title`` is
        made before Help when there is none yet (a feature's own menu)."""
        if key not in self.menus:
            if title is None:
                raise KeyError(f"no menu {key!r}: give a title to make it")
            menu = QMenu(title, self)
            self.menuBar().insertMenu(self.menus["help"].menuAction(), menu)
            self.menus[key] = menu
        return self.menus[key]

    def add_action(
        self, menu: QMenu, text: str, slot, shortcut=None, checkable: bool = False
    ) -> QAction:
        """An action in ``menu`` calling ``slot`` (a feature's too)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus: dict[str, QMenu] = {key: bar.addMenu(title) for key, title in MENUS}
        self._build_file_menu(self.menus["file"])
        edit = self.menus["edit"]
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addActions([undo, redo])
        self._build_view_menu(self.menus["view"])
        self.add_action(self.menus["help"], "&About prmlab", self.about)

    def _build_file_menu(self, file: QMenu) -> None:
        self.add_action(file, "&Open CSV…", lambda: self.open_csv(), QKeySequence.StandardKey.Open)
        builtin = file.addMenu("&Built-in data")
        for key in BUILTIN:
            self.add_action(builtin, key, lambda _=False, k=key: self.load_builtin(k))
        file.addSeparator()
        self.sessions.add_actions(file)
        file.addSeparator()
        self.add_action(file, "Export &figure (PNG/SVG)…", lambda: self.export_figure(), "Ctrl+E")
        self.add_action(
            file, "Export &results as CSV…", lambda: self.export_results(), "Ctrl+Shift+E"
        )
        file.addSeparator()
        self.add_action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

    def _build_view_menu(self, view: QMenu) -> None:
        """One action per registered panel (``self.panel_actions``), then the look."""
        self.panel_actions: dict[str, QAction] = {}
        for i, (name, entry) in enumerate(PANELS.items()):
            self.panel_actions[name] = self.add_action(
                view, entry.title, lambda _=False, n=name: self.show_panel(n), panel_shortcut(i)
            )
        view.addSeparator()
        self.dark_action = self.add_action(
            view, "&Dark theme", lambda on: self.set_theme("dark" if on else "light"), None, True
        )
        self.add_action(
            view, "&Bigger fonts", lambda: self.set_font_size(self.font_size + 2), "Ctrl+="
        )
        self.add_action(
            view, "&Smaller fonts", lambda: self.set_font_size(self.font_size - 2), "Ctrl+-"
        )
        self.add_action(view, "&Full screen", self.toggle_full_screen, "F11")

    # -- look -----------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        self.theme = name
        self.dark_action.setChecked(name == "dark")
        self._apply_look()

    def set_font_size(self, size: int) -> None:
        self.font_size = int(min(max(size, theme.MIN_POINT_SIZE), theme.MAX_POINT_SIZE))
        self._apply_look()

    def _apply_look(self) -> None:
        app = QApplication.instance()
        if app is not None:
            theme.apply_app_theme(app, self.theme, self.font_size)
        theme.style_plots(self, self.theme, self.font_size)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def about(self) -> None:
        import numba
        import numpy as np

        QMessageBox.about(
            self,
            "About prmlab",
            f"<h3>prmlab {__version__}</h3>"
            "<p>A visual lab for classic pattern recognition.</p>"
            f"<p>Qt {qVersion()} (PySide6 {PySide6.__version__})<br>"
            f"NumPy {np.__version__}<br>Numba {numba.__version__}<br>"
            f"Python {sys.version.split()[0]}</p>",
        )
