# Developer entry points. `make demo` and `make test` build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ANSIBLE_CORE ?= ansible-core>=2.18,<2.19

.PHONY: venv test demo emulator emulator-tests units clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt tests/requirements.txt tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '$(ANSIBLE_CORE)' -r requirements.txt -r tests/requirements.txt -r tests/requirements-dev.txt
	touch $@

test: venv units emulator-tests

units: venv
	$(BIN)/python -m pytest -q tests/unit

emulator-tests: venv
	$(BIN)/python -m pytest -q tests/emulator

emulator: venv
	$(BIN)/python tests/emulator/dts_emulator.py --port 8480

demo: venv
	@echo "demo: filled in as the modules land"

clean:
	rm -rf $(VENV) tests/output build
