"""The ``gdl-teach`` command: doctor, lab, bench, strip, sync-colab, student.

``gdl-teach lab`` passes options it does not know on to JupyterLab, e.g.
``gdl-teach lab --no-browser --IdentityProvider.token=secret``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0 (seconds per cell), got {value}")
    return value


def _notebooks(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in paths or ["notebooks"]:
        path = Path(p)
        if path.is_dir():
            found += sorted(path.glob("[0-9][0-9]_*.ipynb"))
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"gdl-teach: {p!r} is neither a notebook nor a folder of notebooks")
    if not found:
        raise SystemExit("gdl-teach: no notebooks found")
    return found


def cmd_doctor(args: argparse.Namespace) -> int:
    from gdl_teach.tools.doctor import report

    text, ok = report(args.context)
    print(text)
    return 0 if ok else 1


def cmd_lab(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"gdl-teach lab: folder {str(folder)!r} does not exist", file=sys.stderr)
        return 2
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if args.port:
        cmd.append(f"--ServerApp.port={args.port}")
    if args.no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI run as root
    env = {**os.environ, "GDL_TEACH_LAB": "1"}  # the doctor in a lesson knows it runs in the kit's own lab
    return subprocess.call(cmd + list(args.extra), env=env)  # other options go to jupyter lab


def cmd_bench(args: argparse.Namespace) -> int:
    from gdl_teach.tools.bench import format_table, run_notebook

    rows = []
    for nb in _notebooks(args.paths):
        print(f"running {nb.name} ...", flush=True)
        rows.append(run_notebook(nb, timeout=args.timeout, cold=not args.warm))
    print(format_table(rows, budget_s=args.budget_s, budget_mib=args.budget_mib))
    return 0 if all(r["status"] == "ok" for r in rows) else 1


def cmd_strip(args: argparse.Namespace) -> int:
    import nbformat

    for nb_path in _notebooks(args.paths):
        try:
            nb = nbformat.read(nb_path, as_version=4)
        except Exception as err:  # noqa: BLE001 - JSON, schema or encoding errors
            print(f"gdl-teach strip: {nb_path} is not a readable notebook ({type(err).__name__}: {err})",
                  file=sys.stderr)
            return 2
        dirty = False
        for cell in nb.cells:
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
                cell.outputs, cell.execution_count, dirty = [], None, True
        for key in ("widgets", "execution"):
            if nb.metadata.pop(key, None) is not None:
                dirty = True
        for cell in nb.cells:
            if cell.metadata.pop("execution", None) is not None:
                dirty = True
        if dirty:
            nbformat.write(nb, nb_path)
            print(f"stripped {nb_path}")
    return 0


def cmd_sync_colab(args: argparse.Namespace) -> int:
    from gdl_teach.tools.colab import sync_notebooks

    changed = sync_notebooks(args.folder)
    print("updated: " + ", ".join(changed) if changed else "all lessons already point at the configured source")
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    from gdl_teach.tools.editions import write_student_editions

    try:
        written = write_student_editions(_notebooks(args.paths), Path(args.out), force=args.force)
    except (ValueError, OSError) as err:
        print(f"gdl-teach student: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gdl-teach", description="Geometric deep learning teaching kit.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("doctor", help="check versions, device and each lesson's offline data")
    p.add_argument("--context", choices=("kit", "colab", "notebook"), default="kit",
                   help="kit (default): lessons and the kit's test tools; colab/notebook: lessons only")
    p.set_defaults(fn=cmd_doctor)
    p = sub.add_parser("lab", help="open the lessons in JupyterLab")
    p.add_argument("--folder", default="notebooks")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--no-browser", action="store_true")
    p.set_defaults(fn=cmd_lab)
    p = sub.add_parser("bench", help="run lessons, print wall time and peak memory")
    p.add_argument("paths", nargs="*")
    p.add_argument("--timeout", type=_positive_int, default=600, help="seconds per cell (> 0)")
    p.add_argument("--warm", action="store_true", help="reuse the cache (default: empty cache, a first run)")
    p.add_argument("--budget-s", type=float, default=90)
    p.add_argument("--budget-mib", type=float, default=2048)
    p.set_defaults(fn=cmd_bench)
    p = sub.add_parser("strip", help="remove outputs from notebooks before committing")
    p.add_argument("paths", nargs="*")
    p.set_defaults(fn=cmd_strip)
    p = sub.add_parser("sync-colab", help="rewrite each lesson's Colab badge and install cell")
    p.add_argument("folder", nargs="?", default="notebooks")
    p.set_defaults(fn=cmd_sync_colab)
    p = sub.add_parser("student", help="write student editions (solutions replaced by stubs)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--out", default="student")
    p.add_argument("--force", action="store_true", help="overwrite files in --out even when they hold solutions")
    p.set_defaults(fn=cmd_student)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    return int(args.fn(args))


if __name__ == "__main__":
    sys.exit(main())
