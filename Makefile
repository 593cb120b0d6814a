# Developer entry points. `make demo` and `make test` build .venv themselves.
PYTHON ?= python3
PYTHON_VERSION ?= 3.11
VENV ?= .venv
BIN := $(VENV)/bin
ANSIBLE_CORE ?= ansible-core>=2.19,<2.20

# Nothing a target runs writes under $HOME (`make check-home` proves it): Ansible's and ansible-galaxy's
# state, the collections ansible-lint installs, its and pip's caches all go to build/home instead.
# ansible-test has no setting for its cache and virtualenvs (~/.ansible/test), so it runs with
# HOME=build/home. Override BUILD_HOME for a shorter path if ansible-test's virtualenv shebangs get
# too long (over 127 characters) in a deep checkout.
BUILD_HOME ?= $(CURDIR)/build/home
export ANSIBLE_HOME := $(BUILD_HOME)/.ansible
export ANSIBLE_REMOTE_TEMP := $(BUILD_HOME)/.ansible/tmp
export ANSIBLE_ASYNC_DIR := $(BUILD_HOME)/.ansible/async
export XDG_CACHE_HOME := $(BUILD_HOME)/.cache
ANSIBLE_TEST := HOME=$(BUILD_HOME) $(CURDIR)/$(BIN)/ansible-test

.PHONY: venv test demo emulator units process-tests emulator-tests sanity integration lint ruff test-release test-tree check-home bench bench-audit fault-suite test-matrix test-hostile docs importer changelog clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt tests/requirements.txt tests/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '$(ANSIBLE_CORE)' -r requirements.txt -r tests/requirements.txt -r tests/requirements-dev.txt
	touch $@

test: venv sanity units process-tests emulator-tests integration test-hostile lint test-release check-home

# ansible-test and the tests import the collection as ansible_collections.alibabacloud.dts:
# a symlink under build/ gives this checkout that name.
TREE := build/collections/ansible_collections/alibabacloud/dts

$(TREE):
	mkdir -p $(dir $(TREE))
	ln -sfn $(CURDIR) $(TREE)

# Two tiers (tests/unit/conftest.py marks them): `units` runs in process in seconds; `process-tests`
# runs the modules as processes and ansible-inventory against emulators.
PYTEST := cd $(TREE) && PYTHONPATH=$(CURDIR)/build/collections $(CURDIR)/$(BIN)/python -m pytest -q -p no:cacheprovider

units: venv $(TREE)
	$(PYTEST) -m 'not process' tests/unit

process-tests: venv $(TREE)
	$(PYTEST) -m process tests/unit

# ansible-test resolves symlinks and wants a real ansible_collections/<ns>/<name> directory:
# it gets a fresh copy of the files git knows about (tracked, or untracked and not ignored).
TEST_TREE := build/ansible-test/ansible_collections/alibabacloud/dts

test-tree:
	rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(TEST_TREE)
	# Its own repository: ansible-test lists files with git, and build/ is ignored here.
	git -C $(TEST_TREE) init -q

# Sanity runs in ansible-test's own virtualenvs (--venv), bootstrapped offline by the stand-in.
# Its pips see only PATH, HOME and LC_ALL: the pip configuration of the real home (an index mirror, say)
# is linked into build/home.
sanity: venv test-tree
	for conf in .config/pip/pip.conf .pip/pip.conf; do \
	  if [ -f "$$HOME/$$conf" ]; then mkdir -p "$(BUILD_HOME)/$$(dirname $$conf)" && ln -sfn "$$HOME/$$conf" "$(BUILD_HOME)/$$conf"; fi; \
	done
	HOME=$(BUILD_HOME) $(BIN)/python tests/utils/install_get_pip_standin.py
	cd $(TEST_TREE) && $(ANSIBLE_TEST) sanity --venv --python 3.11 --color no

# Integration targets run playbooks against the emulator, on this machine (--local).
integration: venv test-tree
	cd $(TEST_TREE) && $(ANSIBLE_TEST) integration --local --python $(PYTHON_VERSION) --color no $(TARGETS)

# The emulator's own fidelity suite: the official SDKs against it.
emulator-tests: venv
	cd tests/emulator && $(CURDIR)/$(BIN)/python -m pytest -q -p no:cacheprovider

# Linters see the collection through the build/ tree, as users' Ansible would.
LINT_ENV := PATH=$(CURDIR)/$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/collections

lint: venv $(TREE)
	$(BIN)/ruff check .
	$(BIN)/python tests/utils/check_sizes.py
	$(BIN)/mypy
	$(LINT_ENV) $(BIN)/ansible-lint --profile production roles/ playbooks/
	$(BIN)/yamllint -c .yamllint .
	$(LINT_ENV) $(BIN)/antsibull-changelog lint
	cd $(TREE) && $(LINT_ENV) $(CURDIR)/$(BIN)/antsibull-docs --config-file $(CURDIR)/tests/utils/antsibull-docs.cfg lint-collection-docs --plugin-docs .

# ruff over the repository (rules and style in pyproject.toml); `make lint` runs it too.
ruff: venv
	$(BIN)/ruff check .

# Nothing under $HOME: the linters and the demo again with HOME an empty directory and a fresh BUILD_HOME.
check-home: venv
	tests/utils/check-home.sh lint demo

# The built tarball: small, nothing dev-only, installs offline, every plugin and the role render.
test-release: venv
	BIN=$(CURDIR)/$(BIN) tests/release/check_build.sh

# Hundreds of module runs under injected faults: each exact or a clean failure, never wrong.
fault-suite: venv
	$(BIN)/python scripts/fault_suite.py --runs 50 --rates 0.05,0.1,0.2,0.3

# Not part of `make test`: every tested ansible-core, each in its own virtualenv (tests/utils/test-matrix.sh).
test-matrix:
	tests/utils/test-matrix.sh

# No template from DTS or an event ever runs: the hostile-data target on every claimed ansible-core
# (2.19 in .venv, 2.20 and 2.21 in build/matrix/), about a minute and a half; part of `make test`.
test-hostile: venv $(TREE)
	VENV=$(VENV) tests/utils/test-hostile.sh

# galaxy-importer, as Galaxy runs it on upload; not in `make test` (it installs its own toolchain).
importer: venv
	tests/release/galaxy_importer.sh

docs: venv $(TREE)
	scripts/build-docs.sh

changelog: venv $(TREE)
	$(LINT_ENV) $(BIN)/antsibull-changelog release

emulator: venv
	$(BIN)/python tests/emulator/dts_emulator.py --port 8480

demo: venv
	scripts/demo.sh

bench: venv bench-audit
	$(BIN)/python scripts/bench.py --jobs 3000 --latency-ms 50 --output build/benchmarks-latest.md

# The audit playbook end to end, 1,000 to 30,000 jobs: time and memory against the job count.
bench-audit: venv
	$(BIN)/python scripts/bench_audit.py --jobs 1000,3221,10000,30000 --output build/benchmarks-audit-latest.md
	$(BIN)/python scripts/bench_audit.py --jobs 3000 --monitor-rules --output build/benchmarks-audit-alerts-latest.md

clean:
	rm -rf $(VENV) tests/output build
