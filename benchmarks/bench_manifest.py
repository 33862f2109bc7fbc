#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a ship manifest adds to a self-audit run.

Builds a manifest of ``--modules`` modules (default 600: every module installed
in the database, then made-up names that are on no addons path) in 20 stages,
with 10 gates, 14 server options, 5 environment variables, 3 bundles and 3
routes, and prints, as medians of ``--repeat`` runs:

* the load: YAML parse + JSON Schema validation + the semantic rules;
* each manifest check, in-process (time and SQL queries), the ``network``
  gates excluded (they wait for a server);
* the total the manifest adds to a run (load + checks).

Target: <= 30 ms for 600 modules. Nothing is committed: every run is rolled
back.

Usage::

    .venv/bin/python benchmarks/bench_manifest.py --db golive_bench --modules 600
"""

import argparse
import os
import statistics
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TARGET_MS = 30.0


def build_manifest(installed, count):
    names = list(installed)[:count]
    names += [f"x_bench_module_{i:04d}" for i in range(count - len(names))]
    stages = [
        {"stage": f"stage_{i:02d}", "modules": names[i::20]}
        for i in range(20)
        if names[i::20]
    ]
    return {
        "bundle": {"name": "bench-bundle", "version": "1.0.0", "target_odoo_major": 18},
        "database": {
            "canonical_db_name": "bench",
            "dbfilter_regex": "^bench$",
            "list_db": False,
        },
        "ipai_modules": {"all": names},
        "install_order": stages,
        "gates": {
            "required": [
                {"id": f"gate_{i}", "command": f"make gate-{i}"} for i in range(10)
            ]
        },
        "runtime_config": {
            "odoo_conf": {
                "workers": 4,
                "max_cron_threads": 2,
                "limit_memory_hard": 2684354560,
                "limit_memory_soft": 2147483648,
                "limit_time_cpu": 600,
                "limit_time_real": 1200,
                "list_db": "False",
                "dbfilter": "^bench$",
                "log_level": "info",
                "proxy_mode": True,
                "db_host": "db",
                "db_port": 5432,
                "db_user": "odoo",
                "db_password": "${DB_PASSWORD}",
            },
            "environment": [f"BENCH_VAR_{i}" for i in range(5)],
        },
        "assets": {
            "bundles": [
                "web.assets_backend",
                "web.assets_frontend",
                "web.assets_common",
            ],
            "endpoints": ["/web/login", "/web/health", "/longpolling"],
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with ipai_golive_checks")
    parser.add_argument("--modules", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    core = os.path.join(os.path.dirname(odoo.__file__), "addons")
    config.parse_config(
        ["-d", args.db, f"--addons-path={REPO},{core}", "--log-level=warn"],
        setup_logging=True,
    )
    from odoo.addons.ipai_golive_checks.tools.manifest import (
        CONTEXT_KEY,
        load_manifest,
    )

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        installed = sorted(row[0] for row in cr.fetchall())
        text = yaml.safe_dump(build_manifest(installed, args.modules), sort_keys=False)
        load_ms, per_check, totals = [], {}, []
        manifest = None
        for _i in range(args.repeat):
            started = time.perf_counter()
            manifest = load_manifest(text, "bench.yml")
            load_ms.append((time.perf_counter() - started) * 1000)
            run = (
                env["golive.check.run"]
                .with_context(**{CONTEXT_KEY: manifest})
                ._run_checks(
                    trigger="cli", categories=["manifest"], exclude_tags=["network"]
                )
            )
            checks_ms = 0.0
            for result in run.result_ids:
                per_check.setdefault(result.code, {})[result.id] = (
                    result.duration_ms,
                    result.query_count,
                )
            seen = {}
            for result in run.result_ids:
                seen[result.code] = result.duration_ms
            checks_ms = sum(seen.values())
            totals.append(load_ms[-1] + checks_ms)
            cr.rollback()
        print(
            f"Manifest: {args.modules} modules ({len(installed)} installed here), "
            f"{len(manifest.stages())} stages, {len(text) / 1024:.0f} KiB of YAML; "
            f"database {args.db}; median of {args.repeat} runs"
        )
        print(
            f"  load (YAML + JSON Schema + rules)   "
            f"{statistics.median(load_ms):7.1f} ms  (min {min(load_ms):.1f})"
        )
        for code in sorted(per_check):
            runs = {}
            for duration, queries in per_check[code].values():
                runs.setdefault("d", []).append(duration)
                runs.setdefault("q", []).append(queries)
            # one duration per run (every finding of a check carries it)
            durations = sorted(set(runs["d"]))
            print(
                f"  {code:<34} {statistics.median(durations):7.1f} ms  "
                f"{max(runs['q']):3d} queries"
            )
        checks = statistics.median(
            t - ld for t, ld in zip(totals, load_ms, strict=True)
        )
        total = statistics.median(totals)
        print(
            f"  checks, stored manifest (checklist, cron)  {checks:7.1f} ms  "
            f"(min {min(t - ld for t, ld in zip(totals, load_ms, strict=True)):.1f})"
        )
        print(
            f"  load + checks (odoo-bin golive --manifest) {total:7.1f} ms  "
            f"(min {min(totals):.1f}; target <= {TARGET_MS:.0f} ms: "
            f"{'met' if total <= TARGET_MS else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
