"""Presenter mode (F5; Esc leaves): the current panel's figure and whiteboard fill a screen,
driven by a clicker's keys, with a pen and a laser pointer over the plots.

On one screen the main window goes full screen without its menus, tabs, status bar, control
column and explanation (C floats the column over the figure, ``drawer``; C again hides it). With "Presenter view on the other
screen" and a second display, the panel's figure and whiteboard move to a full-screen
window there while the main window keeps the controls on the laptop. Fonts grow for the
presenter screen's size (``placement.projector_point_size``) and shrink back on leaving.

While the mode is on, an application-wide event filter reads keys before the window's
shortcuts (Esc leaves the mode rather than cancelling a job); keys typed into a text box of
the shown controls go to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QScreen
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from prmlab.gui.panels import PANELS
from prmlab.gui.presenter.drawer import ControlsDrawer
from prmlab.gui.presenter.ink import PEN_COLOURS, SESSION_KEY, Ink, Stroke
from prmlab.gui.presenter.key_sheet import KeySheet
from prmlab.gui.presenter.keys import action_for
from prmlab.gui.presenter.lines import line_factor, widen_lines
from prmlab.gui.presenter.overlay import InkOverlay, LaserDot
from prmlab.gui.presenter.placement import presenter_screen, projector_point_size
from prmlab.gui.sessions import SessionExtra

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.panels.base import BasePanel

TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox)


def screens() -> list[QScreen]:
    """The displays (the tests stand a second one in)."""
    return QGuiApplication.screens()


class Blank(QWidget):
    """A black or white sheet over the presenter view (the audience looks at the speaker);
    any key takes it away."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.hide()

    def cover(self, colour: str) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(colour))
        self.setPalette(palette)
        self.colour = colour
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()


