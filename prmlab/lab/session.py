""".prmlab session files: every panel's experiment state, saved so it reopens exactly.

A session is a zip archive (stored, not compressed: float data barely compress and a
million points must save in well under a second) holding

- ``manifest.json``: ``{"format_version": int, "app_version": str, "current": panel name,
  "panels": {name: {"version": int, "state": tree}}, "arrays": {member: {"sha256": hex,
  "dtype": str, "shape": [int]}}, "extras": {key: tree}}`` (``extras``: what window
  features keep, e.g. presenter mode's pen strokes; optional, so files without it open and
  older apps ignore it);
- ``arrays/<k>.npy``: each NumPy array of the states, loaded with ``allow_pickle=False``,
  so a session from a stranger never executes code, and checked against its digest.

A state tree is JSON made of dicts with string keys, lists, strings, booleans, ``None``,
integers, floats and arrays. JSON has no ∞ or NaN (Python's ``json`` writes non-standard
``Infinity``), so a non-finite float is stored as ``{"$float": "inf" | "-inf" | "nan"}``
and an array as ``{"$array": member}``; tuples come back as lists.

Each panel's state carries its own ``version``: a file written by an older prmlab is
migrated forward one version at a time by the functions registered with
``register_migration`` (as Orange's ``migrate_settings``); a file newer than this app, in
its format or in a panel's version, is refused rather than misread.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from prmlab import __version__

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUFFIX = ".prmlab"

# What a well-formed session can hold; beyond these it is damaged or hostile (a zip or JSON
# bomb), and is refused before anything large is read.
MAX_MEMBERS = 10_000
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_ARRAY_BYTES = 2 * 2**30
MAX_TOTAL_BYTES = 8 * 2**30
MAX_DEPTH = 64

Migration = Callable[[dict], dict]
_MIGRATIONS: dict[tuple[str, int], Migration] = {}


class SessionError(ValueError):
    """A session file that cannot be read or written; the message says why, in words."""


@dataclass(frozen=True)
class PanelState:
    """One panel's saved state: its tree (arrays included) and the version it was saved in."""

    version: int
    state: dict[str, Any]


@dataclass(frozen=True)
class Session:
    """Every panel's state and which panel is shown."""

    panels: dict[str, PanelState] = field(default_factory=dict)
    current: str | None = None
    app_version: str = __version__
    # window features' own trees by key (presenter mode's strokes): optional in the file
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)


def register_migration(panel: str, from_version: int, migrate: Migration) -> None:
    """Register ``migrate(state) -> state`` taking ``panel``'s state from ``from_version`` to
    ``from_version + 1``."""
    _MIGRATIONS[(panel, int(from_version))] = migrate


