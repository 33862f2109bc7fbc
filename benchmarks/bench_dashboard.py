#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the Go-Live overview, the engine's dashboard and the task
update after an audit.

Creates (or reuses) a database with ``ipai_golive`` installed (no demo data);
then, in a transaction it rolls back, builds ``--checklists`` checklists from
the shipped 96-task template and ``--runs`` audit runs, and prints, for each
screen the web client opens, the SQL queries and the time of the read it makes
(caches cleared before each read, median of ``--repeat``):

* the Go-Live overview (kanban of the open checklists: readiness overall and
  per phase, red gates, audit age, criticals);
* the engine: score over time (graph over runs), counts by severity and
  category, what changed since the previous run, what fails now;
* the tasks grouped by checklist and phase;
* updating every checklist's bound tasks from an audit.

Each figure is printed for 1 checklist and for ``--checklists``: the query
counts must not grow with the number of checklists, tasks or runs.

Usage::

    python3 benchmarks/bench_dashboard.py --db golive_bench_t12 --recreate
    python3 benchmarks/bench_dashboard.py --db golive_bench_t12 \
        --checklists 10 --runs 100
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# Cheap checks, so that a hundred runs take seconds; one of them fails.
RUN_CODES = ["config.list_db", "params.attachment_location", "config.proxy_mode"]


def odoo_bin():
    beside = os.path.join(os.path.dirname(sys.executable), "odoo")
    path = beside if os.path.isfile(beside) else shutil.which("odoo")
    if not path:
        sys.exit("odoo is neither beside this Python nor on PATH")
    return path


def default_addons_path():
    import odoo

    package = os.path.dirname(odoo.__file__)
    # a source checkout has addons/ beside odoo/; a wheel has odoo/addons
    core = os.path.join(os.path.dirname(package), "addons")
    if not os.path.isdir(core):
        core = os.path.join(package, "addons")
    return f"{REPO},{core}"


def db_exists(db):
    out = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", "SELECT datname FROM pg_database"],
        check=True,
        capture_output=True,
        text=True,
    )
    return db in out.stdout.split()


def create_db(db, addons_path, http_port):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", db], check=True)
    subprocess.run(
        [
            sys.executable,
            odoo_bin(),
            f"--addons-path={addons_path}",
            "-d",
            db,
            "-i",
            "ipai_golive",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            f"--http-port={http_port}",
        ],
        check=True,
    )


def field_spec(model, arch):
    """What the web client reads for a list/kanban arch: its fields, with the
    display name of many2ones."""
    from lxml import etree

    spec = {}
    for node in etree.fromstring(arch).iter("field"):
        name = node.get("name")
        field = model._fields[name]
        spec[name] = (
            {"fields": {"display_name": {}}} if field.type == "many2one" else {}
        )
    return spec


def measure(env, repeat, read):
    """``(queries, median ms)`` of ``read()``, caches cleared each time."""
    queries, times = [], []
    for _i in range(repeat):
        env.flush_all()
        env.invalidate_all()
        env.registry.clear_cache()
        read()  # warm the registry caches (views, access rules) the way a
        env.invalidate_all()  # browser session has them warm
        before = env.cr.sql_log_count
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000.0)
        queries.append(env.cr.sql_log_count - before)
    return max(queries), statistics.median(times)


def screens(env):
    """The reads the web client makes to open each screen."""
    Checklist = env["golive.checklist"]
    overview = env.ref("ipai_golive.golive_overview_action")
    kanban = Checklist.get_views([(overview.view_ids[0].view_id.id, "kanban")])
    kanban_spec = field_spec(Checklist, kanban["views"]["kanban"]["arch"])
    Finding = env["golive.check.finding"]
    finding_spec = field_spec(
        Finding, Finding.get_views([(False, "list")])["views"]["list"]["arch"]
    )
    Run = env["golive.check.run"]
    Task = env["golive.task"]
    task_spec = field_spec(
        Task, Task.get_views([(False, "list")])["views"]["list"]["arch"]
    )
    return {
        "overview (kanban)": lambda: Checklist.web_search_read(
            [("state", "not in", ("closed", "aborted"))],
            kanban_spec,
            order="audit_critical_count desc, gate_red_count desc, date_golive",
        ),
        "score over time (graph)": lambda: Run.read_group(
            [], ["score:avg"], ["date_start:day"], lazy=False
        ),
        "counts by severity/category": lambda: Finding.read_group(
            [("status", "in", ("warn", "fail", "error"))],
            ["severity"],
            ["severity", "category"],
            lazy=False,
        ),
        "changed since previous run": lambda: Finding.web_search_read(
            [("changed", "=", True)], finding_spec, limit=80
        ),
        "failing now (list)": lambda: Finding.web_search_read(
            [("failing", "=", True)], finding_spec, limit=80
        ),
        "tasks by checklist, phase": lambda: Task.web_read_group(
            [], list(task_spec), ["checklist_id", "phase_id"], lazy=False
        ),
    }


def build(env, checklists, runs):
    """``checklists`` checklists of the shipped template and ``runs`` runs."""
    from unittest.mock import patch

    from odoo.tools import config

    template = env.ref("ipai_golive.template_kickoff_golive")
    records = env["golive.checklist"]
    for index in range(checklists):
        checklist = template._create_checklist(
            {
                "name": f"Bench {index}",
                "date_kickoff": "2026-01-05",
                "date_golive": "2026-02-16",
            }
        )
        records |= checklist
    Run = env["golive.check.run"]
    last = Run
    for index in range(runs):
        with patch.dict(config.options, {"list_db": bool(index % 2)}):
            last = Run._run_checks(trigger="cron", codes=RUN_CODES)
    env.flush_all()
    return records, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="golive_bench_t12")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--checklists", type=int, default=10)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--http-port", type=int, default=18122)
    args = parser.parse_args()
    addons_path = args.addons_path or default_addons_path()
    if args.recreate or not db_exists(args.db):
        print(f"creating {args.db} ...", flush=True)
        create_db(args.db, addons_path, args.http_port)

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={addons_path}", "-d", args.db, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        rows = {}
        for label, count, runs in (
            ("1 x 96 tasks, 10 runs", 1, 10),
            (
                f"{args.checklists} x 96 tasks, {args.runs} runs",
                args.checklists,
                args.runs,
            ),
        ):
            checklists, run = build(env, count, runs)
            started = time.perf_counter()
            before = cr.sql_log_count
            checklists._set_audit(run)
            env.flush_all()
            sync = (cr.sql_log_count - before, (time.perf_counter() - started) * 1000)
            figures = {"update bound tasks from an audit": sync}
            for name, read in screens(env).items():
                figures[name] = measure(env, args.repeat, read)
            rows[label] = figures
            cr.rollback()
        labels = list(rows)
        width = max(len(name) for name in rows[labels[0]])
        print(f"\n{'screen':<{width}} | " + " | ".join(labels))
        print("-" * width + "-|-" + "-|-".join("-" * len(label) for label in labels))
        for name in rows[labels[0]]:
            cells = [
                f"{rows[label][name][0]} queries, {rows[label][name][1]:.1f} ms"
                for label in labels
            ]
            print(f"{name:<{width}} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
