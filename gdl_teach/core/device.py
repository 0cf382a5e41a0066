"""Where the lessons run: the device, and how many CPU threads torch may use."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

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
def cpu_threads(num_threads: int | None) -> Iterator[None]:
    """Run the enclosed block with at most ``num_threads`` CPU threads, then restore the settings.

    The one place where the kit limits threads: torch's intra-op threads and
    the BLAS/OpenMP thread pools that NumPy, SciPy and scikit-learn use
    (through ``threadpoolctl``, which ships with scikit-learn). Small models
    and small solves gain nothing from more threads, and on a busy 2-core
    machine two threads made them (and ``index_add_``) 7 to 30 times slower.
    ``None`` leaves every setting alone.

    Args:
        num_threads: the thread limit (>= 1), or ``None``.
    """
    if num_threads is not None and (isinstance(num_threads, bool) or not isinstance(num_threads, int)
                                    or num_threads < 1):
        raise ValueError(f"num_threads must be a positive int or None, got {num_threads!r}")
    if num_threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    limit = before > num_threads
    if limit:
        torch.set_num_threads(num_threads)
    try:
        with threadpool_limits(limits=num_threads):
            yield
    finally:
        if limit:
            torch.set_num_threads(before)



def choose_setting(cpu: T, gpu: T, kind: str | None = None) -> T:
    """A lesson's one place for its CPU or GPU setting: ``gpu`` on CUDA, else ``cpu`` (the tested default).

    Args:
        cpu: the setting for a CPU (what the tests and the published numbers use).
        gpu: the larger setting for a CUDA GPU.
        kind: ``"cpu"`` or ``"gpu"`` to choose explicitly; ``None`` chooses by :func:`get_device`.
    """
    if kind is None:
        kind = "gpu" if get_device().type == "cuda" else "cpu"
    if kind not in ("cpu", "gpu"):
        raise ValueError(f"kind must be one of ['cpu', 'gpu'] or None, got {kind!r}")
    return gpu if kind == "gpu" else cpu
