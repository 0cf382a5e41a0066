"""Workshop editions: student copies are valid, their stubs fail their checks with a hint.

The instructor copies (the lessons as committed) are run by nbval in the same
`make test` session; here each student copy is executed with errors allowed,
and the only cells allowed to fail are the `check` cells, each with the kit's
ExerciseFailed hint about the unfinished stub.
"""
from __future__ import annotations

import nbformat
import pytest

from gdl_teach.tools.bench import notebook_client
from gdl_teach.tools.editions import STUB_MARKER, stub_solution, student_notebook, write_student_editions
from tests.conftest import NOTEBOOKS, ROOT


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_stub_solution_keeps_signature_and_indentation() -> None:
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    assert stub_solution(src) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError"
    with pytest.raises(ValueError, match="no '### BEGIN SOLUTION' block"):
        stub_solution("x = 1")
    with pytest.raises(ValueError, match="without a matching END"):
        stub_solution("### BEGIN SOLUTION\nx = 1")
    with pytest.raises(ValueError, match="without a matching BEGIN"):
        stub_solution("x = 1\n### END SOLUTION")


def test_cli_writes_student_editions(tmp_path) -> None:
    from gdl_teach.tools import cli

    assert cli.main(["student", str(ROOT / "notebooks"), "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_student_edition_stubs_fail_their_checks_with_a_hint(path, tmp_path) -> None:
    [student_path] = write_student_editions([path], tmp_path)
    nb = nbformat.read(student_path, as_version=4)
    nbformat.validate(nb)
    exercise_cells = [c for c in nb.cells if "exercise" in _tags(c)]
    assert exercise_cells and all(STUB_MARKER in c.source and "SOLUTION" not in c.source for c in exercise_cells)
    instructor = nbformat.read(path, as_version=4)
    assert student_notebook(instructor).cells[0].source == instructor.cells[0].source

    notebook_client(nb, ROOT / "notebooks", timeout=300, allow_errors=True).execute()
    failed = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and any(o.output_type == "error" for o in c.outputs)]
    not_checks = [(i, [o.ename for o in c.outputs if o.output_type == "error"]) for i, c in failed
                  if "check" not in _tags(c)]
    assert not not_checks, f"cells other than checks crash in the student edition: {not_checks}"
    checks = [c for c in nb.cells if "check" in _tags(c)]
    assert len(failed) == len(checks) >= 2
    for _, cell in failed:
        [err] = [o for o in cell.outputs if o.output_type == "error"]
        assert err.ename == "ExerciseFailed", f"a check failed with {err.ename}: {err.evalue}"
        assert "NotImplementedError" in err.evalue and "replace the stub" in err.evalue


def test_student_refuses_to_write_into_the_instructor_folder(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    from gdl_teach.tools import cli

    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    src = lessons / NOTEBOOKS[0].name
    src.write_bytes(NOTEBOOKS[0].read_bytes())
    before = src.read_bytes()
    for out in (lessons, lessons / "student", tmp_path):  # is, lies inside, contains the source folder
        assert cli.main(["student", str(lessons), "--out", str(out)]) == 2
        assert "answer key" in capsys.readouterr().err
    assert src.read_bytes() == before and not (lessons / "student").exists()


def test_student_never_overwrites_solutions_without_force(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    from gdl_teach.tools import cli

    out = tmp_path / "out"
    out.mkdir()
    key = out / NOTEBOOKS[0].name
    key.write_bytes(NOTEBOOKS[0].read_bytes())  # an instructor copy someone put there
    assert cli.main(["student", str(NOTEBOOKS[0]), "--out", str(out)]) == 2
    assert "holds solutions" in capsys.readouterr().err and key.read_bytes() == NOTEBOOKS[0].read_bytes()
    assert cli.main(["student", str(NOTEBOOKS[0]), "--out", str(out), "--force"]) == 0
    assert STUB_MARKER in key.read_text()
    assert cli.main(["student", str(NOTEBOOKS[0]), "--out", str(out)]) == 0, "a student copy may be replaced"


def test_student_names_a_corrupt_notebook_and_an_unwritable_folder(tmp_path, capsys) -> None:
    from gdl_teach.tools import cli

    bad = tmp_path / "lessons" / "01_bad.ipynb"
    bad.parent.mkdir()
    bad.write_text("{ not json")
    assert cli.main(["student", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "01_bad.ipynb is not a readable notebook" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["student", str(NOTEBOOKS[0]), "--out", str(blocker / "sub")]) == 2
    assert "choose a writable folder" in capsys.readouterr().err
