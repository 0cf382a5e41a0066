"""Device choice, seeding and the kit's one cache folder."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import numpy as np
import torch

T = TypeVar("T")

_VALID_DEVICES = ("cpu", "cuda", "mps")


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the device a lesson runs on: CUDA, then Apple MPS, then the CPU.

    The environment variable ``GDL_TEACH_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``,
    ``mps``) overrides the automatic choice, so a learner with a GPU can still
    reproduce the CPU numbers of the lessons.

    Args:
        prefer: optional device string that overrides both the environment and
            the automatic choice.

    Returns:
        The chosen ``torch.device``.

    Raises:
        ValueError: when the requested device is not a known kind or is not
            available on this machine.
    """
    choice = prefer if prefer is not None else os.environ.get("GDL_TEACH_DEVICE", "").strip()
    if choice:
        kind = choice.split(":")[0]
        if kind not in _VALID_DEVICES:
            source = "prefer" if prefer is not None else "GDL_TEACH_DEVICE"
            raise ValueError(
                f"{source}={choice!r} is not a device; expected one of 'cpu', 'cuda', 'cuda:N' or 'mps'"
            )
        if kind == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device {choice!r} was requested but CUDA is not available on this machine")
        if kind == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise ValueError(f"device {choice!r} was requested but Apple MPS is not available on this machine")
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if hasattr(torch.backends, "mps") and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the enclosed block with at most ``n`` torch CPU threads, then restore the setting.

    Small graph models gain nothing from more threads, and on a busy 2-core
    machine two threads made them (and ``index_add_``) 7 to 20 times slower.
    ``None`` leaves torch's setting alone.

    Args:
        n: the thread limit (>= 1), or ``None``.
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"n must be a positive int or None, got {n!r}")
    before = torch.get_num_threads()
    limit = n is not None and before > n
    if limit:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if limit:
            torch.set_num_threads(before)


def seed_everything(seed: int = 0) -> int:
    """Seed Python, NumPy and PyTorch (CPU and CUDA) so a lesson repeats its numbers.

    Args:
        seed: a non-negative integer.

    Returns:
        The seed, so a cell can print what it used.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0 or seed > 2**32 - 1:
        raise ValueError(f"seed must be in [0, 2**32 - 1], got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return seed


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
