#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of releases and their reports (``ipai_golive``).

On a database where ``ipai_golive`` is installed, inside one transaction that is
rolled back at the end (nothing is kept), the script

* pads the installed modules up to ``--modules`` (600) with SQL rows;
* takes a release of a checklist and prints the time and SQL query count of
  the snapshot (``_prepare_release_vals`` + ``create``), then takes a second
  one with 300 more modules to show that the query count does not grow;
* renders WHAT_SHIPPED as Markdown (median of ``--repeat`` runs) and as PDF
  (Debian's wkhtmltopdf), and GO_LIVE_MANIFEST as PDF.

Targets: WHAT_SHIPPED Markdown for 600 modules <= 1 s; a constant number of
queries to take a release, whatever the number of modules.

Usage::

    python3 benchmarks/bench_release.py --db golive_bench_t11 [--modules 600]
"""

import argparse
import os
import statistics
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def default_addons_path():
    import odoo

    package = os.path.dirname(odoo.__file__)
    candidates = (
        os.path.join(os.path.dirname(package), "addons"),
        os.path.join(package, "addons"),
    )
    core = next(path for path in candidates if os.path.isdir(path))
    return f"{REPO},{core}"


def pad_modules(cr, target, prefix):
    cr.execute("SELECT count(*) FROM ir_module_module WHERE state = 'installed'")
    missing = max(0, target - cr.fetchone()[0])
    cr.execute(
        "INSERT INTO ir_module_module (name, state, latest_version, author, "
        "license, shortdesc, application, demo, auto_install) "
        "SELECT %s || n, 'installed', '18.0.1.0.' || n, 'Bench & Co', 'LGPL-3', "
        "jsonb_build_object('en_US', 'Bench ' || n), false, false, false "
        "FROM generate_series(1, %s) n",
        (prefix, missing),
    )
    return missing


def measure(cr, func):
    queries, started = cr.sql_log_count, time.perf_counter()
    result = func()
    return result, time.perf_counter() - started, cr.sql_log_count - queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--modules", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={args.addons_path or default_addons_path()}",
            "-d",
            args.db,
            "--log-level=error",
        ]
    )
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            run(env, cr, args)
        finally:
            cr.rollback()


def run(env, cr, args):
    from odoo import fields

    Release = env["golive.release"]
    Report = env["ir.actions.report"]
    checklist = env["golive.checklist"].search([], limit=1) or env[
        "golive.checklist"
    ].create({"name": "Benchmark", "date_golive": fields.Date.today()})
    added = pad_modules(cr, args.modules, "golive_bench_a_")
    Release._take(checklist)  # warm the caches (templates, registry)

    def snapshot():
        return Release.create([Release._prepare_release_vals(checklist)])

    release, seconds, queries = measure(cr, snapshot)
    print(
        f"Release of {release.module_count} modules ({added} padded): snapshot "
        f"{seconds * 1000:.0f} ms, {queries} queries"
    )
    pad_modules(cr, args.modules + 300, "golive_bench_b_")
    bigger, seconds, queries_more = measure(cr, snapshot)
    print(
        f"Release of {bigger.module_count} modules: snapshot {seconds * 1000:.0f} ms, "
        f"{queries_more} queries ({'constant' if queries_more == queries else 'GROWS'})"
    )
    _taken, seconds, queries = measure(cr, lambda: Release._take(checklist))
    print(
        f"Taking it with its four documents (2 PDF, 2 Markdown): "
        f"{seconds:.2f} s, {queries} queries"
    )
    timings = []
    for _index in range(args.repeat):
        (text, _fmt), seconds, queries = measure(
            cr,
            lambda: Report._render_qweb_text(
                "ipai_golive.action_report_what_shipped_md", release.ids
            ),
        )
        timings.append(seconds)
    print(
        f"WHAT_SHIPPED Markdown, {release.module_count} modules: median "
        f"{statistics.median(timings) * 1000:.0f} ms (target <= 1000 ms), "
        f"{queries} queries, {len(text.splitlines())} lines"
    )
    for xmlid, label in (
        ("ipai_golive.action_report_what_shipped", "WHAT_SHIPPED"),
        ("ipai_golive.action_report_go_live_manifest", "GO_LIVE_MANIFEST"),
    ):
        (pdf, _fmt), seconds, _queries = measure(
            cr,
            lambda xmlid=xmlid: Report.with_context(
                report_pdf_no_attachment=True
            )._render_qweb_pdf(xmlid, release.ids),
        )
        print(f"{label} PDF: {seconds:.2f} s, {len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
