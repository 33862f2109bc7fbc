# IPAI Go-Live entry points. See README.md.
.PHONY: demo test lint bench pytest

demo:  ## fresh demo database with both addons, an audit run, Odoo on :8069
	bash scripts/demo

test:  ## every test, with Odoo's runner, on a fresh database
	bash scripts/test

lint:  ## ruff + pylint-odoo, as pre-commit does
	bash scripts/lint

bench:  ## benchmark of the self-inspection engine
	python3 benchmarks/bench_checks.py

pytest:  ## the same tests under pytest-odoo (on the database `make test` left)
	bash scripts/pytest
