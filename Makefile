# The two commands of the README: `make demo` and `make test`. Both do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STACK := bash stack/stack.sh

.PHONY: help setup test unit typecheck lint deps demo stack-up stack-down stack-status

help:
	@echo "make demo   set up, start the local stack, seed the demo source, run the main job"
	@echo "make test   set up, start the services the tests need, run typecheck, lint and every test"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

setup: node_modules/.package-lock.json
	$(STACK) provision

typecheck: node_modules/.package-lock.json
	npx tsc --noEmit

lint: node_modules/.package-lock.json
	npx eslint .

# The architecture's import arrows (.dependency-cruiser.cjs), type-only imports included.
deps: node_modules/.package-lock.json
	npm run --silent deps

unit: node_modules/.package-lock.json
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
