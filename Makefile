# The two commands of the README:
#   make demo  renders a default project and proves it works (its own tests + a local invoke)
#   make test  runs this template's whole test suite
#   make bench measures (never asserts) the numbers of bench/README.md; BENCH_ARGS=--quick skips the suite timing
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-project
BENCH_ARGS ?=
POWERTOOLS_BENCH := bench/powertools
export CI ?= true
export WRANGLER_SEND_METRICS := false

.PHONY: demo test bench venv clean

$(BIN)/copier: requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/test.txt
	touch $@

venv: $(BIN)/copier

demo: venv
	rm -rf $(DEMO_DIR)
	$(BIN)/copier copy --defaults --trust --quiet . $(DEMO_DIR)
	cd $(DEMO_DIR) && npm install --no-audit --no-fund --loglevel=error
	cd $(DEMO_DIR) && npm test
	cd $(DEMO_DIR) && npm run invoke -- events/post-order.json events/post-order.json

test: venv
	$(BIN)/pytest -n 2 --dist loadgroup

# The Powertools baseline of the cold-start benchmark, installed from its lock file.
$(POWERTOOLS_BENCH)/node_modules/.package-lock.json: $(POWERTOOLS_BENCH)/package.json $(POWERTOOLS_BENCH)/package-lock.json
	cd $(POWERTOOLS_BENCH) && npm ci --no-audit --no-fund --loglevel=error

bench: venv $(POWERTOOLS_BENCH)/node_modules/.package-lock.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache $(DEMO_DIR) $(POWERTOOLS_BENCH)/node_modules bench/results.json
