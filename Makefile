# Samvad: `make run` starts the hotline on loopback, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
STAGE  ?= dev
REGION ?= ap-south-1
PORT   ?= 8000
# Lambda-platform wheels for requirements.txt (`make wheels`); with them `make package` needs no package index.
WHEELS := wheelhouse
WHEELS_STAMP := $(WHEELS)/.complete-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
OFFLINE = $(if $(wildcard $(WHEELS_STAMP)),PIP_NO_INDEX=1 PIP_FIND_LINKS=$(CURDIR)/$(WHEELS))
# The video pages' Chime SDK bundle (`make chime`), built at test time.
CHIME_NPM := build/chime/node_modules
CHIME_ENTRY := chalicelib/video/browser/meeting.js
CHIME := chalicelib/console/vendor/chime-sdk.js

.PHONY: run call test lint bench soak cost package clean browser axe chime

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip<26.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP) $(CHIME)              ## the whole hotline on 127.0.0.1:$(PORT)
	PORT=$(PORT) $(BIN)/python -m chalicelib.local.stack

call: $(STAMP)                      ## phone the running hotline from this terminal
	$(BIN)/python manage.py call

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy  # strict on the domain, the operations and the wiring ([tool.mypy] in pyproject.toml)
	$(BIN)/lint-imports  # the layers of docs/architecture.md (.importlinter)

# The console's browser tests drive Debian's Chromium (Playwright's own download does not work here) and
# need a Devanagari font; CI starts from a bare machine, so install them when missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi lohit || { \
		echo "installing Debian's chromium and fonts-lohit-deva for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends chromium fonts-lohit-deva fontconfig >/dev/null; }
	@$(MAKE) --no-print-directory axe chime

# axe-core (the accessibility rules the browser tests run in every page) from the npm registry at test time, never
# committed (build/ is ignored); skipped when it is there. tests/support/axe.py injects it.
AXE := build/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	npm install --silent --no-audit --no-fund --prefix build/axe axe-core@4

# The Amazon Chime SDK's browser side (the video call pages: chalicelib/console/video_call.js, citizen_video.js) from
# the npm registry at test time, never committed (vendor/ is ignored): the small entry chalicelib/video/browser/
# meeting.js bundled by esbuild into one ES module the pages import when a call starts; rebuilt only when the
# entry is newer. The messaging client it never uses is left out (no_messaging.js); `global`, which some of its
# CommonJS dependencies name, is the browser's globalThis; NODE_PATH: the entry lives outside build/chime. (CHIME is set at the top: run and package name it before this.)
chime: $(CHIME)
$(CHIME): $(CHIME_ENTRY) chalicelib/video/browser/no_messaging.js
	npm install --silent --no-audit --no-fund --prefix build/chime amazon-chime-sdk-js@3.32.0 esbuild@0.28
	NODE_PATH=$(CHIME_NPM) $(CHIME_NPM)/.bin/esbuild $(CHIME_ENTRY) --bundle --format=esm --platform=browser \
		--main-fields=browser,module,main --define:global=globalThis --target=es2019 --minify --log-level=warning \
		--alias:@aws-sdk/client-chime-sdk-messaging=./chalicelib/video/browser/no_messaging.js --outfile=$@

# wheels first: tests/flows/test_package.py packages from wheelhouse/ with no package index (about 20 s to fill).
# Two workers (pytest-xdist), each test file on one worker: module fixtures (a local stack, a browser) stay whole,
# and the suite's own listeners pick free ports. Then the tests marked `alone` (real callers and carriers timed on
# loopback) with nothing beside them. PYTEST_WORKERS=0 runs it all in one process.
PYTEST_WORKERS ?= 2
test: lint browser wheels           ## the whole suite (unit, flows through moto, local stack, the console in Chromium)
ifeq ($(PYTEST_WORKERS),0)
	$(BIN)/python -m pytest
else
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not alone"
	$(BIN)/python -m pytest -m alone
endif

bench: $(STAMP)                     ## figures: AWS requests per call, cold import ratio, step latency, unit tests' import, zip size, a video call, the soak; build/bench.json
	$(BIN)/python -m tests.bench.run

