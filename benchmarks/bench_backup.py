#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timings of the pre-cutover backup and its restore test (``golive.backup``).

On an existing database with ``ipai_golive`` installed, runs the backup job's
work in-process ``--repeat`` times: ``pg_dump -Fc`` + filestore archive, then
the restore test (restore into a scratch database, row counts, drop). Files go
to a temporary directory that is removed afterwards; the backup records are
rolled back. Prints the database and filestore sizes, then per run and as
medians the backup and restore durations.

Usage::

    python3 benchmarks/bench_backup.py --db golive_demo --repeat 3
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def default_addons_path():
    import odoo

    core = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
    return f"{REPO},{core}"


def mib(size):
    return f"{size / 1048576:.1f} MiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database with ipai_golive")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args()

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={args.addons_path or default_addons_path()}",
            "-d",
            args.db,
            "--log-level=warn",
        ],
        setup_logging=True,
    )
    directory = tempfile.mkdtemp(prefix="golive_bench_backup_")
    config["golive_backup_dir"] = directory
    config["golive_backup_keep"] = args.repeat + 1
    rows = []
    try:
        with Registry(args.db).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            cr.execute("SELECT pg_database_size(current_database())")
            db_size = cr.fetchone()[0]
            files = size = 0
            for root, _dirs, names in os.walk(config.filestore(args.db)):
                files += len(names)
                size += sum(os.path.getsize(os.path.join(root, n)) for n in names)
            print(
                f"database {args.db}: {mib(db_size)}, filestore {files} files "
                f"{mib(size)}"
            )
            print("run  backup (s)  dump  filestore.tar.gz  restore test (s)  result")
            for index in range(1, args.repeat + 1):
                backup = env["golive.backup"].create({"database": args.db})
                backup._golive_execute()
                if backup.state != "done":
                    sys.exit(f"backup failed: {backup.error}")
                rows.append((backup.duration, backup.restore_duration))
                print(
                    f"{index:>3}  {backup.duration:>10.2f}  {mib(backup.dump_size)}"
                    f"  {mib(backup.filestore_size):>16}  "
                    f"{backup.restore_duration:>16.2f}  {backup.restore_state}: "
                    f"{backup.restore_message}"
                )
            cr.rollback()  # leave no backup record behind
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(
        f"median: backup {statistics.median(r[0] for r in rows):.2f} s, "
        f"restore test {statistics.median(r[1] for r in rows):.2f} s"
    )


if __name__ == "__main__":
    main()
