"""The MCMC panel: Metropolis-Hastings, Gibbs and HMC chains on 2-D targets with live traces
and diagnostics, and rejection and importance sampling (``prmlab.lab.mcmc`` does the work)."""

from prmlab.gui.panels.mcmc.panel import McmcPanel

__all__ = ["McmcPanel"]
