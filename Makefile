# The contract other tools rely on: `make serve` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= var/store

.PHONY: install load serve test lint validate bench bench-floor clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv"; exit 2; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

load: install
	$(BIN)/unkg load --store $(STORE)

serve: load
	$(BIN)/unkg serve --store $(STORE) --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

validate: install
	$(BIN)/unkg validate

test: lint validate
	$(BIN)/pytest

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

# Not part of `make test`: benchmarks against oxigraph serve and rdflib-endpoint (QUICK=1: under 5 minutes)
bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

# How close any Python server can come to oxigraph serve, beside unkg (bench/README.md, "The floor")
bench-floor: $(VENV)/.bench-installed
	$(BIN)/python -m bench.floor

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
