"""The kit's one cache folder for generated data, in a format that cannot run code.

Generated data (simulated outbreaks, Monte Carlo estimates) is slow to make
and cheap to keep. :func:`cached` stores it under :func:`cache_dir`, keyed by

* a name and every parameter the data depends on,
* the kit's version and the source code of the module that builds it, so a
  change to the generator invalidates what the old code wrote,
* the versions of the libraries that produce it (EoN, RDKit, ...).

Files are written with ``torch.save`` and read with ``torch.load(...,
weights_only=True)``, which only rebuilds tensors and plain containers: a
planted file cannot run code, unlike ``pickle``. Values must therefore be
plain data (tensors, NumPy arrays of numbers or bools, numbers, strings,
``None``, and lists, tuples and dicts of these); a lesson that caches its own
objects passes ``encode``/``decode`` functions to and from plain data.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch

T = TypeVar("T")

__all__ = ["cache_dir", "cache_key", "cached", "to_plain", "from_plain"]

_NDARRAY = "__ndarray__"  # marks a NumPy array stored as a tensor
_TUPLE = "__tuple__"  # marks a tuple (torch.load gives tuples back, but be explicit)


def cache_dir() -> Path:
    """Return the kit's one cache folder, creating it if needed.

    ``GDL_TEACH_CACHE`` overrides the default ``~/.cache/gdl-teach``.

    Raises:
        OSError: naming ``GDL_TEACH_CACHE`` when the folder cannot be created or written.
    """
    root = os.environ.get("GDL_TEACH_CACHE", "").strip()
    path = Path(root).expanduser() if root else Path.home() / ".cache" / "gdl-teach"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(f"the cache folder {path} cannot be created ({err.strerror}); set GDL_TEACH_CACHE to a "
                      "writable folder") from None
    if not os.access(path, os.W_OK):
        raise OSError(f"the cache folder {path} is not writable; set GDL_TEACH_CACHE to a writable folder")
    return path


def _versions(libraries: Sequence[str]) -> dict[str, str]:
    try:
        kit = metadata.version("gdl-teach")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        kit = "source"
    out = {"gdl-teach": kit}
    for lib in libraries:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "not installed"
    return out


def _source_hash(build: Callable[..., Any]) -> str:
    """A hash of the source of the module that defines ``build`` (empty when it has none, e.g. in a notebook)."""
    module = inspect.getmodule(build)
    try:
        source = inspect.getsource(module) if module is not None else ""
    except (OSError, TypeError):
        source = ""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def cache_key(name: str, params: dict[str, Any], versions: dict[str, str] | None = None) -> str:
    """A file name for a cached object: ``name`` plus a hash of its parameters and code/library versions."""
    if not isinstance(name, str) or not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"name must be a non-empty identifier-like string, got {name!r}")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of the parameters the value depends on, got {type(params).__name__}")
    blob = json.dumps({"params": params, "versions": versions or {}}, sort_keys=True, default=repr).encode()
    return f"{name}-{hashlib.sha256(blob).hexdigest()[:16]}.pt"


def to_plain(value: Any, where: str = "value") -> Any:
    """Turn ``value`` into what ``torch.load(weights_only=True)`` can read back (NumPy arrays become tensors)."""
    if value is None or isinstance(value, (bool, int, float, str, torch.Tensor)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind in "USV":
            raise TypeError(f"{where} is a NumPy array of dtype {value.dtype}; the cache stores numeric arrays only")
        return {_NDARRAY: torch.from_numpy(np.ascontiguousarray(value))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {_TUPLE: [to_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [to_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        if not all(isinstance(k, (str, int)) for k in value):
            raise TypeError(f"{where} has keys that are not str or int; the cache stores plain dicts only")
        return {k: to_plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise TypeError(f"{where} is a {type(value).__name__}; the cache stores tensors, arrays, numbers, strings and "
                    "lists/tuples/dicts of them: pass encode=/decode= to cached() for other objects")


def from_plain(value: Any) -> Any:
    """Undo :func:`to_plain`."""
    if isinstance(value, dict):
        if set(value) == {_NDARRAY}:
            return value[_NDARRAY].numpy()
        if set(value) == {_TUPLE}:
            return tuple(from_plain(v) for v in value[_TUPLE])
        return {k: from_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    return value


def cached(
    name: str,
    params: dict[str, Any],
    build: Callable[[], T],
    *,
    libraries: Sequence[str] = (),
    encode: Callable[[T], Any] | None = None,
    decode: Callable[[Any], T] | None = None,
) -> T:
    """Return ``build()``, cached on disk under :func:`cache_dir`.

    The key holds ``name``, ``params``, the kit's version, a hash of the source
    of the module that defines ``build`` and the versions of ``libraries``. A
    file that fails to load (truncated, corrupted, planted, written by other
    code) is rebuilt, never trusted; nothing in it can run code.

    Args:
        name: short name of what is cached, e.g. ``"sir_runs"``.
        params: every parameter the result depends on (JSON-serialisable).
        build: zero-argument function that computes the result.
        libraries: distribution names whose versions change the result, e.g. ``("EoN",)``.
        encode: turns the result into plain data (default: the result must be plain).
        decode: turns plain data back into the result.
    """
    if not callable(build):
        raise TypeError(f"build must be a zero-argument function, got {type(build).__name__}")
    versions = {**_versions(libraries), "code": _source_hash(build)}
    path = cache_dir() / cache_key(name, params, versions)
    stamp = json.loads(json.dumps({"params": params, "versions": versions}, sort_keys=True, default=repr))
    if path.exists():
        try:
            stored = torch.load(path, weights_only=True)
            if isinstance(stored, dict) and stored.get("stamp") == stamp:
                plain = from_plain(stored["value"])
                return decode(plain) if decode is not None else plain
        except Exception:  # noqa: BLE001 - any failure to load means rebuild
            pass
    value = build()
    plain = to_plain(encode(value) if encode is not None else value)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        torch.save({"stamp": stamp, "value": plain}, tmp)
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OSError(f"cannot write the cache file {path} ({err.strerror}); set GDL_TEACH_CACHE to a writable "
                      "folder") from None
    return value