# -- writing -----------------------------------------------------------------------------
def save_session(path: str | os.PathLike, session: Session) -> Path:
    """Write ``session`` to ``path`` through a temporary file and an atomic rename, so a
    crash or a full disk never leaves half a file in place of the user's last good one."""
    target = Path(path)
    arrays: dict[str, np.ndarray] = {}
    panels = {
        name: {"version": int(p.version), "state": _encode(p.state, arrays, f"{name}")}
        for name, p in session.panels.items()
    }
    extras = {key: _encode(tree, arrays, f"extras.{key}") for key, tree in session.extras.items()}
    index = {}
    for member, array in arrays.items():
        index[member] = {
            "sha256": _digest(array),
            "dtype": array.dtype.str,
            "shape": list(array.shape),
        }
    manifest = {
        "format_version": FORMAT_VERSION,
        "app_version": session.app_version,
        "current": session.current,
        "panels": panels,
        "arrays": index,
    }
    if extras:
        manifest["extras"] = extras
    text = json.dumps(manifest, allow_nan=False, ensure_ascii=False, indent=1)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".prmlab-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise SessionError(f"cannot write a session in {target.parent}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            archive.writestr(MANIFEST, text.encode("utf-8"))
            for member, array in arrays.items():
                with archive.open(member, "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, array, allow_pickle=False)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SessionError(f"cannot write the session {target}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _encode(value: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise SessionError(f"{where}: arrays of Python objects cannot be saved")
        member = f"arrays/{len(arrays)}.npy"
        arrays[member] = np.ascontiguousarray(value)
        return {"$array": member}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isfinite(value):
            return value
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("$"):
                raise SessionError(f"{where}: a state's keys must be plain strings, got {key!r}")
            out[key] = _encode(item, arrays, f"{where}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [_encode(item, arrays, f"{where}[{i}]") for i, item in enumerate(value)]
    raise SessionError(f"{where}: a {type(value).__name__} cannot be saved in a session")


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).data).hexdigest()


# -- reading -----------------------------------------------------------------------------
def load_session(path: str | os.PathLike) -> Session:
    """Read a session; a damaged, hostile or too-new file raises ``SessionError`` saying why
    (the caller's current work is untouched: nothing is returned until all of it is read)."""
    source = Path(path)
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError as exc:
        raise SessionError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise SessionError(f"{source} is a folder, not a session file") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise SessionError(f"{source.name} is not a prmlab session (not a zip archive)") from exc
    with archive:
        manifest = _read_manifest(archive, source.name)
        arrays = _read_arrays(archive, manifest, source.name)
        panels = {}
        for name, entry in manifest["panels"].items():
            if not isinstance(entry, dict) or not isinstance(entry.get("version"), int):
                raise SessionError(f"{source.name}: the {name!r} panel's entry is malformed")
            state = _decode(entry.get("state"), arrays, source.name)
            if not isinstance(state, dict):
                raise SessionError(f"{source.name}: the {name!r} panel's state is malformed")
            panels[name] = PanelState(entry["version"], state)
        extras = _decode(manifest.get("extras", {}), arrays, source.name)
    if not isinstance(extras, dict) or not all(isinstance(t, dict) for t in extras.values()):
        raise SessionError(f"{source.name}: its extras (pen strokes, ...) are malformed")
    current = manifest.get("current")
    if current is not None and not isinstance(current, str):
        raise SessionError(f"{source.name}: the shown panel's name is malformed")
    return Session(
        panels=panels, current=current, app_version=str(manifest["app_version"]), extras=extras
    )


def migrate(panel: str, saved: PanelState, version: int) -> dict[str, Any]:
    """``saved``'s state brought to ``version`` by the registered migrations; a state newer
    than ``version`` (saved by a later prmlab) is refused."""
    if saved.version > version:
        raise SessionError(
            f"the {panel} panel was saved by a newer prmlab (its version {saved.version}, "
            f"this app reads up to {version}): update prmlab to open it"
        )
    state = saved.state
    for v in range(saved.version, version):
        step = _MIGRATIONS.get((panel, v))
        if step is None:
            raise SessionError(f"no way to bring the {panel} panel's state from version {v}")
        state = step(state)
    return state


def _read_manifest(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SessionError(f"{name} holds {len(infos):,} files; a session holds far fewer")
    total = 0
    for info in infos:
        member = PurePosixPath(info.filename)
        if member.is_absolute() or ".." in member.parts or "\\" in info.filename:
            raise SessionError(f"{name} holds a file outside the session ({info.filename!r})")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise SessionError(f"{name} would unpack to {total / 2**30:.1f} GiB: refused")
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError as exc:
        raise SessionError(f"{name} is not a prmlab session (it has no {MANIFEST})") from exc
    if info.file_size > MAX_MANIFEST_BYTES:
        raise SessionError(f"{name}: its {MANIFEST} is {info.file_size / 2**20:.0f} MB: refused")
    try:
        raw = archive.read(MANIFEST)
        manifest = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SessionError(f"{name} is damaged (truncated or corrupt): {exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise SessionError(f"{name}: its {MANIFEST} is not valid JSON") from exc
    if not isinstance(manifest, dict) or _depth(manifest) > MAX_DEPTH:
        raise SessionError(f"{name}: its {MANIFEST} is malformed")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SessionError(f"{name}: its {MANIFEST} has no integer format_version")
    if version > FORMAT_VERSION:
        raise SessionError(
            f"{name} was written by a newer prmlab ({manifest.get('app_version', '?')}, "
            f"format {version}; this app reads up to {FORMAT_VERSION}): update prmlab to open it"
        )
    if version < 1:
        raise SessionError(f"{name}: format_version must be >= 1, got {version}")
    for key, kind in (("panels", dict), ("arrays", dict), ("app_version", str)):
        if not isinstance(manifest.get(key), kind):
            raise SessionError(f"{name}: its {MANIFEST} has no valid {key!r}")
    return manifest


def _no_constant(token: str) -> Any:
    raise ValueError(f"non-standard JSON constant {token}")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _read_arrays(
    archive: zipfile.ZipFile, manifest: dict[str, Any], name: str
) -> dict[str, np.ndarray]:
    arrays = {}
    for member, meta in manifest["arrays"].items():
        if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str):
            raise SessionError(f"{name}: the entry of {member!r} is malformed")
        try:
            info = archive.getinfo(member)
        except KeyError as exc:
            raise SessionError(f"{name}: the array {member!r} is missing") from exc
        if info.file_size > MAX_ARRAY_BYTES:
            raise SessionError(f"{name}: the array {member!r} is too large to be real")
        try:
            with archive.open(info) as handle:
                array = _read_npy(handle, info.file_size)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise SessionError(f"{name}: the array {member!r} is damaged ({exc})") from exc
        if _digest(array) != meta["sha256"]:
            raise SessionError(f"{name}: the array {member!r} does not match its digest")
        arrays[member] = array
    return arrays


def _read_npy(handle: Any, stored_bytes: int) -> np.ndarray:
    """An .npy member, its header checked before its data are read: no pickled objects, and
    a shape that fits in the bytes actually stored (a header cannot claim terabytes)."""
    version = np.lib.format.read_magic(handle)
    read_header = {
        (1, 0): np.lib.format.read_array_header_1_0,
        (2, 0): np.lib.format.read_array_header_2_0,
    }.get(version)
    if read_header is None:
        raise ValueError(f"unknown .npy version {version}")
    shape, fortran, dtype = read_header(handle)
    if dtype.hasobject:
        raise ValueError("it holds Python objects, which a session never does")
    count = math.prod(shape)
    if count * dtype.itemsize > stored_bytes:
        raise ValueError(f"its header claims {shape} of {dtype}, more than the stored bytes")
    data = handle.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise ValueError("it is truncated")
    array = np.frombuffer(bytearray(data), dtype=dtype, count=count)  # writable, one copy
    return array.reshape(shape, order="F" if fortran else "C")


def _decode(value: Any, arrays: dict[str, np.ndarray], name: str) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$array"}:
            member = value["$array"]
            if member not in arrays:
                raise SessionError(f"{name}: a state names an array that is not listed")
            return arrays[member]
        if set(value) == {"$float"}:
            token = value["$float"]
            if token not in ("inf", "-inf", "nan"):
                raise SessionError(f"{name}: {token!r} is not a non-finite float")
            return float(token)
        return {key: _decode(item, arrays, name) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item, arrays, name) for item in value]
    return value
