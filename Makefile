# gdl-teach: two commands do everything.
#   make lab   set up (if needed) and open the lessons in JupyterLab
#   make test  set up (if needed) and run every test, offline
# Set-up is idempotent: a second run only checks that everything is there.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# torch is installed only when the venv has none. The pin picks a version, not a
# build: pip takes the platform's default (a CUDA build on Linux from PyPI) or,
# on a machine whose pip is pointed at a local CPU wheel, that one. Override,
# e.g. `make lab TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cpu"`.
TORCH_SPEC ?= torch==2.13.0
STAMP  := $(VENV)/.gdl-teach-installed
PORT   ?= 8888
LAB_ARGS ?=
PYTEST_ARGS ?=

.PHONY: setup lab colab-env lint test test-colab test-package test-notebooks test-browser bench strip doctor browser-deps student site clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --progress-bar off $(TORCH_SPEC)
	$(PY) -m pip install --progress-bar off -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)

lab: setup
	$(VENV)/bin/gdl-teach lab --folder notebooks --port $(PORT) $(LAB_ARGS)

doctor: setup
	$(VENV)/bin/gdl-teach doctor

# Chromium for the real-browser test (Debian's package; Playwright's own browser
# download is not used). Skipped when it is already there.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser test needs Debian's chromium: sudo apt-get install -y chromium"; fi; }

# A virtual environment built like Google Colab's (what Colab ships + what the lessons'
# install cell adds, nothing else), for tests/test_colab_env.py. Needs the package index;
# a stamp makes a second call instant.
COLAB_VENV ?= .venv-colab
colab-env: setup
	$(PY) scripts/make_colab_env.py $(COLAB_VENV) --torch-spec "$(TORCH_SPEC)"

# Lint: ruff over everything (package, tests, scripts, notebooks); mypy over the shared layers.
SHARED_LAYERS := gdl_teach/core gdl_teach/geometry gdl_teach/nn gdl_teach/data gdl_teach/viz gdl_teach/exercises
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy --ignore-missing-imports $(SHARED_LAYERS)

# Every test: lint, then the package tests and nbval over every lesson, in one pytest run,
# with outbound network cut (scripts/offline). pytest exits non-zero when no
# test ran (exit 5), so an empty run fails too.
test: setup browser-deps colab-env lint
	scripts/offline $(PY) -m pytest tests notebooks --nbval-lax --nbval-cell-timeout=300 -p no:cacheprovider --durations=15 $(PYTEST_ARGS)

test-package: setup
	scripts/offline $(PY) -m pytest tests $(PYTEST_ARGS)

test-notebooks: setup
	scripts/offline $(PY) -m pytest notebooks --nbval-lax --nbval-cell-timeout=300 $(PYTEST_ARGS)

test-browser: setup browser-deps
	scripts/offline $(PY) -m pytest tests/test_browser.py -rP $(PYTEST_ARGS)

test-colab: setup colab-env
	scripts/offline $(PY) -m pytest tests/test_colab_env.py -rA $(PYTEST_ARGS)

student: setup
	$(VENV)/bin/gdl-teach student notebooks --out student

bench: setup
	$(VENV)/bin/gdl-teach bench notebooks
	$(PY) scripts/bench_knn.py

# A static site of the executed lessons (Sphinx + myst-nb, the site extra): build/site/html/index.html.
site: setup
	$(PY) scripts/build_site.py --out build/site

strip: setup
	$(VENV)/bin/gdl-teach strip notebooks

clean:
	rm -rf $(VENV) $(COLAB_VENV) student .pytest_cache
