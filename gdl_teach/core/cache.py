"""The kit's one cache folder for generated data."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """Return the kit's one cache folder, creating it if needed.

    ``GDL_TEACH_CACHE`` overrides the default ``~/.cache/gdl-teach``.
    """
    root = os.environ.get("GDL_TEACH_CACHE", "").strip()
    path = Path(root).expanduser() if root else Path.home() / ".cache" / "gdl-teach"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(name: str, params: dict[str, Any]) -> str:
    """A file name for a cached object: ``name`` plus a hash of its parameters."""
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"name must be a non-empty identifier-like string, got {name!r}")
    blob = json.dumps(params, sort_keys=True, default=repr).encode()
    return f"{name}-{hashlib.sha256(blob).hexdigest()[:16]}.pkl"


def cached(name: str, params: dict[str, Any], build: Callable[[], T]) -> T:
    """Return ``build()``, cached on disk under :func:`cache_dir` keyed by ``params``.

    A cache file that fails to load (truncated, corrupted, written by an
    incompatible version) is rebuilt, never trusted.

    Args:
        name: short name of what is cached, e.g. ``"sir_runs"``.
        params: every parameter the result depends on (JSON-serialisable).
        build: zero-argument function that computes the result.
    """
    path = cache_dir() / cache_key(name, params)
    if path.exists():
        try:
            with path.open("rb") as fh:
                stored = pickle.load(fh)
            if isinstance(stored, dict) and stored.get("params") == json.loads(json.dumps(params, default=repr)):
                return stored["value"]
        except Exception:  # noqa: BLE001 - any failure to load means rebuild
            pass
    value = build()
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"params": json.loads(json.dumps(params, default=repr)), "value": value}, fh)
    tmp.replace(path)
    return value
