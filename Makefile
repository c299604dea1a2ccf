# bilingue: `make book` builds output/ from seeds/; `make test` runs the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
APT_PACKAGES := apertium apertium-fr-es apertium-eng-spa apertium-fra-cat apertium-spa-cat apertium-eng-cat apertium-eo-fr apertium-eo-en epubcheck wfrench wamerican wbritish wamerican-large wbritish-large wamerican-huge wbritish-huge hunspell-fr
# the browser test (tests/test_browser.py): headless Chromium driven through its WebDriver
BROWSER_PACKAGES := chromium chromium-driver
ARGOS_VERSION := 1.11.0
ARGOS_TIMEOUT ?= 20

.PHONY: venv deps book watch test bench models clean

venv: $(STAMP)

# argostranslate goes in with --no-deps: its stanza dependency drags in torch, which the
# pipeline never imports (it drives CTranslate2 and SentencePiece directly). Only the
# test extra brings torch (CPU build), for the parity test against argostranslate itself.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps argostranslate==$(ARGOS_VERSION)
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(TEST_STAMP)

deps:
	@missing=$$(for p in $(APT_PACKAGES) $(BROWSER_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
		echo "Missing Debian packages. Run: sudo apt-get update && sudo apt-get install -y" $$missing; exit 1; \
	fi

# Argos when its index answers (each network wait bounded by ARGOS_TIMEOUT seconds, the whole
# install by 15 minutes), Apertium otherwise: one line says which, and offline never fails.
book: venv deps
	@timeout 900 $(BIN)/python -m pipeline.models $(ARGOS_TIMEOUT) \
		|| echo "bilingue: no Argos package installed (timed out or failed); the book is translated with Apertium"
	$(BIN)/bilingue -v build

# Rebuilds on every change of a source or data file, with spaCy loaded once (Ctrl-C stops).
watch: venv deps
	$(BIN)/bilingue watch

test: $(TEST_STAMP) deps
	$(BIN)/python -m pytest -q

bench: $(TEST_STAMP) deps
	$(BIN)/python bench/translate.py
	$(BIN)/python bench/rebuild.py

models: venv
	$(BIN)/bilingue models $(ARGOS_MODEL)

clean:
	rm -rf output
