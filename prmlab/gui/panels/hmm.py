"""Hidden Markov models: trellis, forward-backward, Viterbi, Baum-Welch (placeholder until its issue lands)."""

from prmlab.gui.panels.placeholder import PlaceholderPanel


class HmmPanel(PlaceholderPanel):
    name = "hmm"
    title = "HMM"
