"""Metropolis-Hastings, Gibbs and HMC on 2-D targets (placeholder until its issue lands)."""

from prmlab.gui.panels.placeholder import PlaceholderPanel


class McmcPanel(PlaceholderPanel):
    name = "mcmc"
    title = "MCMC"
