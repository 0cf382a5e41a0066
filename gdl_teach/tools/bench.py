"""Run lessons and measure them: wall time and the kernel's peak memory."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run_notebook(path: str | Path, timeout: int = 600, cold: bool = True) -> dict[str, float | str]:
    """Execute one notebook in a fresh kernel; return its wall time and peak memory.

    Runs in a child process so that ``RUSAGE_CHILDREN`` after the kernel exits
    is the kernel's own peak resident memory.

    Args:
        path: the notebook file.
        timeout: seconds allowed per cell.
        cold: run with an empty cache folder, as a learner's first run does
            (generated data is rebuilt); ``False`` uses the normal cache.

    Returns:
        ``{"notebook", "seconds", "peak_mib", "status"}``.
    """
    path = Path(path)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds per cell, got {timeout!r}")
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="gdl-teach-bench-") as empty_cache:
        if cold:
            env["GDL_TEACH_CACHE"] = empty_cache
        proc = subprocess.run(
            [sys.executable, "-m", "gdl_teach.tools.bench", str(path.resolve()), str(timeout)],
            capture_output=True, text=True, check=False, env=env,
        )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"notebook": path.name, "seconds": float("nan"), "peak_mib": float("nan"),
                "status": "error: " + " | ".join(tail)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def notebook_client(nb: Any, workdir: str | Path, timeout: int = 600, allow_errors: bool = False) -> Any:
    """A plain ``nbclient.NotebookClient`` for running a lesson headless, as nbconvert and papermill do.

    The explorers write their figures straight into their Output widget's
    state (:mod:`gdl_teach.viz.explorer` says why), so nbclient's imitation of
    the Output widget is never engaged and nothing needs turning off here.
    """
    from nbclient import NotebookClient

    return NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                          resources={"metadata": {"path": str(workdir)}})


def _execute_here(path: Path, timeout: int) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path.parent, timeout=timeout)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"notebook": path.name, "seconds": round(seconds, 1),
                      "peak_mib": round(peak_kib / 1024, 0), "status": "ok"}))


def format_table(rows: list[dict[str, float | str]], budget_s: float = 90, budget_mib: float = 2048) -> str:
    """A plain-text table of bench results, with the per-lesson budget verdict."""
    lines = [f"{'notebook':<40} {'seconds':>8} {'peak MiB':>9}  verdict", "-" * 72]
    for r in rows:
        ok = r["status"] == "ok" and float(r["seconds"]) <= budget_s and float(r["peak_mib"]) <= budget_mib
        verdict = "within budget" if ok else ("OVER BUDGET" if r["status"] == "ok" else str(r["status"])[:60])
        lines.append(f"{r['notebook']:<40} {float(r['seconds']):>8.1f} {float(r['peak_mib']):>9.0f}  {verdict}")
    lines.append(f"budget: {budget_s:.0f} s and {budget_mib:.0f} MiB per lesson; cpu threads: {os.cpu_count()}")
    return "\n".join(lines)


if __name__ == "__main__":
    _execute_here(Path(sys.argv[1]), int(sys.argv[2]))
