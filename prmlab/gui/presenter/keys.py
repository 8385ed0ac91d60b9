"""Presenter mode's keys: what a presentation clicker and the keyboard do.

Clickers send plain keys (PageDown/PageUp, and F5/Esc from their start/stop button), so
every action is one key with no modifier. ``action_for`` maps a key to the action's name;
the presenter (``mode.Presenter``) carries the actions out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from prmlab.gui.panels import PANELS

K = Qt.Key

KEY_ACTIONS: dict[Qt.Key, str] = {
    K.Key_Escape: "leave",
    K.Key_F5: "stay",  # a clicker's start/stop alternates F5 and Esc: F5 keeps the mode on
    K.Key_PageDown: "step",
    K.Key_Right: "step",
    K.Key_Space: "step",
    K.Key_Return: "step",
    K.Key_Enter: "step",
    K.Key_PageUp: "back",
    K.Key_Left: "back",
    K.Key_Backspace: "back",
    K.Key_B: "black",
    K.Key_Period: "black",
    K.Key_W: "white",
    K.Key_Comma: "white",
    K.Key_Home: "reset",
    K.Key_P: "play",
    K.Key_C: "controls",
    K.Key_D: "pen",
    K.Key_L: "laser",
    K.Key_K: "colour",
    K.Key_U: "undo_stroke",
    K.Key_E: "clear_strokes",
}

# what View > Presenter keys says (and the tests walk)
KEY_HELP = (
    ("F5 / Esc", "enter / leave presenter mode"),
    ("PageDown, →, Space, Enter", "Step"),
    ("PageUp, ←, Backspace", "Step back"),
    ("Home", "Reset"),
    ("P", "Play / Pause"),
    (f"1 … {len(PANELS)}", f"show panel 1 … {len(PANELS)} (the tabs in order)"),
    ("B or .", "black screen (any key returns)"),
    ("W or ,", "white screen (any key returns)"),
    ("C", "show / hide the controls over the figure"),
    ("D", "pen on / off (draw with the left button)"),
    ("K", "next pen colour"),
    ("U / E", "undo a stroke / erase this panel's strokes"),
    ("L", "laser pointer on / off"),
)


def action_for(key: int, modifiers: Qt.KeyboardModifier) -> str | None:
    """The action of ``key`` pressed with ``modifiers`` (None: not presenter mode's key).

    Digits give ``"panel:N"`` (N from 0). Keys with Ctrl, Alt or Meta are left to the
    window's shortcuts (Ctrl+S, Ctrl+Z, ...); a keypad digit or Shift is fine.
    """
    held = modifiers & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
    if held != Qt.KeyboardModifier.NoModifier:
        return None
    if K.Key_1 <= key <= K.Key_9:
        return f"panel:{key - K.Key_1}"
    try:
        return KEY_ACTIONS.get(Qt.Key(key))
    except ValueError:  # a key code Qt has no name for
        return None
