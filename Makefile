# Developer entry points. `make demo` and `make test` build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ANSIBLE_CORE ?= ansible-core>=2.18,<2.19

.PHONY: venv test demo emulator units bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt tests/requirements.txt tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '$(ANSIBLE_CORE)' -r requirements.txt -r tests/requirements.txt -r tests/requirements-dev.txt
	touch $@

test: venv units

# ansible-test and the tests import the collection as ansible_collections.alibabacloud.dts:
# a symlink under build/ gives this checkout that name.
TREE := build/collections/ansible_collections/alibabacloud/dts

$(TREE):
	mkdir -p $(dir $(TREE))
	ln -sfn $(CURDIR) $(TREE)

units: venv $(TREE)
	cd $(TREE) && PYTHONPATH=$(CURDIR)/build/collections $(CURDIR)/$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

emulator: venv
	$(BIN)/python tests/emulator/dts_emulator.py --port 8480

demo: venv
	scripts/demo.sh

bench: venv
	$(BIN)/python scripts/bench.py --jobs 3000 --latency-ms 50 --output docs/benchmarks-latest.md

clean:
	rm -rf $(VENV) tests/output build
