"""show_source shows the package's real code."""
from __future__ import annotations

import pytest

from gdl_teach import seed_everything, show_source
from gdl_teach.core.source import get_source


def test_show_source_prints_real_code(capsys: pytest.CaptureFixture[str]) -> None:
    show_source(seed_everything)
    assert "def seed_everything" in capsys.readouterr().out
    with pytest.raises(TypeError, match="obj must be a Python function"):
        get_source(42)


def test_show_source_renders_html_in_ipython() -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    try:
        with capture_output() as captured:
            shell.run_cell("from gdl_teach import show_source, seed_everything\nshow_source(seed_everything)")
        html = "".join(o.data.get("text/html", "") for o in captured.outputs)
        assert "seed_everything" in html and "<span" in html  # highlighted
    finally:
        InteractiveShell.clear_instance()
