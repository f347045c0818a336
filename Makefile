# Two commands set up everything on a fresh machine:
#   make run    - start the designer on the bundled Salla sample
#   make test   - run the test suite (offscreen, no display needed)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench package clean

$(STAMP): pyproject.toml
	./packaging/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sync-designer $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(BIN)/ruff check designer tests benchmarks docs packaging
	$(BIN)/mypy designer/core

screenshots: $(STAMP)
	./packaging/system-deps.sh --gui
	$(BIN)/python docs/make_screenshots.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks

package: $(STAMP)
	PYTHON=$(BIN)/python ./packaging/build.sh

clean:
	rm -rf $(VENV) build dist *.egg-info
