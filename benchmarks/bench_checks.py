#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of the Go-Live self-inspection engine.

Creates (or reuses) a database with ``ipai_golive_checks`` installed with demo
data, optionally scales it up with SQL inserts (crons, system parameters, users,
module rows), then prints

* per check: time and SQL query count, in-process;
* the in-process total of a run excluding ``network`` and ``slow`` checks;
* the whole-process time of ``odoo-bin golive`` beside a bare ``odoo-bin shell``
  load of the same database, without the network and slow checks, then for
  the complete audit (every enabled check: the default ``odoo-bin golive``).

Targets: in-process <= 50 ms on the demo database and flat as data grows, run
overhead (the run minus its checks) <= 8 ms; CLI <= 1.2 x the bare shell load.

Usage::

    make bench ARGS='--db golive_bench --scale 0'   # demo db
    make bench ARGS='--db golive_bench --scale 1'   # +2,000 crons,
        # +20,000 parameters, +2,000 users, +200 module rows (cumulative)
    make bench ARGS='--db golive_bench_ce --template golive_ce'   # a copy of
        # a realistic database (e.g. 106 CE modules, no demo data) and its
        # filestore, with this repository's addons upgraded on it

The first run is a warm-up and is committed, as the daily self-audit leaves
the database (what checks remember, e.g. the database size measured once a
day); the measured runs are rolled back.

``--scale N`` adds N times (2,000 crons, 20,000 parameters, 2,000 users, 200
module rows) to what the database already holds and commits.
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
PER_SCALE = {"crons": 2000, "params": 20000, "users": 2000, "modules": 200}
EXCLUDE = ["network", "slow"]


def odoo_bin():
    """The ``odoo`` script beside this interpreter (``make bench`` runs .venv's)."""
    beside = os.path.join(os.path.dirname(sys.executable), "odoo")
    path = (
        beside
        if os.path.isfile(beside)
        else shutil.which("odoo") or shutil.which("odoo-bin")
    )
    if not path:
        sys.exit("odoo is neither beside this Python nor on PATH; use `make bench`")
    return path


def default_addons_path():
    """This repository, then Odoo's addons: ``odoo/addons`` of an installed
    Odoo, or ``addons/`` beside ``odoo/`` in a source checkout."""
    import odoo

    package = os.path.dirname(odoo.__file__)
    for core in (
        os.path.join(package, "addons"),
        os.path.join(os.path.dirname(package), "addons"),
    ):
        if os.path.isdir(os.path.join(core, "web")):
            return f"{REPO},{core}"
    return REPO


