# The project's verbs. Each works from a fresh clone with only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo's own environment: only the package and its server extra, none of the dev tools.
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed

.PHONY: help venv demo test test-quick generate check-generated lint typecheck mypy pyright typecheck-wheel pytest serve clean bench audit
.PHONY: test-pythons

# Every target, one line each (tests/test_makefile.py holds that none is missing).
help:
	@echo "make demo             install kili-typed[server] into .venv-demo and run the demo against a local server"
	@echo "make test             lint, typecheck, check-generated, then pytest (a few minutes on 2 cores)"
	@echo "make test-quick       the test suite without the slow (load) tests"
	@echo "make test-pythons     the wheel's walk-through on Python 3.10-3.13, and the client/server/test-kit tests on 3.10, 3.12, 3.13"
	@echo "make pytest           the test suite alone (CI=true runs hypothesis's full example counts)"
	@echo "make lint             ruff check and ruff format --check"
	@echo "make typecheck        mypy --strict and pyright strict on the repository (make mypy, make pyright: one each)"
	@echo "make check-generated  fail when generated/ or the sync facade is stale"
	@echo "make generate         regenerate generated/ and src/kili_typed/_user_fields.py from schema.graphql and queries/"
	@echo "make typecheck-wheel  type-check examples and docs against the built wheel (mypy, pyright, ty, pyrefly)"
	@echo "make docs             build the documentation site into site/"
	@echo "make bench            speed and memory, side by side with a raw httpx loop and the official SDK"
	@echo "make compat           run the official Kili SDKs (2022 and current) against the local server"
	@echo "make audit            the graphql-http audit (GraphQL over HTTP) against the local server"
	@echo "make serve            a local Kili server in the foreground (kili-typed server serve)"
	@echo "make venv             create .venv with the project and its development tools"
	@echo "make clean            remove the virtualenvs, node modules and tool caches"
	@echo "make help             this list"

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# pip's output goes to a log, shown only when the install fails: the demo prints its story.
$(DEMO_STAMP): pyproject.toml
	@echo "Installing kili-typed[server] into $(DEMO_VENV) (first run only; log: $(DEMO_VENV)/install.log)"
	@$(PYTHON) -m venv $(DEMO_VENV)
	@$(DEMO_VENV)/bin/python -m pip install --disable-pip-version-check -e '.[server]' \
		> $(DEMO_VENV)/install.log 2>&1 || { tail -n 30 $(DEMO_VENV)/install.log; exit 1; }
	@touch $@

demo: $(DEMO_STAMP)
	@$(DEMO_VENV)/bin/python examples/demo.py

# tools/ on the path: the codegen loads its plugins from tools/codegen_plugins.py (two of
# them from kili_typed._codegen_plugins, which kili-typed codegen gives users' packages too).
generate: $(STAMP)
	PYTHONPATH=tools $(BIN)/ariadne-codegen --config pyproject.toml
	PYTHONPATH=tools $(BIN)/ariadne-codegen --config tools/codegen-async.toml
	$(BIN)/python tools/gen_selection.py
	$(BIN)/python tools/unasync.py

# Regenerates into a scratch copy and compares, so a stale generated/ fails the build;
# likewise the sync facade, written from the async one.
check-generated: $(STAMP)
	$(BIN)/python tools/check_generated.py
	$(BIN)/python tools/unasync.py --check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: mypy pyright

mypy: $(STAMP)
	$(BIN)/mypy

pyright: $(STAMP)
	$(BIN)/pyright

# What a user of the wheel sees: builds it, installs it into a clean virtualenv outside the
# repository, and checks examples/, the docs' Python blocks and tests/typing/ with mypy
# --strict and pyright strict (negative examples must be reported by both, line by line).
typecheck-wheel: $(STAMP)
	$(BIN)/python tools/check_wheel_types.py

pytest: $(STAMP)
	$(BIN)/pytest

# The checks run side by side (each is mostly one process: two cores finish them in about
# half the time), their outputs kept apart; then the suite, which spreads over every core.
test: $(STAMP)
	@$(MAKE) --no-print-directory -j4 --output-sync=target lint mypy pyright check-generated
	@$(MAKE) --no-print-directory pytest

# For the edit-test loop: every test but those marked slow (the load test), which CI runs.
test-quick: $(STAMP)
	$(BIN)/pytest -m "not slow"

# The documentation site, into site/; --strict turns every warning into a failure.
.PHONY: docs
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The official Kili SDKs (a 2022 and the current release), unmodified, against the local
# server. The first run installs them from PyPI into tests/compat/.venvs/; later runs reuse them.
# -n0: in one process, as its session fixtures build those virtualenvs in place.
.PHONY: compat
compat: $(STAMP)
	KILI_TYPED_COMPAT=1 $(BIN)/pytest -n0 tests/compat

# The GraphQL-over-HTTP audit of graphql-http (npm), against the local server: every MUST
# passes, and the SHOULDs Apollo Server passes. Installs graphql-http into .node/ once.
GRAPHQL_HTTP := graphql-http@1.23.1
.PHONY: audit
audit: $(STAMP)
	@test -d .node/node_modules/graphql-http || npm install --prefix .node --no-save --silent $(GRAPHQL_HTTP) graphql@16
	NODE_PATH=$(CURDIR)/.node/node_modules $(BIN)/pytest -n0 -rs tests/server/test_graphql_http_audit.py

# Every Python claimed (3.10 to 3.13), from pyenv or PATH (tools/noxfile.py): on each, the
# built wheel with [server,codegen] in a clean virtualenv runs tools/wheel_walkthrough.py
# against its own `kili-typed server serve`; on 3.10, 3.12 and 3.13 the client, server,
# test-kit and unit tests run too (`make test` runs the whole suite on 3.11).
test-pythons: $(STAMP)
	$(BIN)/nox -f tools/noxfile.py --envdir $(CURDIR)/.nox

serve: $(STAMP)
	$(BIN)/kili-typed server serve

clean:
	rm -rf $(VENV) $(DEMO_VENV) .node .nox .mypy_cache .pytest_cache .ruff_cache

# Speed and memory, side by side against the official SDK (see bench/run.py); then what
# typed selections cost each type checker, and what each language server completes
# (bench/editor.py, against the built wheel).
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/editor.py
