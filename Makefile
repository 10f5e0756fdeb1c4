# Samvad: `make run` starts the hotline on loopback, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
STAGE  ?= dev
REGION ?= ap-south-1
PORT   ?= 8000

.PHONY: run call test lint bench package clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip<26.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)                       ## the whole hotline on 127.0.0.1:$(PORT)
	PORT=$(PORT) $(BIN)/python -m chalicelib.local.stack

call: $(STAMP)                      ## phone the running hotline from this terminal
	$(BIN)/python manage.py call

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint                          ## the whole suite (unit, flows through moto, local stack)
	$(BIN)/python -m pytest

bench: $(STAMP)                     ## figures: AWS requests per call, cold import ratio, step latency
	$(BIN)/python -m tests.bench.run

package: $(STAMP)                   ## CloudFormation for STAGE, linted
	rm -rf build/$(STAGE)
	AWS_DEFAULT_REGION=$(REGION) SAMVAD_STAGE=$(STAGE) $(BIN)/chalice package --stage $(STAGE) \
		--merge-template infra/resources.json build/$(STAGE)
	$(BIN)/cfn-lint build/$(STAGE)/sam.json
	@echo "build/$(STAGE)/sam.json and deployment.zip are ready (cfn-lint clean)"

clean:
	rm -rf build .pytest_cache .ruff_cache test-output
