# Every target works on a fresh machine with only python3 and make: the first one
# that needs the virtualenv creates it from pyproject.toml.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# The lock files (`make lock`): the runtime set that `pip install .` and the image get, and the development set
# (runtime + demo, test and dev extras) that `make install` and CI install. Both hash-checked.
LOCK     = requirements.lock
DEV_LOCK = requirements-dev.lock
UV_VERSION = 0.13.9

.PHONY: install demo test test-fast test-full chromium lint bench clean docs demo-findings oracle mutate \
        lock sbom audit image deploy-templates checkov

$(STAMP): pyproject.toml $(DEV_LOCK)
	$(PYTHON) -m venv $(VENV)
	@# uv (from PyPI) installs the same packages in seconds; pip does it where uv cannot. Bytecode is
	@# compiled at install (as pip does): with PYTHONDONTWRITEBYTECODE set, every process, each test
	@# worker and each `posture` a test starts, would otherwise compile botocore and moto again.
	@# The packages are the locked ones, hash-checked ($(DEV_LOCK): runtime and every extra); then posture itself.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'
	( $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r $(DEV_LOCK) \
	  && $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e . ) \
	  || ( $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(DEV_LOCK) \
	  && $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . )
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
	$(BIN)/ruff check posture checks tests bench deploy tools
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

# -- the release: lock, SBOM, audit, image, deployment templates (docs/dependencies.md, docs/deploy.md) ---------

# Resolve pyproject's dependencies again (newest allowed versions, every platform, Python 3.11+), with hashes.
# The runtime lock is constrained by the development lock, so both hold the same version of a shared package.
LOCK_FLAGS = --quiet --universal --python-version 3.11 --generate-hashes --no-header
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'

lock: $(BIN)/uv
	$(BIN)/uv pip compile $(LOCK_FLAGS) --extra demo --extra test --extra dev pyproject.toml -o $(DEV_LOCK)
	$(BIN)/uv pip compile $(LOCK_FLAGS) --constraints $(DEV_LOCK) pyproject.toml -o $(LOCK)

# A CycloneDX (JSON) SBOM of the runtime set: the locked packages installed alone into a scratch environment
# (what `pip install .` gives, posture itself as the root component, from pyproject.toml).
SBOM ?= build/sbom.cdx.json
SBOM_ENV = build/sbom-env
sbom: $(STAMP)
	rm -rf $(SBOM_ENV)
	$(BIN)/uv venv --quiet --python $(BIN)/python $(SBOM_ENV)
	$(BIN)/uv pip install --quiet --python $(SBOM_ENV)/bin/python --require-hashes -r $(LOCK)
	mkdir -p $(dir $(SBOM))
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --mc-type application --output-reproducible \
	  --output-format JSON --output-file $(SBOM) $(SBOM_ENV)/bin/python
	@echo "sbom: $(SBOM)"

# pip-audit over the locked runtime set. Where its vulnerability service cannot be reached, or skips a
# package, this says it could not audit and fails (exit 2): never a silent "clean".
audit: $(STAMP)
	$(BIN)/python deploy/audit.py $(LOCK)

# The image (deploy/Dockerfile): IMAGE_TARGET=shards builds the AWS Batch variant (no entrypoint).
IMAGE ?= aws-llm-posture:$(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
IMAGE_TARGET ?= scanner
image:
	@command -v docker >/dev/null 2>&1 || { echo "make image: docker is not installed on this machine (the image needs docker with BuildKit)" >&2; exit 1; }
	DOCKER_BUILDKIT=1 docker build -f deploy/Dockerfile --target $(IMAGE_TARGET) -t $(IMAGE) .

# The CloudFormation templates take the scanner's read actions from the catalogue (posture iam-policy).
deploy-templates: $(STAMP)
	$(BIN)/python deploy/cloudformation/generate.py

# checkov has its own environment: its pins would hold back the scanner's boto3 in the development set.
CHECKOV_VERSION = 3.3.30
checkov: $(STAMP)
	$(BIN)/uv tool run --quiet --from 'checkov==$(CHECKOV_VERSION)' checkov --quiet --compact --skip-download \
	  --framework cloudformation -d deploy/cloudformation
# Mutation testing of the policy evaluator (not CI; see docs/mutation.md). cosmic-ray mutates checks/_policy.py
# in place, one mutant at a time, and restores it: edit nothing while it runs. The session (build/mutation/) is
# resumable: MUTATE_MINUTES bounds one sitting, a second `make mutate` goes on where the first stopped;
# MUTATE_SAMPLE=n keeps a seeded random sample of n mutants (for a sitting too short for all of them).
MUTATION = build/mutation
MUTATE_MINUTES ?= 60
mutate: $(STAMP)
	$(BIN)/uv pip install --quiet --python $(BIN)/python "cosmic-ray==8.7.0"
	mkdir -p $(MUTATION)
	test -f $(MUTATION)/policy.sqlite || $(BIN)/cosmic-ray init tools/mutation/policy.toml $(MUTATION)/policy.sqlite
	$(if $(MUTATE_SAMPLE),$(BIN)/python tools/mutation/sample.py $(MUTATION)/policy.sqlite $(MUTATE_SAMPLE))
	$(BIN)/cosmic-ray baseline tools/mutation/policy.toml
	timeout $$(( $(MUTATE_MINUTES) * 60 )) $(BIN)/cosmic-ray exec tools/mutation/policy.toml $(MUTATION)/policy.sqlite \
	  || git checkout -- checks/_policy.py
	$(BIN)/cr-report $(MUTATION)/policy.sqlite --show-pending | tail -n 5
