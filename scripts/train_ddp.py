#!/usr/bin/env python
"""Train lesson 06's molecule GNN with DistributedDataParallel: the same script for 1 or N processes.

    python scripts/train_ddp.py --epochs 5                                # one process
    torchrun --nproc_per_node=2 scripts/train_ddp.py --epochs 5           # two processes on this machine (gloo on CPUs)
    torchrun --nnodes=2 --nproc_per_node=4 --node_rank=R \\
        --rdzv-backend=c10d --rdzv-endpoint=HOST:29500 scripts/train_ddp.py --epochs 5   # on each of two machines

Options: ``python scripts/train_ddp.py --help``. Rank 0 prints the log and writes
``--out-dir`` (default ``runs/ddp``): ``checkpoint.pt`` after every epoch and ``log.json``.
See docs/scaling.md and notebooks/appendix_scaling.ipynb.
"""
import sys

from gdl_teach.tools.train_ddp import main

if __name__ == "__main__":
    sys.exit(main())
