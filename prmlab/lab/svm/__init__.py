"""The SVM lab (no Qt): labelled 2-D points and the kernel's parameters as a saveable State,
the engine's SMO fitted whole or replayed from α = 0 frame by frame (``Experiment``), the
decision map with its level lines, the margin's width and the support vectors' table.

>>> from prmlab.lab import svm
>>> exp = svm.Experiment(svm.preset("Moons", seed=0))
>>> fit = exp.fit()
>>> frame = exp.reset(); frame = exp.step()  # SMO from α = 0, one pair update
>>> exp.state.position, frame.pair  # doctest: +SKIP
"""

from prmlab.lab.svm._analysis import (
    MarginArrow,
    TablePoints,
    margin_arrow,
    same_fit,
    same_points,
    scale_note,
    support_vector_table,
    table_points,
)
from prmlab.lab.svm._contours import contour_segments
from prmlab.lab.svm._experiment import (
    GRID,
    KERNELS,
    LEVELS,
    NEG,
    POS,
    PRESET_AXES,
    PRESET_CLASSES,
    PRESET_KERNEL,
    PRESETS,
    Experiment,
    Result,
    State,
    TooFewClasses,
    check,
    demo,
    map_extent,
    points_range,
    preset,
    preset_points,
    view_of,
)

__all__ = [
    "GRID",
    "KERNELS",
    "LEVELS",
    "NEG",
    "POS",
    "PRESETS",
    "PRESET_AXES",
    "PRESET_CLASSES",
    "PRESET_KERNEL",
    "Experiment",
    "MarginArrow",
    "Result",
    "State",
    "TablePoints",
    "TooFewClasses",
    "check",
    "contour_segments",
    "demo",
    "map_extent",
    "margin_arrow",
    "points_range",
    "preset",
    "preset_points",
    "same_fit",
    "same_points",
    "scale_note",
    "support_vector_table",
    "table_points",
    "view_of",
]
