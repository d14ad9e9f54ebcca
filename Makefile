# habeas: `make demo` loads the examples and shows whereabouts; `make test` runs the tests.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint i18n install clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/habeas demo --serve

test: $(BIN)/.installed
	$(BIN)/pytest -n auto -q

lint: $(BIN)/.installed
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/habeas
	$(BIN)/lint-imports

# The catalogs: extract every word shown (pages, labels, kind labels, rule titles) into
# messages.pot and merge it into each language's messages.po; then translate what is new in
# src/habeas/web/locales/es/LC_MESSAGES/messages.po (the tests in tests/web name what is missing).
PYBABEL = $(abspath $(BIN))/pybabel
i18n: $(BIN)/.installed
	cd src/habeas/web && $(PYBABEL) -q extract -F babel.cfg -k N_ --no-location --sort-output -w 120 \
		--project=habeas --version=1 --copyright-holder="habeas contributors" --msgid-bugs-address=none \
		-o locales/messages.pot .
	cd src/habeas/web && $(PYBABEL) -q update -i locales/messages.pot -d locales -w 120 --ignore-obsolete -N

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
