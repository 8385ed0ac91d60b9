"""The start-up warm-up prepares every kernel the panels' demos call: after it, running all six
demos adds no compiled signature to any kernel (a missing one would compile, or load from the
disk cache, while the user waits)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from numba.core.dispatcher import Dispatcher
    from prmlab.engine.warmup import warmup_all

    for _ in warmup_all():
        pass

    def signatures():
        return {
            f"{name}.{attr}": len(obj.signatures)
            for name, module in list(sys.modules.items()) if name.startswith("prmlab")
            for attr, obj in list(vars(module).items()) if isinstance(obj, Dispatcher)
        }

    warm = signatures()
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from prmlab.gui.jobs import JobMonitor
    from prmlab.gui.panels import PANEL_NAMES, panel_class
    from prmlab.gui.panels.base import PanelContext
    for name in PANEL_NAMES:
        panel = panel_class(name)(PanelContext(monitor=JobMonitor(), seed=0))
        panel.resize(1280, 800)
        panel.show()
        panel.load_demo()
        deadline = time.monotonic() + 120
        while panel.busy() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        panel.shutdown()
    grown = {k: [warm.get(k, 0), n] for k, n in signatures().items() if n > warm.get(k, 0)}
    print(json.dumps({"warm": sum(warm.values()), "grown": grown}), flush=True)
    import os
    os._exit(0)  # the report is out; this script's teardown of six panels is not under test
    """
)


def test_warmup_prepares_every_kernel_the_demos_call():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["warm"] > 20  # the warm-up did prepare kernels
    assert report["grown"] == {}, f"kernels the warm-up missed: {report['grown']}"
