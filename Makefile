# The two commands: `make run` and `make test`. Each creates/updates .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.herald-installed
export QT_API := pyside6

.PHONY: run test lint bench bench-scale soak package clean venv

$(STAMP): pyproject.toml tools/bootstrap_venv.py
	@$(PYTHON) tools/bootstrap_venv.py $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest-xdist: one test process per core (CI has 2). A file's tests stay on one process, so
# module fixtures (the emulator history, the bundle) are built once; slow files are sent first
# (tests/conftest.py). TEST_PROCESSES=0 runs everything in this one process.
TEST_PROCESSES ?= 2

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile \
		--no-loadscope-reorder $(PYTEST_ARGS)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.run

# Issue 24: a million posts on PostgreSQL (HERALD_BENCH_PG_URL or HERALD_TEST_PG_URL);
# ARGS="--posts 50000 --due 2000" for a smaller run. Writes bench-scale.json.
bench-scale: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.scale.run $(ARGS)

soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.soak.run

package: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pyinstaller>=6.6'
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/herald.spec

clean:
	rm -rf build dist bench-results.json bench-scale.json tests/e2e/artifacts
