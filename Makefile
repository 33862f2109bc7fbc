# IPAI Go-Live entry points. See README.md.
# Each sets up Odoo 18.0 CE and the project's requirements in .venv first
# (scripts/odoo_env.py; ODOO_SOURCE says where Odoo comes from, ODOO_PYTHON
# points at an existing Odoo 18 instead). The second time, that step is skipped.
.PHONY: demo test lint bench bench-fleet pytest env screenshots pot format

demo:  ## fresh demo database with both addons, an audit run, Odoo on :8069
	bash scripts/demo

test:  ## every test, with Odoo's runner, on a fresh database
	bash scripts/test

lint:  ## ruff, pylint-odoo, manifestoo licences, README.rst, prettier, eslint
	bash scripts/lint

bench:  ## benchmark of the self-inspection engine (ARGS='--scale 1 ...')
	bash scripts/bench $(ARGS)

bench-fleet:  ## odoo-bin golive --all-databases over 1 and 10 databases
	bash scripts/bench benchmarks/bench_fleet.py $(ARGS)

pytest:  ## the same tests under pytest-odoo (on the database `make test` left)
	bash scripts/pytest

format:  ## prettier --write and ruff format over the repository
	bash scripts/format

pot:  ## i18n/<addon>.pot of each addon, by Odoo's own export (commit them)
	bash scripts/pot

env:  ## only set up .venv (Odoo 18.0 CE + requirements)
	python3 scripts/odoo_env.py requirements.txt test-requirements.txt

screenshots:  ## the README's screenshots, from a running `make demo`
	bash scripts/screenshots
