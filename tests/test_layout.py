"""The package layout holds: lessons import only the shared layers, modules and functions stay small,
and notebooks use one import style."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import nbformat
import pytest

from gdl_teach.tools.lessons import LESSONS, SHARED_LAYERS, lesson_for_notebook
from tests.conftest import NOTEBOOKS, ROOT

PACKAGE = ROOT / "gdl_teach"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
LESSON_PACKAGES = {lesson.package for lesson in LESSONS}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else "<top>"


def _kit_imports(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gdl_teach"):
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("gdl_teach")]
    return out


def test_every_subpackage_is_a_shared_layer_a_lesson_or_tools() -> None:
    found = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    unknown = found - set(SHARED_LAYERS) - LESSON_PACKAGES - {"tools"}
    assert not unknown, f"subpackages {sorted(unknown)} are neither a shared layer, a lesson (tools/lessons.py) nor tools"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_follow_the_layers(path: Path) -> None:
    layer = _layer(path)
    if layer in ("tools", "<top>"):
        return
    allowed = SHARED_LAYERS.get(layer, frozenset(SHARED_LAYERS) | {layer})
    bad = []
    for line, module in _kit_imports(ast.parse(path.read_text())):
        parts = module.split(".")
        target = parts[1] if len(parts) > 1 else "<top>"
        if target not in allowed:
            bad.append(f"line {line}: {module}")
    assert not bad, (f"{path.relative_to(ROOT)} ({layer}) may import only {sorted(allowed)}; "
                     f"move what two lessons need into a shared layer: {bad}")


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text()
    assert len(text.splitlines()) <= MAX_MODULE_LINES, \
        f"{path.relative_to(ROOT)} has {len(text.splitlines())} lines (> {MAX_MODULE_LINES}); split it by idea"
    long = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                body = body[1:]  # the docstring does not count
            if body:
                lines = body[-1].end_lineno - body[0].lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{node.name} ({lines} lines)")
    assert not long, f"{path.relative_to(ROOT)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def _notebook_imports(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if re.match(r"\s*(from|import)\s+gdl_teach\b", line):
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_import_their_lesson_and_shared_layers_in_one_style(path: Path) -> None:
    own = lesson_for_notebook(path.stem).package
    allowed = set(SHARED_LAYERS) | {own, "tools"}
    bad = []
    for line in _notebook_imports(path):
        m = re.match(r"from gdl_teach(?:\.(\w+))? import (.+)$", line)
        if not m:
            bad.append(f"{line!r}: use `from gdl_teach.<package> import <modules>`")
            continue
        package, names = m.group(1), [n.strip().split(" as ")[0] for n in m.group(2).strip("()").split(",")]
        if package is None:
            continue  # from gdl_teach import seed_everything, show_source, get_device
        if package not in allowed:
            bad.append(f"{line!r}: a lesson imports its own subpackage ({own}) and the shared layers only")
            continue
        for name in filter(None, names):
            if importlib.util.find_spec(f"gdl_teach.{package}.{name}") is None:
                bad.append(f"{line!r}: import the module and call `{name}` through it "
                           f"(e.g. `from gdl_teach.{package} import <module>`, then `<module>.{name}`)")
    assert not bad, f"{path.name}: {bad}"
