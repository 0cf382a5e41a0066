"""pyproject.toml and environment.yml declare the same dependencies."""
from __future__ import annotations

import re

import tomllib
import yaml  # type: ignore[import-untyped]

from tests.conftest import ROOT

CONDA_TO_PIP = {"pytorch": "torch", "pytorch_geometric": "torch-geometric"}
NOT_PACKAGES = {"python", "pip"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, f"cannot parse requirement {req!r}"
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pip_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(_split(r) for r in data["project"]["dependencies"])


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue
        name, spec = _split(dep)
        name = CONDA_TO_PIP.get(name.replace("-", "_"), name)
        if name not in NOT_PACKAGES:
            out[name] = spec
    return out


def test_pyproject_and_environment_agree() -> None:
    pip, conda = pip_requirements(), conda_requirements()
    assert set(pip) == set(conda), (
        f"only in pyproject: {sorted(set(pip) - set(conda))}; only in environment.yml: {sorted(set(conda) - set(pip))}"
    )
    differing = {k: (pip[k], conda[k]) for k in pip if pip[k] != conda[k]}
    assert not differing, f"version bounds differ (pyproject, environment.yml): {differing}"


def test_required_packages_declared() -> None:
    needed = {"torch", "torch-geometric", "jupyterlab", "ipywidgets", "matplotlib", "networkx", "nbval",
              "plotly", "tqdm", "rdkit", "datamol", "eon", "scikit-learn"}
    assert needed <= set(pip_requirements())


def test_torch_is_a_range_not_a_cpu_build() -> None:
    spec = pip_requirements()["torch"]
    assert "+cpu" not in spec and not spec.startswith("=="), "users with a GPU must get their platform's torch"


def test_console_script_declared() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["gdl-teach"] == "gdl_teach.tools.cli:main"
