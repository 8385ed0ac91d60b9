"""The HMM panel: controls, views (the trellis, posteriors, Baum-Welch curves, λ) and the
panel wiring them through ``prmlab.lab.hmm``."""

from prmlab.gui.panels.hmm.panel import HmmPanel
from prmlab.gui.panels.hmm.trellis import HEAT_COLUMNS

__all__ = ["HEAT_COLUMNS", "HmmPanel"]
