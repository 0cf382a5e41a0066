"""Every lesson runs in an environment built like Colab's, offline.

The environment (``.venv-colab``, built by ``make colab-env`` through
``scripts/make_colab_env.py``) holds only what Colab ships that the kit relies
on (``COLAB_PROVIDED``) plus what a lesson's install cell adds (the kit with
``--no-deps``, then ``COLAB_MISSING``): no JupyterLab of the kit's own, no nbval,
pytest or Playwright. Each lesson is executed there headlessly, top to bottom;
any cell error fails the test, so a lesson that needs a package Colab lacks
fails until ``gdl_teach/tools/colab.py`` says how Colab gets it. New lessons are
covered automatically, and so is the appendix, which has a Colab badge too.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gdl_teach.tools import colab
from tests.conftest import NOTEBOOKS, ROOT

pytestmark = pytest.mark.slow
COLAB_PYTHON = ROOT / ".venv-colab" / "bin" / "python"


def _colab_python() -> str:
    if not COLAB_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail("the Colab-shaped environment is missing: `make test` builds it with `make colab-env`")
        pytest.skip("no .venv-colab here: run `make colab-env` (needs the package index) to build it")
    return str(COLAB_PYTHON)


def test_the_colab_environment_has_no_test_tools() -> None:
    python = _colab_python()
    code = ("import importlib.util, sys; missing = [m for m in ('nbval', 'pytest', 'playwright') "
            "if importlib.util.find_spec(m) is None]; print(','.join(missing))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "nbval,pytest,playwright", f"the Colab-shaped environment holds test tools: missing only {out!r}"
    installed = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True,
                               check=True).stdout.lower()
    for name in colab.COLAB_MISSING:
        assert name.lower() in installed, f"{name} from COLAB_MISSING is not installed in .venv-colab"


#: every notebook with a Colab badge: the lessons and the appendix
COLAB_NOTEBOOKS = NOTEBOOKS + sorted((ROOT / "notebooks").glob("appendix_*.ipynb"))


@pytest.mark.parametrize("path", COLAB_NOTEBOOKS, ids=[p.name for p in COLAB_NOTEBOOKS])
def test_lesson_runs_in_a_colab_shaped_environment(path, tmp_path) -> None:
    python = _colab_python()
    env = {k: v for k, v in os.environ.items() if k not in ("GDL_TEACH_LAB", "PYTHONHOME")}
    env["GDL_TEACH_CACHE"] = str(tmp_path / "cache")
    proc = subprocess.run([python, str(ROOT / "scripts" / "run_lessons.py"), str(path)], capture_output=True,
                          text=True, env=env, timeout=900)
    assert proc.returncode == 0, f"{path.name} failed in the Colab-shaped environment:\n{proc.stdout[-3000:]}" \
                                 f"\n{proc.stderr[-1500:]}"
    print(proc.stdout.strip().splitlines()[0], file=sys.stderr)
