"""Run lessons headless, top to bottom, and report every cell that fails; exit 1 if any did.

    python scripts/run_lessons.py notebooks/                # every lesson
    python scripts/run_lessons.py notebooks/03_pose.ipynb   # one

Runs each notebook with a plain ``nbclient.NotebookClient`` (what nbconvert and
papermill use) in a kernel of the Python that runs this script, in the
notebook's own folder. Used to run the lessons in the Colab-shaped environment.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def run(path: Path, timeout: int) -> list[str]:
    """Execute one notebook; return a line per failing cell (empty when all ran)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return [f"{path.name} cell {i}: {o.ename}: {o.evalue}"[:500]
            for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    notebooks = []
    for p in args.paths:
        notebooks += sorted(p.glob("[0-9][0-9]_*.ipynb")) if p.is_dir() else [p]
    failures = []
    for nb in notebooks:
        start = time.perf_counter()
        errors = run(nb, args.timeout)
        print(f"{nb.name}: {'ok' if not errors else 'FAILED'} in {time.perf_counter() - start:.1f} s", flush=True)
        failures += errors
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
