"""Drawing the chains' statistics: traces, acceptance rates, marginals and the diagnostics
(ESS, R̂, autocorrelation), throttled so Play stays fluid with long histories."""

from __future__ import annotations

import time

from prmlab.lab import mcmc

STATS_PERIOD = 0.25  # s between redraws of traces, histograms and the table while playing
DIAGNOSE_DELAY_MS = 600
GUI_DIAGNOSTICS = 40_000  # kept draws up to which ESS/R-hat are computed on the GUI thread


class ChainStatistics:
    """The McmcPanel's statistics drawing (a mixin: it reads the panel's ``result``,
    ``state``, ``views``, ``form`` and timers)."""

    def redraw(self, force: bool = False) -> None:
        """The target plot now; the statistics plots at most every ``_stats_period`` (Play
        stays fluid with long histories), or now when ``force``."""
        if self.result is None:
            return
        self.views.map.draw(self.result)
        wait = self._stats_period - (time.perf_counter() - self._stats_drawn)
        if force or wait <= 0:
            self._draw_stats()
        elif not self._stats_timer.isActive():
            self._stats_timer.start(int(wait * 1000) + 1)

    def _draw_stats(self) -> None:
        self._stats_timer.stop()
        if self.result is None:
            return
        self._partial = None  # the whole chains are drawn now
        self._stats_started = time.perf_counter()
        self.draw_in_turns(
            *self._trace_parts, self._draw_rates, self.refresh_diagnostics, self._stats_done
        )

    def _stats_done(self) -> None:
        self._stats_drawn = time.perf_counter()
        # The parts and their paints took this long: keep them under ~20% of the time.
        self._stats_period = max(STATS_PERIOD, 5 * (self._stats_drawn - self._stats_started))

    def _draw_trace(self, k: int) -> None:
        """The trace of coordinate ``k``: of a long run's draws so far while it runs."""
        if self.result is not None:
            chains = self.chains if self._partial is None else self._partial
            self.views.traces[k].draw(chains, self.state.burn_in)

    def _draw_rates(self) -> None:
        self.views.rates.draw(self.result.accepted)

    def busy(self) -> bool:
        """Also while a throttled redraw or the diagnostics of a long history wait (a
        screenshot or a test waits for the picture the State gives)."""
        return super().busy() or self._stats_timer.isActive() or self._diagnose_timer.isActive()

    def _kept_key(self) -> tuple:
        return (self._results_taken, self.state.burn_in, self.state.thin)

    def _kept_changed(self) -> None:
        self._read_controls()
        if self.result is None:
            return
        for trace in self.views.traces:
            trace.draw_burn(self.state.burn_in, self.n_steps)
        self.refresh_diagnostics()

    def refresh_diagnostics(self) -> None:
        """ESS, R-hat, histograms and autocorrelation of the kept draws. Large histories are
        diagnosed in the worker once the chains have rested for ``DIAGNOSE_DELAY_MS`` (a
        worker cannot be stopped mid-way, so every step must not start one)."""
        if self.result is None:
            return
        chains = self.chains
        burn, thin = mcmc.kept_window(self.state, chains.shape[1])
        kept = chains[:, burn::thin]
        self.views.draw_histograms(kept, self.view.target.bounds)
        key = self._kept_key()
        if key != self._summary_key:
            if kept.size // 2 <= GUI_DIAGNOSTICS:
                self.summary, self._summary_key = mcmc.diagnose(chains, burn, thin), key
            else:
                self._diagnose_timer.start(DIAGNOSE_DELAY_MS)
        self._show_summary(pending=key != self._summary_key)

    def _diagnose_in_worker(self) -> None:
        if self.result is None or self._kept_key() == self._summary_key:
            return
        if self.busy():  # try again when the chains rest
            self._diagnose_timer.start(DIAGNOSE_DELAY_MS)
            return
        key = self._kept_key()
        burn, thin = mcmc.kept_window(self.state, self.n_steps)
        self._run(
            "diagnose", mcmc.diagnose, self.chains, burn, thin,
            on_done=lambda s: self._diagnosed(s, key), label="Diagnostics",
        )  # fmt: skip

    def _diagnosed(self, summary: mcmc.Diagnostics | None, key: tuple) -> None:
        self.summary, self._summary_key = summary, key
        self._show_summary(pending=False)

    def _show_summary(self, pending: bool) -> None:
        self.form.show_status(self.result, self.summary, pending)
        self.form.fill_table(self.summary if not pending else None)
        self.views.acf.draw(self.summary if not pending else None)
