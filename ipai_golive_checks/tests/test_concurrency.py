# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two ``odoo-bin golive`` runs and the cron worker's self-audit at once.

Real processes against the committed test database: each has its own
connection and transaction. The test holds the audit lock while they start, in
a transaction that also updates every check row, so that all three wait for
it and then for each other: a run that went on with a snapshot taken before
another run's commit would fail with a serialization failure.
"""

import json
import subprocess
import tempfile
import time

from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.golive_check_run import LOCK_KEY
from ..tools.vocabulary import SEVERITY_RANK
from .common import CommittedStateCase, odoo_command

CRON_XMLID = "ipai_golive_checks.ir_cron_golive_self_audit"
# What the cron worker does with one due job (ir.cron._process_jobs).
CRON_SCRIPT = f"""
import odoo
cron = env.ref({CRON_XMLID!r})
cron._trigger()
env.cr.commit()
IrCron = env.registry["ir.cron"]
db = odoo.sql_db.db_connect(env.cr.dbname)
with db.cursor() as cron_cr:
    job = IrCron._acquire_one_job(cron_cr, cron.id)
    assert job, "the self-audit job is not due"
    IrCron._process_job(db, cron_cr, job)
"""
WAIT_FOR_WAITERS = 240  # seconds for the three processes to start and wait
# What an addon's self-audit may write besides the runs (ipai_golive applies
# the audit to its checklists and posts alerts): tables put back as they were,
# and tables whose new rows are removed.
RESTORED_TABLES = ("golive_checklist", "golive_task")
NEW_ROWS_TABLES = ("mail_activity", "mail_mail", "mail_message")


@tagged("post_install", "-at_install")
class TestConcurrentRuns(CommittedStateCase):
    def setUp(self):
        super().setUp()
        self._protect_cron()
        self._protect_tables()

    def _existing_tables(self, cr, tables):
        cr.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name IN %s",
            (tuple(tables),),
        )
        return [row[0] for row in cr.fetchall()]

    def _protect_tables(self):
        """The cron job's self-audit commits into tables of other addons: put
        them back after the test, as for the runs (protect_committed_state)."""
        with db_connect(self.dbname).cursor() as cr:
            restored = self._existing_tables(cr, RESTORED_TABLES)
            for table in restored:
                cr.execute(
                    SQL(
                        "CREATE TABLE %s AS SELECT * FROM %s",
                        SQL.identifier(f"golive_t_bak_{table}"),
                        SQL.identifier(table),
                    )
                )
            max_ids = {}
            for table in self._existing_tables(cr, NEW_ROWS_TABLES):
                cr.execute(
                    SQL("SELECT COALESCE(max(id), 0) FROM %s", SQL.identifier(table))
                )
                max_ids[table] = cr.fetchone()[0]

        def restore():
            with db_connect(self.dbname).cursor() as cr:
                for table, max_id in max_ids.items():
                    cr.execute(
                        SQL(
                            "DELETE FROM %s WHERE id > %s",
                            SQL.identifier(table),
                            max_id,
                        )
                    )
                for table in restored:
                    self._restore_table(cr, table, f"golive_t_bak_{table}")

        self.addCleanup(restore)

    def _restore_table(self, cr, table, backup):
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s AND column_name != 'id'",
            (table,),
        )
        columns = [SQL.identifier(row[0]) for row in cr.fetchall()]
        cr.execute(
            SQL(
                "UPDATE %s t SET (%s) = (SELECT %s FROM %s b WHERE b.id = t.id) "
                "WHERE t.id IN (SELECT id FROM %s)",
                SQL.identifier(table),
                SQL(", ").join(columns),
                SQL(", ").join(columns),
                SQL.identifier(backup),
                SQL.identifier(backup),
            )
        )
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE id NOT IN (SELECT id FROM %s)",
                SQL.identifier(table),
                SQL.identifier(backup),
            )
        )
        cr.execute(SQL("DROP TABLE %s", SQL.identifier(backup)))

    def _protect_cron(self):
        cron_id = self.env.ref(CRON_XMLID).id
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(
                "SELECT nextcall, lastcall, failure_count, first_failure_date "
                "FROM ir_cron WHERE id = %s",
                (cron_id,),
            )
            before = cr.fetchone()
            cr.execute(
                "SELECT COALESCE(max(id), 0) FROM ir_cron_progress WHERE cron_id = %s",
                (cron_id,),
            )
            max_progress = cr.fetchone()[0]

        def restore():
            with db_connect(self.dbname).cursor() as cr:
                cr.execute(
                    "UPDATE ir_cron SET nextcall = %s, lastcall = %s, "
                    "failure_count = %s, first_failure_date = %s WHERE id = %s",
                    (*before, cron_id),
                )
                cr.execute(
                    "DELETE FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
                    (cron_id, max_progress),
                )
                cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", (cron_id,))

        self.addCleanup(restore)
        self.cron_id = cron_id
        self.failures_before = before[2]

    def _odoo(self, command, *args, **popen_kwargs):
        cmd, env = odoo_command(command, self.dbname, "--log-level=warn", *args)
        return subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            **popen_kwargs,
        )

    def _waiting_backends(self, cr):
        cr.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND pid != pg_backend_pid() AND query LIKE %s",
            (self.dbname, "SELECT pg_try_advisory_%lock(%"),
        )
        return cr.fetchone()[0]

    def test_two_cli_runs_and_the_cron_at_once(self):
        with db_connect(self.dbname).cursor() as cr:
            cr.execute("SELECT COALESCE(max(id), 0) FROM golive_check_run")
            max_run_id = cr.fetchone()[0]
        cli_args = ("--format", "json", "--exclude-tag", "network,slow")
        holder = db_connect(self.dbname).cursor()
        try:
            holder.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY)
            self.assertTrue(holder.fetchone()[0])
            # rows a run started before this commit must not overwrite blindly
            holder.execute("UPDATE golive_check SET last_status = last_status")
            script = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self.addCleanup(script.close)
            script.write(CRON_SCRIPT)
            script.seek(0)
            processes = [
                self._odoo("golive", *cli_args),
                self._odoo("golive", *cli_args),
                self._odoo("shell", stdin=script),
            ]
            deadline = time.monotonic() + WAIT_FOR_WAITERS
            with db_connect(self.dbname).cursor() as probe:
                while self._waiting_backends(probe) < 3:
                    exited = [p.args for p in processes if p.poll() is not None]
                    self.assertFalse(exited, "a process ended before waiting")
                    self.assertLess(time.monotonic(), deadline, "nobody waits")
                    probe.rollback()
                    time.sleep(0.2)
            holder.commit()  # the three now race for the lock
        finally:
            holder.rollback()
            holder.close()
        outputs = [p.communicate(timeout=600) for p in processes]

        cli_run_ids = []
        for process, (stdout, stderr) in zip(processes[:2], outputs[:2], strict=True):
            self.assertTrue(stdout.strip(), stderr[-3000:])
            report = json.loads(stdout)
            blocking = [
                r
                for r in report["results"]
                if r["status"] in ("fail", "error")
                and SEVERITY_RANK[r["severity"]] >= SEVERITY_RANK["high"]
            ]
            # the normal exit code of the report it printed
            self.assertEqual(process.returncode, 1 if blocking else 0, stderr)
            self.assertNotIn("golive: error", stderr)
            self.assertNotIn("Serialization", stdout + stderr)
            self.assertEqual(report["summary"]["trigger"], "cli")
            cli_run_ids.append(report["summary"]["run_id"])
        cron_stdout, cron_stderr = outputs[2]
        self.assertEqual(processes[2].returncode, 0, cron_stderr)
        self.assertNotIn("ERROR", cron_stderr)
        self.assertNotIn("Traceback", cron_stdout + cron_stderr)

        with db_connect(self.dbname).cursor() as cr:
            cr.execute(
                "SELECT run.id, run.trigger, run.check_count, count(result.id), "
                "run.date_end IS NOT NULL FROM golive_check_run run "
                "LEFT JOIN golive_check_result result ON result.run_id = run.id "
                "WHERE run.id > %s GROUP BY run.id ORDER BY run.id",
                (max_run_id,),
            )
            runs = cr.fetchall()
            cr.execute(
                "SELECT failure_count FROM ir_cron WHERE id = %s", (self.cron_id,)
            )
            failures = cr.fetchone()[0]
        self.assertEqual(sorted(run[1] for run in runs), ["cli", "cli", "cron"])
        self.assertLessEqual(set(cli_run_ids), {run[0] for run in runs})
        self.assertEqual(len(set(cli_run_ids)), 2)
        for _id, _trigger, check_count, result_count, ended in runs:
            self.assertGreater(check_count, 10)
            self.assertGreaterEqual(result_count, check_count)
            self.assertTrue(ended)
        # the cron worker saw no failure of its job
        self.assertEqual(failures, self.failures_before)