# The local stack in its own process (ports from 18500), CALLERS at once, replays, then 503s, slow answers and
# the AWS endpoint stopped (chalicelib/local/faults.py); not part of `make test`. NO_FAULTS=1: the steady phase only.
CALLERS ?= 16
CALLS   ?= 10
soak: $(STAMP)                      ## make soak CALLERS=16 CALLS=10: lost, duplicates, 5xx, p50/p99 per IVR step; build/bench.json "soak"
	$(BIN)/python -m tests.bench.soak --callers $(CALLERS) --calls $(CALLS) $(if $(NO_FAULTS),--no-faults)

# Measured counts (build/bench.json; only the usage section of the bench when it is missing or has no plans) ×
# infra/prices.json. Its last line: "India plan: ₹<amount> per complaint (goal ₹5)".
cost: $(STAMP)                      ## cost per 1,000 complaints per channel plan, ₹ and US$ (docs/deploy.md)
	$(BIN)/python -m infra.cost --has-usage || $(BIN)/python -m tests.bench.run --only usage
	$(BIN)/python -m infra.cost --has-video || $(BIN)/python -m tests.bench.run --only video
	$(BIN)/python -m infra.cost $(if $(DISTRICT),--district "$(DISTRICT)") \
		$(if $(PROVISIONED_CONCURRENCY),--provisioned-concurrency $(PROVISIONED_CONCURRENCY))

# The SAM transform is what CloudFormation runs first on a deploy (cfn-lint 1.x does not): run here with a
# deploy's parameter values, its output linted and checked like sam.json. The transform resolves the version
# key (ApiVersionSha256) into names and descriptions, leaving it unreferenced: W2001 counts on sam.json only.
package: $(STAMP) $(CHIME)          ## CloudFormation for STAGE: transformed as a deploy would, linted, checked for readiness
	rm -rf build/$(STAGE)
	$(OFFLINE) AWS_DEFAULT_REGION=$(REGION) SAMVAD_STAGE=$(STAGE) $(BIN)/chalice package --stage $(STAGE) \
		--merge-template infra/resources.json build/$(STAGE)
	$(BIN)/python -m infra.finish_package build/$(STAGE) --stage $(STAGE)
	$(BIN)/python -m infra.sam_transform build/$(STAGE) --stage $(STAGE) --region $(REGION)
	$(BIN)/cfn-lint build/$(STAGE)/sam.json
	$(BIN)/cfn-lint --ignore-checks W2001 -- build/$(STAGE)/transformed.json
	$(BIN)/python -m infra.readiness build/$(STAGE) --stage $(STAGE) --template sam.json --template transformed.json
	@echo "build/$(STAGE)/sam.json and deployment.zip are ready (SAM transform, cfn-lint clean, readiness checked)"

.PHONY: wheels deploy
wheels: $(WHEELS_STAMP)             ## download Lambda's wheels (manylinux, cp311) for requirements.txt into wheelhouse/

# What chalice asks pip for: first this machine's own wheels (to resolve), then Lambda's (python3.11 runs on
# Amazon Linux 2, glibc 2.26: manylinux2014 up to manylinux_2_26, x86_64).
$(WHEELS_STAMP): requirements.txt | $(STAMP)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
		--implementation cp --python-version 3.11 --abi cp311 --platform manylinux2014_x86_64 \
		$(foreach minor,17 18 19 20 21 22 23 24 25 26,--platform manylinux_2_$(minor)_x86_64) \
		-r requirements.txt -d $(WHEELS)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary=:all: -r requirements.txt -d $(WHEELS)
	rm -f $(WHEELS)/.complete-* && touch $@

# DRY_RUN=1: every AWS call printed in order, none sent, no account needed (`make package` runs for real).
deploy: $(STAMP)                    ## make deploy STAGE=prod DISTRICT=examples/<district>.yaml [DRY_RUN=1] (docs/deploy.md)
	$(BIN)/python -m infra.deploy --stage $(STAGE) --region $(REGION) --district "$(DISTRICT)" \
		--account-sid "$(TWILIO_ACCOUNT_SID)" --domain "$(DOMAIN)" --certificate-arn "$(CERTIFICATE_ARN)" \
		--alarm-email "$(ALARM_EMAIL)" --bucket "$(ARTIFACT_BUCKET)" \
		--provisioned-concurrency "$(PROVISIONED_CONCURRENCY)" --secrets-version "$(SECRETS_VERSION)" \
		$(if $(DRY_RUN),--dry-run)

clean:
	rm -rf build .pytest_cache .ruff_cache test-output
