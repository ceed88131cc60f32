# Two commands do all the setup on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CSRKG := $(VENV)/bin/csrkg
SAMPLE := data/samples/dajia-2024-csr.txt
GOLD := data/samples/dajia-2024-csr.gold.json
OUT ?= out

.PHONY: install system-deps demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

system-deps:
	bash scripts/system-deps.sh

demo: install
	$(CSRKG) build $(SAMPLE) -o $(OUT)
	$(CSRKG) evaluate $(OUT)/graph.ttl --gold $(GOLD)

test: install system-deps
	$(PY) -m pytest -q

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(OUT) test-artifacts .pytest_cache
