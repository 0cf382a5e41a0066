"""Show the package's real source code inside a notebook."""
from __future__ import annotations

import inspect
from typing import Any


def get_source(obj: Any) -> str:
    """Return the source code of a function, class or module of the kit.

    Raises:
        TypeError: when ``obj`` has no Python source (a number, a built-in).
    """
    try:
        return inspect.getsource(obj)
    except (TypeError, OSError) as err:
        raise TypeError(
            f"obj must be a Python function, class, method or module with source code, "
            f"got {type(obj).__name__}: {err}"
        ) from None


def show_source(obj: Any) -> Any:
    """Render the real source of ``obj`` in a notebook, syntax highlighted.

    Lessons call this instead of pasting code, so lesson and package never
    drift apart. Outside IPython it prints the plain source.

    Args:
        obj: a function, class, method or module.

    Returns:
        ``None``; the source is displayed (HTML in a notebook, text elsewhere).
    """
    code = get_source(obj)
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython ships with the kit
        print(code)
        return None
    if get_ipython() is None:
        print(code)
        return None
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(style="default", noclasses=True)
    html = highlight(code, PythonLexer(), formatter)
    where = f"{getattr(obj, '__module__', '') or ''}.{getattr(obj, '__qualname__', getattr(obj, '__name__', ''))}".strip(".")
    display(HTML(f"<div style='font-size:90%'><b>source of <code>{where}</code></b>{html}</div>"))
    return None
