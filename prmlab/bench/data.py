"""Benchmark workloads of the data topic: ``load_csv`` against a bare ``pandas.read_csv``."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from prmlab.bench import Workload
from prmlab.data.csv import load_csv


def _labelled_csv(n_rows: int) -> Path:
    """A temporary CSV of ``n_rows`` x 4 float features and a text class column."""
    folder = Path(tempfile.mkdtemp(prefix="prmlab-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(n_rows, 4)).round(6), columns=["a", "b", "c", "d"])
    frame["class"] = rng.choice(np.array(["alpha", "beta", "gamma"]), n_rows)
    path = folder / f"labelled_{n_rows}.csv"
    frame.to_csv(path, index=False)
    return path


def workloads(quick: bool) -> list[Workload]:
    n_rows = 50_000 if quick else 1_000_000
    path = _labelled_csv(n_rows)
    return [
        Workload(
            name=f"data: load_csv {n_rows:,} x 5 labelled",
            run=lambda: load_csv(path),
            reference="pandas.read_csv",
            run_reference=lambda: pd.read_csv(path),
            goal=1.5,
            repeat=5,
        )
    ]
