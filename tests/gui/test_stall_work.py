"""The arrays the panels' plots draw are computed in the job's worker, not on the GUI thread
(issue #16's stall points: on big data each such reduction held the GUI thread for tens of
ms, ``python -m prmlab.bench --ui``). Each test records the thread every such lab function
runs on while the panel works, and checks the picture is the lab's."""

from __future__ import annotations

import threading

import numpy as np


def _threads_of(monkeypatch, module, *names: str) -> list[tuple[str, bool]]:
    """Wrap ``module.<name>`` for each name: the list gets (name, on the GUI thread?) per
    call."""
    calls: list[tuple[str, bool]] = []
    for name in names:
        original = getattr(module, name)

        def wrapped(*args, _name=name, _original=original, **kwargs):
            calls.append((_name, threading.current_thread() is threading.main_thread()))
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)
    return calls


def test_mcmc_statistics_are_computed_in_the_worker(make_panel, qtbot, monkeypatch):
    from prmlab.gui.panels.mcmc import McmcPanel
    from prmlab.lab import mcmc

    calls = _threads_of(monkeypatch, mcmc, "trace_envelope", "histograms", "acceptance_curves")
    panel = make_panel(McmcPanel)
    panel.load_demo()  # the target opened, then a long run
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    panel.step_forward()  # a Step
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    panel.step_back()  # the timeline's seek
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    assert calls and not [name for name, gui in calls if gui]
    # the picture is the lab's
    steps, values = mcmc.trace_envelope(panel.chains, 0)
    x, y = panel.views.traces[0].curves[0].getData()
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_array_equal(y, values[0])
    burn, thin = mcmc.kept_window(panel.state, panel.chains.shape[1])
    edges, density = mcmc.histograms(panel.chains[:, burn::thin], panel.view.target.bounds)[1]
    x, y = panel.views.marginals[1].bars.getData()
    np.testing.assert_array_equal(x, edges)
    np.testing.assert_array_equal(y, density)
