"""The tracking lab (no Qt): a path, its measurements and three estimators as a saveable State.

A State holds the ground-truth path (a preset's, a drawn or a CSV one; or, for a CSV track
filtered as it is, the measured positions), the measurement and motion models, the dropouts,
the seed and the drawn time ``t``. ``Experiment`` runs the engine's Kalman filter, RTS smoother
and particle filter once per State (``iter_run`` in chunks for the Job) and then moves ``t``
over the stored ``Run``: a step, a step back and a scrub cost no filtering.

>>> from prmlab.lab import track
>>> exp = track.Experiment(track.preset("Circle", seed=0, n_steps=40))
>>> frame = exp.run_to_end()
>>> frame.t, frame.run.kf.means.shape  # doctest: +SKIP
(39, (40, 4))
"""

from prmlab.lab.track._analysis import (
    CLOUD_EDGES,
    STATE_NAMES,
    TIME_NAMES,
    RmseRow,
    export_columns,
    rmse,
    rmse_row,
    track_from_table,
    weight_classes,
)
from prmlab.lab.track._experiment import (
    BEACONS,
    DEFAULT_STEPS,
    MAX_CLOUD,
    MAX_STEPS,
    MEASUREMENTS,
    MIN_STEPS,
    MOTIONS,
    PRESET_KEYS,
    PRESETS,
    Experiment,
    Progress,
    Result,
    Run,
    State,
    check,
    compute,
    demo,
    drawn_path,
    iter_run,
    measure,
    motion_model,
    new_dropout,
    preset,
    resampled_steps,
)

__all__ = [
    "BEACONS",
    "CLOUD_EDGES",
    "DEFAULT_STEPS",
    "MAX_CLOUD",
    "MAX_STEPS",
    "MEASUREMENTS",
    "MIN_STEPS",
    "MOTIONS",
    "PRESETS",
    "PRESET_KEYS",
    "STATE_NAMES",
    "TIME_NAMES",
    "Experiment",
    "Progress",
    "Result",
    "RmseRow",
    "Run",
    "State",
    "check",
    "compute",
    "demo",
    "drawn_path",
    "export_columns",
    "iter_run",
    "measure",
    "motion_model",
    "new_dropout",
    "preset",
    "resampled_steps",
    "rmse",
    "rmse_row",
    "track_from_table",
    "weight_classes",
]
