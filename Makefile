# news-ingest: two commands do everything on a fresh machine.
#   make run   create .venv, install pinned dependencies, run the batch pipeline on seeds/ into data/, print a summary
#   make test  create .venv, install pinned dependencies, run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
INPUT  ?= seeds
OUTPUT ?= data
# Extra flags for `make run`, e.g. RUN_FLAGS="--direct_num_workers 2 --direct_running_mode multi_processing"
RUN_FLAGS ?=

.PHONY: run test bench lock generate clean install

install: $(STAMP)

# Re-install only when the dependency files change; the stamp records a finished install.
$(STAMP): setup.py constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

run: $(STAMP)
	$(VENV)/bin/news-ingest batch --input $(INPUT) --output $(OUTPUT) $(RUN_FLAGS)
	$(VENV)/bin/news-ingest summary --output $(OUTPUT)

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench.run_all

# Re-pin every dependency after changing setup.py (needs the package registry; the
# Dataflow pins in deploy/dataflow/ are re-resolved against the new constraints too).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet '.[test]'
	( echo "# Pinned versions of every package news-ingest installs (Python 3.11, Linux x86_64)."; \
	  echo "# Used as a pip constraints file by the Makefile and by deploy/ (Dockerfile, Dataflow workers)."; \
	  echo "# Regenerate with \`make lock\` after changing setup.py."; \
	  .venv-lock/bin/pip freeze --exclude news-ingest ) > constraints.txt
	rm -rf .venv-lock
	$(PY) -m deploy.dataflow.lock_dependencies

# Rewrite the files generated from the code: docs/schema.md, the Dataflow template's
# metadata.json, the warehouse DDL, the gazetteer's city tables and the given names (tests fail when any
# of them is stale).
generate: $(STAMP)
	$(PY) -m schemas.docs > docs/schema.md
	$(PY) -m deploy.dataflow.generate_metadata
	$(PY) -m deploy.warehouse.generate_ddl
	$(PY) -m transforms.nlp.city_index
	$(PY) -m transforms.nlp.given_names

clean:
	rm -rf $(VENV) data build *.egg-info
