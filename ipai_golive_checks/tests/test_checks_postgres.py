# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re
import threading
import time
from datetime import timedelta
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.sql_db import connection_info_for, db_connect
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestChecksPostgres(GoliveCase):
    def set_params(self, code, **params):
        self.env["golive.check"]._sync_registry()[code].parameters = json.dumps(params)

    def pg_setting(self, name):
        self.env.cr.execute("SELECT setting FROM pg_settings WHERE name = %s", [name])
        row = self.env.cr.fetchone()
        return int(row[0]) if row else 0  # reserved_connections: PG16+ only

    def pg_available(self):
        """Connections an ordinary role gets before "too many clients"."""
        return (
            self.pg_setting("max_connections")
            - self.pg_setting("superuser_reserved_connections")
            - self.pg_setting("reserved_connections")
        )

    def test_version(self):
        self.env.cr.execute("SHOW server_version_num")
        major = int(self.env.cr.fetchone()[0]) // 10000
        self.set_params("postgres.version", target_version=major)
        run = self.run_checks(["postgres.version"])
        self.assertStatus(run, "postgres.version", "pass")
        self.set_params("postgres.version", target_version=major + 1)
        run = self.run_checks(["postgres.version"])
        self.assertStatus(run, "postgres.version", "warn")
        self.set_params("postgres.version", min_version=major + 1)
        run = self.run_checks(["postgres.version"])
        self.assertStatus(run, "postgres.version", "fail")
        self.assertEqual(
            self.results(run).evidence["server_version_num"] // 10000, major
        )

    def test_max_connections(self):
        available = self.pg_available()
        # prefork: (2 workers + 1 cron) x 4 + gevent 4 = 16
        fits = {
            "workers": 2,
            "max_cron_threads": 1,
            "db_maxconn": 4,
            "db_maxconn_gevent": False,
        }
        with patch.dict(config.options, fits):
            run = self.run_checks(["postgres.max_connections"])
        self.assertStatus(run, "postgres.max_connections", "pass")
        self.assertEqual(self.results(run).evidence["demand"], 16)
        # the default db_maxconn 64 with 2 cron workers and enough workers to
        # exceed this server's budget, whatever its max_connections
        workers = available // 64 + 1
        processes = workers + 2 + 1
        with patch.dict(
            config.options,
            {
                "workers": workers,
                "max_cron_threads": 2,
                "db_maxconn": 64,
                "db_maxconn_gevent": False,
            },
        ):
            run = self.run_checks(["postgres.max_connections"])
        result = self.results(run)
        self.assertEqual(result.status, "fail")
        self.assertEqual(result.object_key, "max_connections")
        self.assertEqual(result.evidence["demand"], processes * 64)
        self.assertEqual(
            result.evidence["suggested_db_maxconn"], max(available // processes, 1)
        )
        self.assertIn(
            f"({workers} workers + 2 cron workers) x db_maxconn 64 + 1 gevent "
            f"process x 64 = {processes * 64}",
            result.message,
        )
        self.assertIn(
            f"Set db_maxconn to at most {max(available // processes, 1)} "
            f"({available} / {processes} processes)",
            result.message,
        )
        self.assertIn("pgbouncer", result.message)
        # threaded: one pool, just above what the server accepts
        with patch.dict(config.options, {"workers": 0, "db_maxconn": available + 1}):
            run = self.run_checks(["postgres.max_connections"])
        self.assertStatus(run, "postgres.max_connections", "fail")
        self.assertEqual(self.results(run).evidence["mode"], "threaded")
        with patch.dict(config.options, {"workers": 0, "db_maxconn": available}):
            run = self.run_checks(["postgres.max_connections"])
        self.assertStatus(run, "postgres.max_connections", "pass")

    def test_connections(self):
        self.set_params("postgres.connections", warn_percent=100, fail_percent=100)
        run = self.run_checks(["postgres.connections"])
        self.assertStatus(run, "postgres.connections", "pass")
        evidence = self.results(run).evidence
        self.assertGreaterEqual(evidence["this_database"], 1)
        # the percentage is of what ordinary roles get, not of max_connections
        available = self.pg_available()
        self.assertEqual(evidence["available"], available)
        self.assertEqual(
            evidence["max_connections"], self.pg_setting("max_connections")
        )
        self.assertEqual(
            evidence["percent"],
            round(100.0 * evidence["connections"] / available, 1),
        )
        self.assertIn(
            f"of {available} available connections", self.results(run).message
        )
        self.set_params("postgres.connections", warn_percent=0, fail_percent=100)
        run = self.run_checks(["postgres.connections"])
        result = self.assertFinding(
            run,
            "postgres.connections",
            "warn",
            re.compile(
                rf"^(\d+) of {available} available connections in use "
                r"\(([\d.]+)%\), (\d+) on this database\."
            ),
            "connections",
            available=available,
        )
        # three more connections to this database are counted
        before = result.evidence["this_database"]
        # three new server sessions, outside Odoo's pool (whose idle
        # connections, already counted, a pooled cursor could reuse)
        _db, info = connection_info_for(self.env.cr.dbname)
        extra = [psycopg2.connect(**info) for _i in range(3)]
        try:
            for conn in extra:
                conn.cursor().execute("SELECT 1")
            self.set_params("postgres.connections", fail_percent=0)
            run = self.run_checks(["postgres.connections"])
        finally:
            for conn in extra:
                conn.close()
        result = self.assertFinding(
            run,
            "postgres.connections",
            "fail",
            re.compile(
                rf"^(\d+) of {available} available connections in use "
                r"\(([\d.]+)%\), (\d+) on this database: new connections will "
                r"soon be refused\.$"
            ),
            "connections",
            available=available,
        )
        evidence = result.evidence
        self.assertGreaterEqual(evidence["this_database"], before + 3)
        self.assertEqual(
            evidence["percent"], round(100.0 * evidence["connections"] / available, 1)
        )
        self.assertTrue(
            result.message.startswith(
                f"{evidence['connections']} of {available} available connections "
                f"in use ({evidence['percent']}%), {evidence['this_database']} on "
                "this database"
            ),
            result.message,
        )

    def test_long_sessions_pass(self):
        run = self.run_checks(["postgres.long_sessions"])
        self.assertStatus(run, "postgres.long_sessions", "pass")

    def test_idle_in_transaction(self):
        cr2 = db_connect(self.env.cr.dbname).cursor()
        try:
            cr2.execute("SELECT pg_backend_pid()")  # opens a transaction
            pid = cr2.fetchone()[0]
            time.sleep(1.2)
            self.set_params("postgres.long_sessions", idle_in_transaction_seconds=1)
            run = self.run_checks(["postgres.long_sessions"])
        finally:
            cr2.rollback()
            cr2.close()
        self.assertStatus(run, "postgres.long_sessions", "fail", f"pid:{pid}")
        result = self.results(run).filtered(lambda r: r.object_key == f"pid:{pid}")
        self.assertIn("idle in transaction", result.message)
        self.assertNotIn("query", result.evidence)

    def test_cron_lock_session(self):
        """The scheduler's lock session passes; a forgotten transaction next
        to it fails; the lock fails once the job outlives cron_job_seconds."""
        cron_cr = db_connect(self.env.cr.dbname).cursor()
        stuck_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            cron_cr.execute("SELECT pg_backend_pid()")
            cron_pid = cron_cr.fetchone()[0]
            cron = self.env.ref("ipai_golive_checks.ir_cron_golive_self_audit")
            cron_cr.execute(
                "UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' "
                "- interval '1 minute' WHERE id = %s",
                [cron.id],
            )
            job = type(self.env["ir.cron"])._acquire_one_job(cron_cr, cron.id)
            # the worker's cursor now waits, idle, for the job to end
            self.assertEqual(job["id"], cron.id)
            stuck_cr.execute("SELECT pg_backend_pid()")
            stuck_pid = stuck_cr.fetchone()[0]
            time.sleep(1.2)
            self.set_params("postgres.long_sessions", idle_in_transaction_seconds=1)
            run = self.run_checks(["postgres.long_sessions"])
            self.set_params(
                "postgres.long_sessions",
                idle_in_transaction_seconds=1,
                cron_job_seconds=1,
            )
            run_long_job = self.run_checks(["postgres.long_sessions"])
        finally:
            for cursor in (cron_cr, stuck_cr):
                cursor.rollback()
                cursor.close()
        keys = self.results(run).mapped("object_key")
        self.assertStatus(run, "postgres.long_sessions", "fail", f"pid:{stuck_pid}")
        self.assertNotIn(f"pid:{cron_pid}", keys)
        self.assertStatus(
            run_long_job, "postgres.long_sessions", "fail", f"pid:{cron_pid}"
        )
        result = self.results(run_long_job).filtered(
            lambda r: r.object_key == f"pid:{cron_pid}"
        )
        self.assertIn("scheduled action's lock", result.message)
        self.assertTrue(result.evidence["cron_job_lock"])

    def test_long_running_query(self):
        cr2 = db_connect(self.env.cr.dbname).cursor()
        cr2.execute("SELECT pg_backend_pid()")
        pid = cr2.fetchone()[0]
        thread = threading.Thread(target=cr2.execute, args=("SELECT pg_sleep(3)",))
        thread.start()
        try:
            time.sleep(1.5)
            self.set_params(
                "postgres.long_sessions",
                long_query_seconds=1,
                idle_in_transaction_seconds=3600,
            )
            run = self.run_checks(["postgres.long_sessions"])
        finally:
            thread.join()
            cr2.rollback()
            cr2.close()
        self.assertStatus(run, "postgres.long_sessions", "fail", f"pid:{pid}")
        result = self.results(run).filtered(lambda r: r.object_key == f"pid:{pid}")
        self.assertIn("running one query", result.message)
        self.assertEqual(result.evidence["state"], "active")

    def test_db_size(self):
        self.env.cr.execute(
            "SELECT pg_database_size(current_database()), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        real, pretty = self.env.cr.fetchone()
        run = self.run_checks(["postgres.db_size"])
        self.assertStatus(run, "postgres.db_size", "pass")
        result = self.results(run)
        evidence = result.evidence
        # measured now: the size PostgreSQL reports (a page or two may move)
        self.assertAlmostEqual(evidence["size_bytes"], real, delta=real * 0.01)
        self.assertEqual(result.object_key, "db_size")
        self.assertEqual(result.message, f"The database takes {evidence['size']}.")
        self.assertEqual(len(evidence["largest_tables_bytes"]), 5)
        self.assertLessEqual(sum(evidence["largest_tables_bytes"].values()), real)
        self.assertGreaterEqual(result.query_count, 2)
        measured = (evidence["size_bytes"], evidence["size"], evidence["measured_at"])

        # measured once a day: the next runs judge the same measure, no query
        self.set_params("postgres.db_size", warn_gb=0, fail_gb=1000)
        run = self.run_checks(["postgres.db_size"])
        self.assertStatus(run, "postgres.db_size", "warn")
        result = self.results(run)
        self.assertEqual(
            result.message, f"The database takes {measured[1]}, above 0.0 GB."
        )
        self.assertEqual(result.evidence["warn_gb"], 0.0)
        self.assertEqual(result.evidence["measured_at"], measured[2])
        self.set_params("postgres.db_size", warn_gb=0, fail_gb=0)
        run = self.run_checks(["postgres.db_size"])
        self.assertStatus(run, "postgres.db_size", "fail")
        result = self.results(run)
        self.assertEqual(
            result.message, f"The database takes {measured[1]}, above 0.0 GB."
        )
        self.assertEqual(
            (
                result.evidence["size_bytes"],
                result.evidence["size"],
                result.evidence["measured_at"],
            ),
            measured,
        )
        self.assertEqual(result.object_key, "db_size")
        self.assertIn(pretty.split()[1], result.evidence["size"])  # same unit

        # a day later it is measured again
        later = fields.Datetime.now() + timedelta(days=1, minutes=1)
        with freeze_time(later):
            run = self.run_checks(["postgres.db_size"])
        result = self.results(run)
        self.assertGreaterEqual(result.query_count, 2)
        self.assertEqual(
            result.evidence["measured_at"], fields.Datetime.to_string(later)
        )
