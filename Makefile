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

# Generated repos need Node.js >= 22.12 (pins.toml). When the machine's node is older,
# `node22` installs the Node.js 22 binary pinned in tests/node22/ from the npm registry
# under .cache/node22, and every recipe here runs with it first on PATH (npm too, since
# npm runs on the first node on PATH).
NODE22_DIR := .cache/node22
NODE22 := $(NODE22_DIR)/node_modules/.bin/node
MACHINE_NODE_IS_NEW_ENOUGH := $(shell node -e 'const [major, minor] = process.versions.node.split(".").map(Number); console.log(major > 22 || (major === 22 && minor >= 12))' 2>/dev/null)
ifeq ($(MACHINE_NODE_IS_NEW_ENOUGH),true)
NODE_FOR_GENERATED_REPOS :=
else
NODE_FOR_GENERATED_REPOS := $(NODE22)
export PATH := $(abspath $(NODE22_DIR)/node_modules/.bin):$(PATH)
endif

.PHONY: demo test bench venv node22 typescript clean

$(BIN)/copier: requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/test.txt
	touch $@

venv: $(BIN)/copier

$(NODE22): tests/node22/package.json tests/node22/package-lock.json
	mkdir -p $(NODE22_DIR)
	cp tests/node22/package.json tests/node22/package-lock.json $(NODE22_DIR)/
	cd $(NODE22_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

node22: $(NODE_FOR_GENERATED_REPOS)

# Step 1 is printed here, before the venv exists; tools/demo.py tells the rest.
demo:
	@echo "[1/5] tools: .venv (requirements/test.txt) and Node.js 22 if needed; the first run takes ~2 minutes"
	@$(MAKE) --no-print-directory --silent venv node22
	@$(BIN)/python tools/demo.py $(DEMO_DIR)

test: venv node22
	$(BIN)/pytest -n 2 --dist loadgroup

# The Powertools baseline of the cold-start benchmark, installed from its lock file.
$(POWERTOOLS_BENCH)/node_modules/.package-lock.json: $(POWERTOOLS_BENCH)/package.json $(POWERTOOLS_BENCH)/package-lock.json
	cd $(POWERTOOLS_BENCH) && npm ci --no-audit --no-fund --loglevel=error

bench: venv node22 $(POWERTOOLS_BENCH)/node_modules/.package-lock.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The TypeScript twins of the JavaScript sources (docs/decisions.md): run after editing a
# source that a TypeScript case renders; tests/test_typescript.py fails while they drift.
TYPESCRIPT_TOOL := tools/typescript
$(TYPESCRIPT_TOOL)/node_modules/.package-lock.json: $(TYPESCRIPT_TOOL)/package.json $(TYPESCRIPT_TOOL)/package-lock.json
	cd $(TYPESCRIPT_TOOL) && npm ci --no-audit --no-fund --loglevel=error

typescript: venv $(TYPESCRIPT_TOOL)/node_modules/.package-lock.json
	cd template && ../$(BIN)/python ../$(TYPESCRIPT_TOOL)/sources.py | xargs -d '\n' node ../$(TYPESCRIPT_TOOL)/derive.mjs

clean:
	rm -rf $(VENV) .cache $(DEMO_DIR) $(POWERTOOLS_BENCH)/node_modules $(TYPESCRIPT_TOOL)/node_modules bench/results.json