class PresenterView(QWidget):
    """The full-screen window on the projector holding a panel's figure and whiteboard."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("prmlab presenter view")
        self.area = QVBoxLayout(self)
        self.area.setContentsMargins(0, 0, 0, 0)


class Presenter(QObject):
    """Presenter mode of ``window``: its actions, keys, ink and second-screen placement."""

    sigActiveChanged = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.controls_shown = False
        self.ink = Ink()
        self.host: QWidget | None = None  # the window showing the presenter view
        self.blank: Blank | None = None
        self.view: PresenterView | None = None  # on the other screen, when used
        self.panel: BasePanel | None = None  # the panel presented
        self.drawer: ControlsDrawer | None = None  # its column over the figure, on one screen
        self.overlays: dict[str, InkOverlay] = {}
        self.dots: dict[str, LaserDot] = {}  # the laser over each panel's whiteboard
        self._look: tuple[int, Qt.WindowState] | None = None  # font size, window state
        self._narrow = lambda: None  # puts the presented figure's lines back
        window.sessions.add_extra(SESSION_KEY, SessionExtra(self._saved_ink, self._check_ink))
        window.tabs.currentChanged.connect(self._panel_changed)

        view = window.menu("view")
        view.addSeparator()
        self.action = window.add_action(view, "&Presenter mode", self.toggle, "F5", True)
        self.other_screen_action = window.add_action(
            view, "Presenter view on the &other screen", lambda: None, None, True
        )
        window.add_action(view, "Presenter &keys…", self.show_keys)
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._screens_changed)
        app.screenRemoved.connect(self._screens_changed)
        self._screens_changed()

    # -- entering and leaving ------------------------------------------------------------
    def toggle(self) -> None:
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        """Show the current panel's figure and whiteboard full screen (on the other screen
        when chosen and there is one)."""
        if self.active:
            return
        window = self.window
        displays = screens()
        laptop = displays.index(window.screen()) if window.screen() in displays else 0
        rects = [s.geometry().getRect() for s in displays]
        other = self.other_screen_action.isChecked() and len(displays) > 1
        target = displays[presenter_screen(rects, laptop, other)]
        self.active, self.controls_shown = True, False
        self.action.setChecked(True)
        self._look = (window.font_size, window.windowState())
        if not other:
            self.host = window
            for bar in (window.menuBar(), window.statusBar(), window.tabs.tabBar()):
                bar.hide()
            window.showFullScreen()
        else:
            self.view = self.host = PresenterView()
            self.view.setGeometry(target.geometry())
            self.view.show()
            self.view.windowHandle().setScreen(target)
            self.view.showFullScreen()
        self.blank = Blank(self.host)
        size = target.geometry()
        window.set_font_size(projector_point_size(size.width(), size.height(), window.font_size))
        self._present(window.current_panel())
        QApplication.instance().installEventFilter(self)
        self.sigActiveChanged.emit(True)

    def leave(self) -> None:
        """Back to the window as it was (fonts, full screen or not, menus, the panel)."""
        if not self.active:
            return
        QApplication.instance().removeEventFilter(self)
        window = self.window
        self._release()
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
            self.view = None
        else:
            for bar in (window.menuBar(), window.statusBar(), window.tabs.tabBar()):
                bar.show()
        self.blank.deleteLater()
        self.blank = self.host = None
        font_size, state = self._look
        window.set_font_size(font_size)
        window.setWindowState(state)
        self.active = False
        self.action.setChecked(False)
        self.sigActiveChanged.emit(False)

    def _present(self, panel: BasePanel) -> None:
        self.panel = panel
        if self.view is not None:
            self.view.area.addWidget(panel.view_area)
            panel.view_area.show()
        panel.present(True, controls=self.view is not None)
        if self.view is None:
            self.drawer = ControlsDrawer(panel)
            self.drawer.set_shown(self.controls_shown)
        self._narrow = widen_lines(panel.figure, line_factor(self.window.font_size))
        self.overlay(panel)
        self._present_switches()

    def _release(self) -> None:
        panel, self.panel = self.panel, None
        if panel is None:
            return
        if self.view is not None:  # the figure back beside its controls
            panel.layout().addWidget(panel.view_area, 1)
            panel.view_area.show()  # a widget moved into a shown one stays hidden
        if self.drawer is not None:  # the column back in its place in the layout
            self.drawer.release()
            self.drawer = None
        panel.present(False)
        self._narrow()
        overlay = self.overlays[panel.name]
        overlay.set_pen(False)
        overlay.set_laser(False)
        self.laser_dot(panel).set_on(False)

    def _panel_changed(self, _index: int) -> None:
        panel = self.window.current_panel()
        if self.active and panel is not self.panel:
            self._release()
            self._present(panel)
        elif self.ink.strokes.get(panel.name):
            self.overlay(panel)  # a session's strokes show outside the mode too

    def _screens_changed(self, *_screen) -> None:
        two = len(screens()) > 1
        self.other_screen_action.setEnabled(two)
        self.other_screen_action.setToolTip(
            "The figure goes full screen on the projector, the controls stay here"
            if two
            else "Needs a second display"
        )

    def show_keys(self) -> KeySheet:
        """View > Presenter keys: the key table, over the window (not blocking it)."""
        sheet = KeySheet(self.window)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()
        return sheet

    # -- ink -----------------------------------------------------------------------------
    def overlay(self, panel: BasePanel) -> InkOverlay:
        """The pen and laser overlay over ``panel``'s figure (made on first use)."""
        overlay = self.overlays.get(panel.name)
        if overlay is None:
            overlay = InkOverlay(panel.figure, lambda n=panel.name: self.ink.strokes.get(n, []))
            overlay.colour = self.ink.colour
            overlay.sigStroke.connect(lambda s, n=panel.name: self._add_stroke(n, s))
            self.overlays[panel.name] = overlay
        return overlay

    def _add_stroke(self, name: str, stroke: Stroke) -> None:
        self.ink.strokes.setdefault(name, []).append(stroke)
        self.overlays[name].update()

    def _saved_ink(self) -> dict | None:
        ink = self.ink
        if not any(ink.strokes.values()) and not (ink.pen or ink.laser or ink.colour):
            return None  # nothing drawn or switched: the session stays as before
        return ink.to_tree()

    def _check_ink(self, tree: dict):
        ink = Ink.from_tree(tree)  # SessionError before anything changes

        def show() -> None:
            self.ink = ink
            for overlay in self.overlays.values():
                overlay.colour = ink.colour
                overlay.update()
            if self.panel is not None:
                self._present_switches()
            self._panel_changed(self.window.tabs.currentIndex())

        return show

    def _present_switches(self) -> None:
        overlay = self.overlays[self.panel.name]
        overlay.set_pen(self.ink.pen)
        overlay.set_laser(self.ink.laser)
        self.laser_dot(self.panel).set_on(self.ink.laser)

    def laser_dot(self, panel: BasePanel) -> LaserDot:
        """The laser's dot over ``panel``'s whiteboard (made on first use)."""
        dot = self.dots.get(panel.name)
        if dot is None:
            dot = self.dots[panel.name] = LaserDot(panel.equations)
        return dot

    # -- keys ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Close and watched is self.window:
            self.leave()  # the user's font size and window state are what get saved
            return False
        if kind == QEvent.Type.MouseMove and self.ink.laser and self.panel is not None:
            self.laser_dot(self.panel).follow(event.globalPosition())
            return False
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(watched, QWidget) or watched.window() not in (self.window, self.view):
            return False
        action = action_for(event.key(), event.modifiers())
        if self.blank is not None and self.blank.isVisible():
            if kind == QEvent.Type.KeyPress:
                self.blank.hide()
            return True  # any key brings the picture back, and does nothing else
        if action is None or self._typing(watched, action):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not the window's shortcut (Esc's Cancel, Shift+Left)
            return True
        self.do(action)
        return True

    def _typing(self, watched: QWidget, action: str) -> bool:
        # a key typed into a text box of the shown controls is the box's, except leaving
        return action not in ("leave", "stay") and isinstance(watched, TEXT_INPUTS)

    def do(self, action: str) -> None:
        """Carry out a presenter action (``keys.KEY_ACTIONS``' values, ``"panel:N"``)."""
        panel = self.panel
        if action == "leave":
            self.leave()
        elif action.startswith("panel:"):
            names = list(PANELS)
            index = int(action.partition(":")[2])
            if index < len(names):
                self.window.show_panel(names[index])
        elif action in ("black", "white"):
            self.blank.cover("#000000" if action == "black" else "#ffffff")
        elif action == "controls":
            self.controls_shown = not self.controls_shown
            if self.drawer is not None:  # on the other screen the controls stay shown
                self.drawer.set_shown(self.controls_shown)
        elif action in PANEL_ACTIONS:
            getattr(panel, PANEL_ACTIONS[action])()
        elif action in INK_ACTIONS:
            INK_ACTIONS[action](self, panel.name)
            self._present_switches()
            self.overlays[panel.name].update()

    def _switch_pen(self, _name: str) -> None:
        self.ink.pen = not self.ink.pen

    def _switch_laser(self, _name: str) -> None:
        self.ink.laser = not self.ink.laser

    def _next_colour(self, _name: str) -> None:
        self.ink.colour = (self.ink.colour + 1) % len(PEN_COLOURS)
        for overlay in self.overlays.values():
            overlay.colour = self.ink.colour

    def _undo_stroke(self, name: str) -> None:
        strokes = self.ink.strokes.get(name)
        if strokes:
            strokes.pop()

    def _clear_strokes(self, name: str) -> None:
        self.ink.strokes.pop(name, None)


PANEL_ACTIONS = {
    "step": "step_forward",
    "back": "step_back",
    "reset": "reset_run",
    "play": "toggle_play",
}
INK_ACTIONS = {
    "pen": Presenter._switch_pen,
    "laser": Presenter._switch_laser,
    "colour": Presenter._next_colour,
    "undo_stroke": Presenter._undo_stroke,
    "clear_strokes": Presenter._clear_strokes,
}
