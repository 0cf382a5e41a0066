"""The repository launches on Binder / JupyterHub without edits: repo2docker's inputs, and postBuild run for real.

What repo2docker reads is checked here (environment.yml at the root, nothing that would shadow it, an executable
postBuild whose commands work). postBuild is run in a copy of the repository with ``python -m pip`` stubbed (so
nothing is installed into the test environment); its other commands, the student editions and the doctor, run
for real. The last test renders repo2docker's Dockerfile with ``jupyter-repo2docker --no-build --no-run`` (no
Docker needed) and checks that it installs environment.yml and runs postBuild. The pip extra ``test`` installs
repo2docker (extra ``hosting``), so ``make test`` and CI run it; it is looked up next to this Python, then on PATH,
or named by ``GDL_TEACH_REPO2DOCKER``, and the test is skipped only where none is installed (outside CI).
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml  # type: ignore[import-untyped]

from tests.conftest import NOTEBOOKS, ROOT

POSTBUILD = ROOT / "postBuild"
#: Files that make repo2docker ignore environment.yml at the root (a binder folder, or a Dockerfile).
SHADOWS = ["binder", ".binder", "Dockerfile"]


def test_environment_yml_is_what_repo2docker_reads() -> None:
    present = [name for name in SHADOWS if (ROOT / name).exists()]
    assert not present, f"{present} would make repo2docker ignore the root environment.yml"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "pip" in deps and any(d.startswith("python") for d in deps)
    assert any(d.startswith("jupyterlab") for d in deps), "the hub's notebook server comes from environment.yml"


def test_postbuild_is_an_executable_strict_bash_script() -> None:
    assert POSTBUILD.exists(), "postBuild is missing at the repository root"
    assert os.stat(POSTBUILD).st_mode & stat.S_IXUSR, "postBuild must be executable (chmod +x postBuild)"
    text = POSTBUILD.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    proc = subprocess.run(["bash", "-n", str(POSTBUILD)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    ignore = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "student", "build"} <= set(ignore), "local environments and outputs stay out of the image"


@pytest.mark.slow
def test_postbuild_installs_the_kit_and_builds_the_student_editions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", repo / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(POSTBUILD, repo / "postBuild")
    stubs, calls = tmp_path / "bin", tmp_path / "pip-calls.txt"
    stubs.mkdir()
    # `python -m pip ...` is recorded, anything else runs this Python; `gdl-teach` is the kit's CLI of this Python
    (stubs / "python").write_text(
        f'#!/usr/bin/env bash\nif [ "$1 $2" = "-m pip" ]; then echo "$@" >> {calls}; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n')
    (stubs / "gdl-teach").write_text(f'#!/usr/bin/env bash\nexec {sys.executable} -m gdl_teach.tools.cli "$@"\n')
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    env = dict(os.environ, PATH=f"{stubs}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["./postBuild"], cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"postBuild failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert calls.read_text().split() == ["-m", "pip", "install", "--no-cache-dir", "--no-deps", "-e", "."]
    written = sorted(p.name for p in (repo / "student").glob("*.ipynb"))
    assert written == [p.name for p in NOTEBOOKS], "one student edition per lesson"
    for path in (repo / "student").glob("*.ipynb"):
        sources = [c.source for c in nbformat.read(path, as_version=4).cells]
        assert not any("### BEGIN SOLUTION" in s for s in sources), f"{path.name} still holds a solution"
    assert "Everything the lessons need is here" in proc.stdout, proc.stdout[-3000:]  # the doctor's verdict


def _repo2docker() -> str | None:
    named = os.environ.get("GDL_TEACH_REPO2DOCKER", "").strip()
    beside = Path(sys.executable).parent / "jupyter-repo2docker"
    return named or (str(beside) if beside.exists() else None) or shutil.which("jupyter-repo2docker")


def test_repo2docker_renders_a_dockerfile_that_uses_environment_yml_and_postbuild() -> None:
    tool = _repo2docker()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("jupyter-repo2docker is missing; the pip extra `test` installs it (make setup)")
        pytest.skip("jupyter-repo2docker is not installed (pip extra `hosting`; see the docstring)")
    proc = subprocess.run([tool, "--no-build", "--no-run", str(ROOT)], capture_output=True, text=True, timeout=300,
                          check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in out, out[-3000:]
    assert "RUN ./postBuild" in out
