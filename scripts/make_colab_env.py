"""Build (or reuse) a virtual environment shaped like Google Colab, to run the lessons in it.

    python scripts/make_colab_env.py .venv-colab [--torch-spec "torch==2.13.0"]

The environment holds what Colab ships that the kit relies on
(``gdl_teach.tools.colab.COLAB_PROVIDED``, torch included, plus ipykernel and
nbclient to run notebooks), then exactly what a lesson's install cell installs:
the kit itself with ``--no-deps``, then ``COLAB_MISSING`` with their
dependencies. Nothing else: no JupyterLab, nbval, pytest or Playwright.
A stamp records the lists and pyproject.toml; a second call with the same
lists returns at once. Needs the package index (run it before going offline).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNNER = ["ipykernel", "nbclient", "nbformat"]  # what any notebook front end brings to run a kernel


def _stamp(torch_spec: str) -> str:
    from gdl_teach.tools import colab

    blob = json.dumps({"provided": colab.COLAB_PROVIDED, "missing": colab.COLAB_MISSING, "torch": torch_spec,
                       "runner": RUNNER, "pyproject": (ROOT / "pyproject.toml").read_text()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _pip(python: Path, *args: str) -> None:
    subprocess.run([str(python), "-m", "pip", "install", "--progress-bar", "off", "-q", *args], check=True)


def build(folder: Path, torch_spec: str) -> Path:
    """Create the environment in ``folder`` unless its stamp is current; return its python."""
    from gdl_teach.tools import colab

    python = folder / "bin" / "python"
    stamp_file, stamp = folder / ".colab-stamp", _stamp(torch_spec)
    if python.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        print(f"{folder}: up to date")
        return python
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    provided = [p for p in colab.COLAB_PROVIDED if p != "torch"]
    _pip(python, torch_spec)  # Colab's own torch; here the CPU build a plain pin takes on this machine
    _pip(python, *provided, *RUNNER)
    _pip(python, "--no-deps", "-e", str(ROOT))  # the install cell: the kit without its dependencies...
    _pip(python, *colab.COLAB_MISSING)  # ...then only what Colab lacks
    stamp_file.write_text(stamp)
    print(f"{folder}: built")
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--torch-spec", default="torch==2.13.0")
    args = parser.parse_args(argv)
    build(args.folder.resolve(), args.torch_spec)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
