"""The linear-models lab (no Qt): points drawn or loaded as a saveable State, and per mode
the engine's fits: least squares against ridge and lasso (MLE and MAP) with coefficient
paths and the coefficient plane; the perceptron update by update; logistic regression
Newton step by Newton step; GDA and naive Bayes against logistic regression as N grows.

>>> from prmlab.lab import linear
>>> exp = linear.Experiment(linear.demo("perceptron"))
>>> first = exp.reset(); after = exp.step()  # one update: the point and w before/after
"""

from prmlab.lab.linear._experiment import N_STEP, Experiment, Result, TooFewClasses, check
from prmlab.lab.linear._generative import MODELS, GenerativeResult
from prmlab.lab.linear._geometry import extent_of, line_segment
from prmlab.lab.linear._logistic import LogisticResult, probability_at
from prmlab.lab.linear._perceptron import PerceptronResult
from prmlab.lab.linear._regression import (
    LASSO_RANGE,
    RIDGE_RANGE,
    CoefficientPlane,
    Projection,
    RegressionResult,
)
from prmlab.lab.linear._state import (
    CLASS_AXES,
    CLASS_NAMES,
    CLASS_PRESETS,
    DEMO_PRESETS,
    MAX_DEGREE,
    MODE_TITLES,
    MODES,
    PENALTIES,
    PRESETS,
    REGRESSION_AXES,
    REGRESSION_PRESETS,
    State,
    demo,
    preset,
    preset_points,
    presets_for,
)
from prmlab.lab.linear._table import from_table
from prmlab.lab.linear._tables import result_columns

__all__ = [
    "CLASS_AXES",
    "CLASS_NAMES",
    "CLASS_PRESETS",
    "DEMO_PRESETS",
    "LASSO_RANGE",
    "MAX_DEGREE",
    "MODELS",
    "MODES",
    "MODE_TITLES",
    "N_STEP",
    "PENALTIES",
    "PRESETS",
    "REGRESSION_AXES",
    "REGRESSION_PRESETS",
    "RIDGE_RANGE",
    "CoefficientPlane",
    "Experiment",
    "GenerativeResult",
    "LogisticResult",
    "PerceptronResult",
    "Projection",
    "RegressionResult",
    "Result",
    "State",
    "TooFewClasses",
    "check",
    "demo",
    "extent_of",
    "from_table",
    "line_segment",
    "preset",
    "preset_points",
    "presets_for",
    "probability_at",
    "result_columns",
]
