"""The base of every topic's State: a frozen dataclass that round-trips through plain data.

A State holds everything that decides what a panel shows (data, parameters, seed, the
stepper's position) and nothing else. ``to_dict()`` gives a tree of plain values and NumPy
arrays that ``prmlab.lab.session`` stores; ``from_dict()`` rebuilds the State, checking
every field, so a session file can never smuggle in a value of the wrong kind.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any, ClassVar, Self, Union

import numpy as np


@dataclasses.dataclass(frozen=True, eq=False)
class LabState:
    """Subclass as ``@dataclass(frozen=True, eq=False) class State(LabState)``.

    Fields may be ``bool``, ``int``, ``float`` (∞ and NaN allowed), ``str``, ``None``,
    ``np.ndarray``, tuples of those, nested ``LabState`` dataclasses, and ``X | None`` of
    any of them. ``VERSION`` is raised when fields change meaning, with a migration
    registered in ``prmlab.lab.session``; ``TOPIC`` is the panel's name.
    """

    TOPIC: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    def to_dict(self) -> dict[str, Any]:
        """Every field, as plain values and arrays (nested States as dicts)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The State that ``to_dict`` gave ``data``; a missing, unknown or ill-typed field
        raises ``ValueError`` naming it."""
        if not isinstance(data, dict):
            raise ValueError(
                f"{cls.__name__}: expected a mapping of fields, got {type(data).__name__}"
            )
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls) if f.init}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
        values = {}
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            if f.name not in data:
                if (
                    f.default is not dataclasses.MISSING
                    or f.default_factory is not dataclasses.MISSING
                ):
                    continue
                raise ValueError(f"{cls.__name__}: the field {f.name!r} is missing")
            values[f.name] = _typed(data[f.name], hints[f.name], f"{cls.__name__}.{f.name}")
        return cls(**values)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``; the State itself never changes."""
        return dataclasses.replace(self, **changes)

    def same_as(self, other: object) -> bool:
        """Field-by-field equality, arrays compared by value (NaN equal to NaN)."""
        return type(other) is type(self) and _same(self.to_dict(), other.to_dict())


def _plain(value: Any) -> Any:
    if isinstance(value, LabState):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def _typed(value: Any, hint: Any, where: str) -> Any:
    """``value`` converted to the annotated type ``hint``, or ValueError naming ``where``."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _typed(value, option, where)
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError(errors[0] if errors else f"{where}: None is not allowed")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            raise ValueError(f"{where}: expected {len(args)} values, got {len(value)}")
        return tuple(_typed(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if hint is Any:
        return value
    if isinstance(hint, type) and issubclass(hint, LabState):
        return hint.from_dict(value)
    if hint is np.ndarray:
        if not isinstance(value, np.ndarray) or value.dtype.hasobject:
            raise ValueError(f"{where}: expected a numeric array, got {type(value).__name__}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}: expected a whole number, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ValueError(f"{where}: expected text, got {type(value).__name__}")
        return value
    raise TypeError(f"{where}: fields of type {hint!r} cannot be stored in a State")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b
