# Every target works on a fresh machine with only python3 and make: the first one
# that needs the virtualenv creates it from pyproject.toml.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install demo test test-full lint bench clean docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[demo,test,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/posture demo --json posture-demo-report.json --html posture-demo-report.html

test: $(STAMP)
	@# tests/test_html.py opens the HTML report in a real headless browser (Debian's chromium).
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q

# The same suite with the larger Hypothesis budget (tests/conftest.py: profiles ci and full).
test-full: $(STAMP)
	HYPOTHESIS_PROFILE=full $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check posture checks tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info posture-demo-report.json posture-demo-report.html

docs: $(STAMP)
	$(BIN)/posture checks --markdown > docs/checks.md
