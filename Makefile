# The two commands of the README: `make demo` and `make test`. Both do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STACK := bash stack/stack.sh

.PHONY: help setup db2-driver test unit typecheck lint deps demo stack-up stack-down stack-status

help:
	@echo "make demo   set up, start the local stack, seed the demo source, run the main job"
	@echo "make test   set up, start the services the tests need, run typecheck, lint and every test"

# --ignore-scripts: the one install script package.json allows (ibm_db's) needs IBM_DB_HOME, which
# db2-driver provides; run bare, it would try to download IBM's CLI driver from the web.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Fetches IBM's CLI driver (pinned in stack/versions.env) and builds ibm_db against it; skipped when built.
db2-driver: node_modules/.package-lock.json
	$(STACK) db2-driver

setup: node_modules/.package-lock.json
	$(STACK) provision
	$(STACK) db2-driver

typecheck: node_modules/.package-lock.json
	npx tsc --noEmit

lint: node_modules/.package-lock.json
	npx eslint .

# The architecture's import arrows (.dependency-cruiser.cjs), type-only imports included.
deps: node_modules/.package-lock.json
	npm run --silent deps

unit: db2-driver
	FACTORY_TEST_NO_STACK=1 npx vitest run contracts core domains connectors/db2

test: setup typecheck lint deps
	$(STACK) up --with connect,bigquery,identity
	npx vitest run --reporter=default --reporter=json --outputFile=.vitest-report.json

stack-up: setup
	$(STACK) up --with connect

stack-down:
	$(STACK) down

stack-status:
	$(STACK) status

demo: setup
	bash scripts/demo.sh
