"""Sphinx configuration of the lessons' static site (``make site``; scripts/build_site.py stages the sources).

The notebooks arrive already executed and post-processed by scripts/build_site.py
(widgets turned into their static first view, plotly figures into HTML), so
myst-nb only renders them: ``nb_execution_mode = "off"``.
"""
from __future__ import annotations

project = "gdl-teach"
author = "the gdl-teach authors"
copyright = "the gdl-teach authors, MIT licence"  # noqa: A001 - Sphinx's name for it

extensions = ["myst_nb"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

nb_execution_mode = "off"          # executed by scripts/build_site.py, with the kit's own runner
nb_merge_streams = True            # one block per cell for print output, as JupyterLab shows it
nb_output_stderr = "remove"        # progress bars and warnings are noise on a page
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = "gdl-teach: geometric deep learning, lesson by lesson"
html_static_path = ["_static"]
html_js_files = ["plotly.min.js"]  # copied from the installed plotly: 3D figures work offline
html_css_files = ["gdl-teach.css"]
html_theme_options = {"show_toc_level": 2, "use_download_button": True}
html_show_sourcelink = False
