# Two commands do everything on a fresh machine: `make demo` and `make test` (`make test-fast` for the inner loop).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
DATA   ?= data

.PHONY: install install-test demo test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/ct05 demo --data-dir $(DATA) --port $(PORT)

# The full gate (.ci/run calls it): lint, then every test, browser and crawls included.
test: install-test
	$(BIN)/ruff check crawler nlp index pipeline webui demo tests bench
	$(BIN)/python -m pytest -q

# The inner loop, under a minute: no browser, no crawl, nothing marked slow (see pyproject markers).
test-fast: install-test
	$(BIN)/ruff check crawler nlp index pipeline webui demo tests bench
	$(BIN)/python -m pytest -q -m "not browser and not crawl and not slow"

lint: install-test
	$(BIN)/ruff check crawler nlp index pipeline webui demo tests bench

bench: install-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
