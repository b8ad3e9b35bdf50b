# The two commands of the quickstart: `make demo` and `make test`.
# Each creates .venv when it is missing and installs what it needs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint typecheck docs bench schema clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(PY) -m complaintflow demo

test: $(VENV)/.dev
	$(PY) -m pytest
	$(PY) -m mypy --strict src tests examples
	$(PY) -m ruff check .
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html

bench: $(VENV)/.dev
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/run.py

# regenerate the snapshot's JSON Schema shipped in the package (a test says when it is due)
schema: $(VENV)/.runtime
	$(PY) -c "from complaintflow._formats.schema import schema_text; print(schema_text(), end='')" \
		> src/complaintflow/snapshot.schema.json

clean:
	rm -rf $(VENV) docs/_build .mypy_cache .pytest_cache .ruff_cache .hypothesis