def sh(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def db_exists(db):
    out = sh(["psql", "-d", "postgres", "-Atc", "SELECT datname FROM pg_database"])
    return db in out.stdout.split()


def load_addon(db, addons_path, mode):
    """``odoo -i`` (mode ``-i``) or ``-u`` of ipai_golive_checks on ``db``."""
    sh(
        [
            sys.executable,
            odoo_bin(),
            f"--addons-path={addons_path}",
            "-d",
            db,
            mode,
            "ipai_golive_checks",
            "--stop-after-init",
            "--log-level=warn",
            "--http-port=18199",
        ]
    )


def create_db(db, addons_path):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    sh(["createdb", db])
    load_addon(db, addons_path, "-i")


def copy_db(db, template, addons_path):
    """``db`` as a copy of ``template`` and its filestore, our addons upgraded."""
    from odoo.tools import config

    subprocess.run(["dropdb", "--if-exists", db], check=True)
    sh(["createdb", "-T", template, db])
    filestore = os.path.join(config["data_dir"], "filestore")
    source = os.path.join(filestore, template)
    target = os.path.join(filestore, db)
    shutil.rmtree(target, ignore_errors=True)
    if os.path.isdir(source):
        shutil.copytree(source, target)
    load_addon(db, addons_path, "-u")


def psql(db, sql):
    sh(["psql", "-v", "ON_ERROR_STOP=1", "-d", db, "-qAtc", sql])


def scale_up(db, scale):
    """Insert rows with SQL (fast) and commit: crons, params, users, modules."""
    if scale <= 0:
        return
    tag = str(int(time.time()))
    n = {key: value * scale for key, value in PER_SCALE.items()}
    psql(
        db,
        f"""
        WITH model AS (SELECT id FROM ir_model WHERE model = 'res.partner'),
        actions AS (
            INSERT INTO ir_act_server (name, type, binding_type, model_id, usage,
                                       state, code)
            SELECT jsonb_build_object('en_US', 'Bench job {tag} ' || g),
                   'ir.actions.server', 'action', model.id, 'ir_cron', 'code',
                   'model'
            FROM generate_series(1, {n["crons"]}) g, model
            RETURNING id
        )
        INSERT INTO ir_cron (ir_actions_server_id, cron_name, user_id, active,
                             interval_number, interval_type, nextcall, priority,
                             failure_count)
        SELECT id, 'Bench job', 1, true, 1, 'days',
               now() at time zone 'utc' + interval '6 hours', 5, 0
        FROM actions;
        INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
                                         create_date, write_date)
        SELECT 'bench.{tag}.param.' || g, 'value ' || g, 1, 1, now(), now()
        FROM generate_series(1, {n["params"]}) g;
        WITH partners AS (
            INSERT INTO res_partner (name, complete_name, active, type, company_id,
                                     create_date, write_date)
            SELECT 'Bench user {tag} ' || g, 'Bench user {tag} ' || g, true,
                   'contact', 1, now(), now()
            FROM generate_series(1, {n["users"]}) g
            RETURNING id
        )
        INSERT INTO res_users (login, partner_id, company_id, active,
                               notification_type, share, create_date, write_date)
        SELECT 'bench{tag}_' || id, id, 1, true, 'email', false, now(), now()
        FROM partners;
        INSERT INTO ir_module_module (name, state, latest_version, license, demo,
                                      to_buy, create_date, write_date)
        SELECT 'bench_{tag}_module_' || g, 'uninstalled', NULL, 'LGPL-3', false,
               false, now(), now()
        FROM generate_series(1, {n["modules"]}) g;
        """,
    )


def row_counts(db):
    out = sh(
        [
            "psql",
            "-d",
            db,
            "-Atc",
            "SELECT (SELECT count(*) FROM ir_cron), "
            "(SELECT count(*) FROM ir_config_parameter), "
            "(SELECT count(*) FROM res_users), "
            "(SELECT count(*) FROM ir_module_module), "
            "(SELECT count(*) FROM ir_module_module WHERE state = 'installed')",
        ]
    )
    crons, params, users, modules, installed = out.stdout.strip().split("|")
    return {
        "crons": crons,
        "params": params,
        "users": users,
        "module rows": modules,
        "installed": installed,
    }


def in_process(db, addons_path, repeat):
    """Run the audit in-process ``repeat`` times (after a warm-up run)."""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={addons_path}", "-d", db, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(db)
    totals, overheads, per_check = [], [], {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        run_model = env["golive.check.run"]
        for index in range(repeat + 1):
            started = time.perf_counter()
            run = run_model._run_checks(trigger="manual", exclude_tags=EXCLUDE)
            elapsed = (time.perf_counter() - started) * 1000.0
            durations = {}
            for result in run.sudo().result_ids | run.sudo().waived_result_ids:
                durations.setdefault(
                    result.code, (result.duration_ms, result.query_count)
                )
            if index:  # the first run warms caches up
                totals.append(elapsed)
                overheads.append(elapsed - sum(ms for ms, _q in durations.values()))
                for code, sample in durations.items():
                    per_check.setdefault(code, []).append(sample)
                cr.rollback()  # leave no run behind (and release the run lock)
            else:
                cr.commit()  # the warm-up run, as the daily self-audit
    return totals, overheads, per_check


def timed(cmd, repeat, stdin=None):
    times = []
    for _i in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            cmd,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="golive_bench")
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="add SCALE x (2,000 crons, 20,000 parameters, 2,000 users, 200 "
        "module rows) before measuring (0: as is)",
    )
    parser.add_argument("--recreate", action="store_true", help="drop, recreate")
    parser.add_argument(
        "--template",
        metavar="DB",
        help="create --db as a copy of this database and its filestore (a "
        "realistic database with both addons installed), upgraded",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cli-repeat", type=int, default=3)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args()
    addons_path = args.addons_path or default_addons_path()

    if args.template and (args.recreate or not db_exists(args.db)):
        print(f"copying {args.template} to {args.db} ...", flush=True)
        copy_db(args.db, args.template, addons_path)
    elif args.recreate or not db_exists(args.db):
        print(f"creating {args.db} with demo data ...", flush=True)
        create_db(args.db, addons_path)
    scale_up(args.db, args.scale)
    counts = row_counts(args.db)
    print("database:", args.db, ", ".join(f"{k} {v}" for k, v in counts.items()))

    totals, overheads, per_check = in_process(args.db, addons_path, args.repeat)
    print()
    print(f"{'check':<32} {'ms (median)':>12} {'queries':>8}")
    for code, samples in sorted(per_check.items()):
        ms = statistics.median(s[0] for s in samples)
        queries = max(s[1] for s in samples)
        print(f"{code:<32} {ms:>12.2f} {queries:>8}")
    checks_ms = sum(statistics.median(s[0] for s in v) for v in per_check.values())
    print(f"{'sum of the checks':<32} {checks_ms:>12.2f}")
    print(
        f"\nin-process run, excluding {'/'.join(EXCLUDE)}: median "
        f"{statistics.median(totals):.1f} ms, min {min(totals):.1f} ms "
        f"({len(per_check)} checks, {args.repeat} runs; target <= 50)"
    )
    print(
        f"run overhead (run minus its checks): median "
        f"{statistics.median(overheads):.1f} ms, min {min(overheads):.1f} ms "
        "(target <= 8)"
    )

    base = [sys.executable, odoo_bin(), f"--addons-path={addons_path}"]
    cli = timed(
        base
        + ["golive", "-d", args.db, "--format", "json", "--output", os.devnull]
        + [f"--exclude-tag={tag}" for tag in EXCLUDE],
        args.cli_repeat,
    )
    shell = timed(
        base + ["shell", "-d", args.db, "--log-level=warn", "--no-http"],
        args.cli_repeat,
        stdin="pass\n",
    )
    cli_s, shell_s = statistics.median(cli), statistics.median(shell)
    print(
        f"CLI golive whole process: {cli_s:.2f} s; bare odoo shell load: "
        f"{shell_s:.2f} s; ratio {cli_s / shell_s:.2f} (target <= 1.2)"
    )
    complete_audit(base, args.db, args.cli_repeat)


def complete_audit(base, db, pairs):
    """The default ``odoo-bin golive`` (a complete audit: every enabled check,
    network and slow ones included, their probes side by side with the
    database checks) beside a bare ``odoo shell`` load, in interleaved pairs."""
    audit, shell = [], []
    for _i in range(pairs):
        shell += timed(
            base + ["shell", "-d", db, "--log-level=warn", "--no-http"],
            1,
            stdin="pass\n",
        )
        audit += timed(
            base + ["golive", "-d", db, "--format", "json", "--output", os.devnull],
            1,
        )
    audit_s, shell_s = statistics.median(audit), statistics.median(shell)
    print(
        f"complete audit (odoo-bin golive, no exclusion): {audit_s:.2f} s; bare "
        f"odoo shell load: {shell_s:.2f} s; ratio {audit_s / shell_s:.2f} "
        f"(median of {pairs} pairs; target <= 1.2)"
    )


if __name__ == "__main__":
    main()
