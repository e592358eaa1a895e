# Every target works on a fresh machine with only python3 and make: the first one
# that needs the virtualenv creates it from pyproject.toml.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install demo test test-fast test-full chromium lint bench clean docs demo-findings oracle

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# uv (from PyPI) installs the same packages in seconds; pip does it where uv cannot. Bytecode is
	@# compiled at install (as pip does): with PYTHONDONTWRITEBYTECODE set, every process, each test
	@# worker and each `posture` a test starts, would otherwise compile botocore and moto again.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[demo,test,dev]' \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[demo,test,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/posture demo --json posture-demo-report.json --html posture-demo-report.html

# Three pytest workers on two cores (a worker waiting on a timeout, a subprocess or the browser leaves its
# core to another); each starts its own local AWS on 127.0.0.1. Groups (xdist_group) share one seeding.
PYTEST = $(BIN)/python -m pytest -q -n 3 --dist loadgroup

chromium:
	@# tests/render/test_html.py opens the HTML report in a real headless browser (Debian's chromium).
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: $(STAMP) chromium
	$(PYTEST)

# The inner loop: everything but the whole-account scans and the browser.
test-fast: $(STAMP)
	$(PYTEST) -m "not slow"

# As `make test`, with the large property-based budget.
test-full: $(STAMP) chromium
	HYPOTHESIS_PROFILE=full $(PYTEST)

lint: $(STAMP)
	$(BIN)/ruff check posture checks tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info posture-demo-report.json posture-demo-report.html

# The catalogue page and the README's counts come from the registry (a test fails when either is stale).
docs: $(STAMP)
	$(BIN)/posture checks --markdown > docs/checks.md
	$(BIN)/python tools/asset_table.py docs/architecture.md
	$(BIN)/python -c "import re, pathlib; from posture.core.registry import Registry; r = Registry.load(plugins=False); \
	p = pathlib.Path('README.md'); \
	p.write_text(re.sub(r'\d+ checks over \d+ services', f'{len(r)} checks over {len(r.services)} services', p.read_text()))"

# Record the demo's findings (id, check, status) that tests/test_e2e.py compares every demo run with.
demo-findings: $(STAMP)
	mkdir -p build
	$(BIN)/posture demo --json build/demo-findings.json --quiet
	$(BIN)/python -c "import json; f = json.load(open('build/demo-findings.json'))['findings']; \
	rows = sorted([x['id'], x['check_id'], x['status']] for x in f); \
	open('tests/data/demo_findings.json', 'w').write('[\n' + ',\n'.join(json.dumps(r) for r in rows) + '\n]\n')"

# The policy evaluator's oracle (tests/checks/test_policy_oracle.py): installs @cloud-copilot/iam-simulate at the
# version tools/oracle/package-lock.json pins (into the git-ignored tools/oracle/node_modules), regenerates
# the seeded cases and records the answers in tests/support/policy_oracle/corpus.jsonl.gz. Needs node and npm;
# `make test` needs neither.
ORACLE = tools/oracle
oracle: $(STAMP)
	cd $(ORACLE) && npm ci --silent --no-audit --no-fund
	$(BIN)/python -m tests.support.policy_oracle.generate cases > $(ORACLE)/cases.jsonl
	cd $(ORACLE) && TZ=UTC node oracle.mjs < cases.jsonl > answers.jsonl
	$(BIN)/python -m tests.support.policy_oracle.generate record $(ORACLE)/cases.jsonl $(ORACLE)/answers.jsonl
