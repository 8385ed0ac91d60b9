"""The whiteboard pane: typeset equations (ziamath through QtSvg) with live numbers."""

from prmlab.gui.widgets.equations.pane import EquationPane, FoldSetting

__all__ = ["EquationPane", "FoldSetting"]
