"""The command line of :mod:`gdl_teach.tools.distributed`, and the ``torchrun`` command that starts it locally.

``scripts/train_ddp.py`` and ``python -m gdl_teach.tools.train_ddp`` run
:func:`main`; ``torchrun`` runs it once per process::

    torchrun --nproc_per_node=2 scripts/train_ddp.py --num-molecules 256 --batch-size 16 --epochs 5

Every field of :class:`~gdl_teach.tools.distributed.DDPConfig` is an option
(``--batch-size``, ``--lr-rule``, ``--out-dir``, ``--resume``, ...), plus ``--threads``.
"""
from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

import torch

from gdl_teach.core.validate import check_int
from gdl_teach.tools.distributed import DDPConfig, close_distributed, init_distributed, train

__all__ = ["free_port", "config_arguments", "torchrun_command", "parse_arguments", "main"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for ``--master_port`` of a local run)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_arguments(config: DDPConfig) -> list[str]:
    """``config`` as command-line options of :func:`main` (``["--num-molecules", "256", ...]``).

    Args:
        config: the run's settings.
    """
    args = []
    for f in fields(config):
        value = getattr(config, f.name)
        flag = "--" + f.name.replace("_", "-")
        if isinstance(value, bool):
            args += [flag] if value else []
        else:
            args += [flag, str(value)]
    return args


def torchrun_command(arguments: Sequence[str], nproc: int = 2, port: int | None = None,
                     script: str | Path | None = None) -> list[str]:
    """The command that starts ``nproc`` training processes on this machine with ``torchrun``, over 127.0.0.1.

    Args:
        arguments: options of :func:`main` (e.g. from :func:`config_arguments`).
        nproc: processes to start.
        port: the rendezvous port; default a free one.
        script: a script path such as ``scripts/train_ddp.py``; default this module (``-m``), which
            also works where the kit is installed without its repository (Colab).
    """
    check_int("nproc", nproc, min_value=1)
    target = [str(script)] if script is not None else ["-m", "gdl_teach.tools.train_ddp"]
    return [sys.executable, "-m", "torch.distributed.run", "--nnodes=1", f"--nproc_per_node={nproc}",
            "--master_addr=127.0.0.1", f"--master_port={port if port is not None else free_port()}",
            *target, *arguments]


def parse_arguments(argv: Sequence[str] | None = None) -> tuple[DDPConfig, int]:
    """Parse the command line of :func:`main` into ``(config, threads)``.

    Args:
        argv: the arguments (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description="Train lesson 06's molecule GNN on FreeSolv with "
                                     "DistributedDataParallel; start it with torchrun for several processes.")
    for f in fields(DDPConfig):
        flag = "--" + f.name.replace("_", "-")
        if isinstance(f.default, bool):
            parser.add_argument(flag, action="store_true", help=f"(default: {f.default})")
        else:
            parser.add_argument(flag, type=type(f.default), default=f.default, help=f"(default: {f.default})")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads per process (default: 1)")
    args = vars(parser.parse_args(argv))
    threads = check_int("threads", args.pop("threads"), min_value=1)
    return DDPConfig(**args), threads


def main(argv: Sequence[str] | None = None) -> int:
    """Train with the options in ``argv``, as one process or as one of the processes ``torchrun`` started.

    Args:
        argv: command-line options (default ``sys.argv[1:]``).

    Returns:
        The exit status, 0.
    """
    config, threads = parse_arguments(argv)
    torch.set_num_threads(threads)
    ctx = init_distributed()
    try:
        if ctx.is_main:
            print(f"{ctx.world_size} process(es), backend {ctx.backend or 'none (one process)'}, device {ctx.device}; "
                  f"global batch {ctx.world_size * config.batch_size} = {ctx.world_size} x {config.batch_size}",
                  flush=True)
        train(config, ctx)
    finally:
        close_distributed(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
