# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import connection_info_for
from odoo.tests import tagged
from odoo.tools import config

from ..models import golive_rollback
from ..tools import rollback as mechanics
from .common import GoliveCase


def connect(dbname):
    import psycopg2

    _dsn, info = connection_info_for(dbname)
    return psycopg2.connect(**info)


@tagged("post_install", "-at_install")
class TestGoliveRollbackNames(GoliveCase):
    """The names a restore drops or renames away can never be the source."""

    def test_kept_name_never_equals_the_source(self):
        when = datetime(2026, 12, 6, 1, 2, 3)
        self.assertEqual(
            mechanics.kept_name("acme", when), "acme_replaced_20261206_010203"
        )
        for source in ("a" * 63, "é" * 31, "x" * 40 + "é" * 11):
            name = mechanics.kept_name(source, when)
            self.assertLessEqual(len(name.encode()), 63)
            self.assertNotEqual(name, source)
            self.assertNotEqual(name.encode()[:63], source.encode()[:63])
            self.assertTrue(name.endswith("_replaced_20261206_010203"))
        copy = mechanics.scratch_name(5, "acme")
        self.assertTrue(copy.startswith("golive_rb_5_"))
        self.assertNotEqual(copy, mechanics.scratch_name(5, "acme"))
        self.assertNotEqual(mechanics.scratch_name(5, copy, [copy]), copy)

    def _restorer(self, dbname=None):
        point = mechanics.RestorePoint(
            backup_id=1,
            name="b",
            database=dbname or self.env.cr.dbname,
            verified=True,
            dump_path="/nonexistent",
            dump_sha256="0",
            filestore_path="/nonexistent",
            filestore_sha256="0",
        )
        return mechanics.Restorer(
            dbname or self.env.cr.dbname,
            point,
            connect=connect,
            pg_env=dict(os.environ),
            filestore_root=tempfile.gettempdir(),
            pg_restore="pg_restore",
            timeout=10,
        )

    def test_the_source_cannot_be_dropped(self):
        restorer = self._restorer()
        source = self.env.cr.dbname
        for name in (source, restorer.kept, "postgres", "template1"):
            with self.assertRaisesRegex(mechanics.RollbackError, "Refused"):
                restorer._drop(name)
        with self.assertRaisesRegex(mechanics.RollbackError, "nothing was swapped"):
            restorer.drop_replaced()
        # even listed as created, the source is refused before the swap
        restorer.created.add(source)
        with self.assertRaisesRegex(
            mechanics.RollbackError, "is the database being restored"
        ):
            restorer._drop(source)
        restorer.cleanup()  # skips the source
        self.env.cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [source])
        self.assertTrue(self.env.cr.fetchone())

    def test_refusals_touch_nothing(self):
        point = self._restorer().point
        point.verified = False
        with self.assertRaisesRegex(mechanics.RollbackError, "is not verified"):
            mechanics.check_restore_point(point, 15, [], {})
        point.verified = True
        with self.assertRaisesRegex(
            mechanics.RollbackError, "dump /nonexistent is missing"
        ):
            mechanics.check_restore_point(point, 15, [], {})
        folder = tempfile.mkdtemp(prefix="golive_t21_")
        self.addCleanup(shutil.rmtree, folder)
        dump = os.path.join(folder, "x.dump")
        self.env.cr.execute("SHOW server_version_num")
        major = int(self.env.cr.fetchone()[0]) // 10000
        dirs = self.env["golive.backup"]._golive_pg_search_dirs()
        pg_dump, _version = mechanics.find_pg_tool("pg_dump", major, dirs)
        subprocess.run(
            [
                pg_dump,
                "--format=custom",
                f"--file={dump}",
                "--schema-only",
                "--table=res_lang",
                self.env.cr.dbname,
            ],
            check=True,
            env=dict(os.environ),
        )
        archive = os.path.join(folder, "x.tar.gz")
        with tarfile.open(archive, "w:gz"):
            pass
        point.dump_path, point.filestore_path = dump, archive
        point.dump_sha256 = mechanics.sha256_file(dump)
        point.filestore_sha256 = mechanics.sha256_file(archive)
        environ = dict(os.environ)
        self.assertTrue(mechanics.check_restore_point(point, major, dirs, environ))
        # another major version of PostgreSQL is refused, and says why
        with self.assertRaisesRegex(
            mechanics.RollbackError,
            f"was dumped from PostgreSQL {major}; this server runs PostgreSQL "
            f"{major - 1}",
        ):
            mechanics.check_restore_point(point, major - 1, dirs, environ)
        # a checksum that changed is refused
        with open(dump, "ab") as stream:
            stream.write(b"x")
        with self.assertRaisesRegex(mechanics.RollbackError, "changed since"):
            mechanics.check_restore_point(point, major, dirs, environ)
        with self.assertRaisesRegex(mechanics.RollbackError, "does not exist"):
            self._restorer("golive_t21_missing").prepare()

    def _exists(self, name):
        # on a session of its own: the test's snapshot predates the copy
        return name in mechanics.tools.existing_databases(connect)

    def test_the_backup_job_lock_guards_the_copy(self):
        """A restore waits for no backup: it is refused while the backup job
        lock is held, and holds it itself until the swap; the copy a killed
        restore leaves behind is dropped by the backup sweeper, never while
        the lock is held."""
        source = self.env.cr.dbname
        Backup = self.env["golive.backup"]
        holder = connect(source)
        self.addCleanup(holder.close)
        holder.autocommit = True
        self.assertTrue(mechanics.tools.try_job_lock(holder))
        self.assertTrue(Backup._golive_busy())
        with self.assertRaisesRegex(
            mechanics.RollbackError, "backup job of .* is running: refused"
        ):
            self._restorer().prepare()
        # what a killed restore leaves: a marked copy, hidden from list_dbs
        copy = mechanics.scratch_name(1, source)
        mechanics.tools.create_scratch(connect, copy, source, 1)
        self.addCleanup(mechanics.tools.drop_scratch, connect, copy)
        self.assertIn(copy, mechanics.tools.leftover_scratches(connect, source))
        self.assertNotIn(copy, mechanics.tools.leftover_scratches(connect, "other"))
        Backup._golive_sweep()
        self.assertTrue(self._exists(copy), "swept while the lock was held")
        # released by the holder itself: a closed session's locks go only
        # once its server process has ended, which the next query may precede
        with holder.cursor() as cur:
            cur.execute(
                "SELECT pg_advisory_unlock(%s, 0)", [mechanics.tools.JOB_LOCK_KEY]
            )
            self.assertTrue(cur.fetchone()[0])
        holder.close()
        self.assertFalse(Backup._golive_job_running())
        # a restore in progress holds the lock: the sweeper leaves its copy
        restorer = self._restorer()
        restorer.prepare()
        try:
            self.assertTrue(Backup._golive_job_running())
            Backup._golive_sweep()
            self.assertTrue(self._exists(copy))
        finally:
            restorer.cleanup()
        self.assertIsNone(restorer.lock)
        Backup._golive_sweep()
        self.assertFalse(self._exists(copy))


@tagged("post_install", "-at_install")
class TestGoliveRollbackApp(GoliveCase):
    """Roll Back from the checklist: a Go-Live Manager queues the restore; the
    job starts it outside of any request."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backup = cls.env["golive.backup"].create(
            {
                "checklist_id": cls.checklist.id,
                "database": cls.env.cr.dbname,
                "name": "acme-20260216-1",
                "state": "done",
                "restore_state": "passed",
                "dump_path": "/backups/acme-20260216-1.dump",
                "dump_sha256": "a" * 64,
                "filestore_path": "/backups/acme-20260216-1.filestore.tar.gz",
                "filestore_sha256": "b" * 64,
            }
        )
        cls.unverified = cls.env["golive.backup"].create(
            {
                "checklist_id": cls.checklist.id,
                "database": cls.env.cr.dbname,
                "state": "done",
                "restore_state": "failed",
            }
        )

    def test_restore_points_are_the_verified_backups(self):
        self.assertEqual(self.checklist.restore_point_ids, self.backup)

    def test_only_a_manager_rolls_back(self):
        for user in (self.user, self.employee, self.portal):
            with self.assertUserError("Only a Go-Live Manager can roll back."):
                self.backup.with_user(user).action_golive_roll_back()
        self.assertFalse(self.env["golive.rollback"].search([]))
        with self.assertRaisesRegex(UserError, "Roll back with the Roll Back action"):
            self.env["golive.rollback"].with_user(self.manager).create(
                {"trigger": "app"}
            )

    def test_roll_back_queues_the_restore(self):
        with self.assertRaisesRegex(UserError, "is not a restore point"):
            self.unverified.with_user(self.manager).action_golive_roll_back()
        self.backup.with_user(self.manager).action_golive_roll_back()
        rollback = self.env["golive.rollback"].search([])
        self.assertEqual(rollback.state, "queued")
        self.assertEqual(rollback.user_id, self.manager)
        self.assertEqual(rollback.backup_id, self.backup)
        cron = self.env.ref("ipai_golive.ir_cron_golive_rollback")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        self.assertIn("Rollback to backup", self.checklist.message_ids[:1].body)
        with self.assertRaisesRegex(UserError, "already queued or running"):
            self.backup.with_user(self.manager).action_golive_roll_back()
        # a user reads the rollbacks, nobody writes them
        self.assertEqual(
            self.checklist.with_user(self.user).rollback_ids.backup_name,
            self.backup.name,
        )
        with self.assertRaises(AccessError):
            rollback.with_user(self.manager).write({"state": "done"})

    def test_the_job_starts_golive_restore_detached(self):
        self.backup.with_user(self.manager).action_golive_roll_back()
        rollback = self.env["golive.rollback"].search([])
        cron = self.env.ref("ipai_golive.ir_cron_golive_rollback")
        with (
            patch.object(golive_rollback.subprocess, "Popen") as popen,
            patch.object(self.env.cr, "commit") as commit,
            patch.dict(
                config.options, {"db_host": "127.0.0.1", "data_dir": "/srv/odoo"}
            ),
        ):
            cron.method_direct_trigger()
        self.assertEqual(commit.call_count, 1)
        self.assertEqual(rollback.state, "running")
        cmd = popen.call_args.args[0]
        self.assertEqual(cmd[1:3], ["-m", "odoo"])
        self.assertTrue(cmd[3].startswith("--addons-path="))
        self.assertEqual(cmd[4], "golive-restore")
        self.assertIn("--db_host=127.0.0.1", cmd)
        self.assertIn("--data-dir=/srv/odoo", cmd)
        self.assertEqual(
            cmd[-6:],
            [
                "-d",
                self.env.cr.dbname,
                "--backup",
                str(self.backup.id),
                "--request",
                str(rollback.id),
            ],
        )
        self.assertTrue(popen.call_args.kwargs["start_new_session"])


@tagged("post_install", "-at_install")
class TestGoliveRollbackChecks(GoliveCase):
    """The gates follow what really ran: rollback.update_tested on "Install/
    upgrade test" (§3.2), rollback.restore_drill on "Rollback plan tested"
    (§0), on real releases, rollbacks and backups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gate_update = cls._create_task(
            cls.phase_kickoff,
            "Install/upgrade test",
            is_gate=True,
            section="3.2",
            check_codes="rollback.update_tested",
        )
        cls.gate_drill = cls._create_task(
            cls.phase_kickoff,
            "Rollback plan tested (tag rollback + DB restore)",
            is_gate=True,
            section="0",
            check_codes="rollback.restore_drill",
        )
        cls.env["golive.rollback"].search([]).unlink()
        cls.env["golive.backup"].search([]).unlink()
        cls.env["golive.release"].search([("trigger", "=", "update")]).unlink()

    def _audit(self):
        self.checklist.with_user(self.manager).action_run_checks()
        return self.gate_update, self.gate_drill

    def _result(self, code):
        """The message of ``code`` in the checklist's last audit (passes too)."""
        return (
            self.env["golive.check.result"]
            .search(
                [
                    ("run_id", "=", self.checklist.check_run_id.id),
                    ("code", "=", code),
                ]
            )
            .message
        )

    def _rollback(self, days_ago, trigger="restore", state="done", **vals):
        return self.env["golive.rollback"].create(
            {
                "checklist_id": self.checklist.id,
                "database": self.env.cr.dbname,
                "backup_name": f"b-{days_ago}",
                "trigger": trigger,
                "state": state,
                "date": fields.Datetime.now() - timedelta(days=days_ago),
                **vals,
            }
        )

    def _set_max_age(self, code, days):
        check = self.env["golive.check"]._sync_registry()[code]
        check.parameters = json.dumps({"max_age_days": days})

    def test_template_binds_the_rollback_gates(self):
        lines = self.env["golive.checklist.template.line"].search(
            [("check_codes", "ilike", "rollback.")]
        )
        self.assertEqual(
            sorted((line.section, line.name, line.check_codes) for line in lines),
            [
                (
                    "0",
                    "Rollback plan tested (tag rollback + DB restore)",
                    "rollback.restore_drill",
                ),
                ("3.2", "Install/upgrade test", "rollback.update_tested"),
            ],
        )
        self.assertTrue(all(lines.mapped("is_gate")))

    def test_update_tested_follows_the_guarded_updates(self):
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "fail")
        self.assertIn("No guarded update (odoo-bin golive-update)", gate.check_message)
        # a rollback that is not an update's proves nothing about updates
        self._rollback(1, trigger="restore")
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "fail")
        # an update rolled back correctly, but 40 days ago: too old
        self._rollback(40, trigger="update", update_modules="sale")
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "fail")
        self.assertRegex(
            gate.check_message,
            r"guarded update of sale, rolled back to backup b-40, is 40\.0 days "
            r"old \(at most 30\.0\)",
        )
        # the threshold is the check's parameter
        self._set_max_age("rollback.update_tested", 60)
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "pass", gate.check_message)
        self.assertEqual(gate.state, "done")
        self._set_max_age("rollback.update_tested", 30)
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "fail")
        # a failed rollback of an update is no evidence (only done ones count)
        self._rollback(0, trigger="update", state="failed")
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "fail")
        # a clean guarded update takes a release: green
        release = self.checklist._take_release("update")
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "pass", gate.check_message)
        self.assertIn(f"release {release.name}", self._result("rollback.update_tested"))

    def test_update_tested_holds_while_nothing_is_updated(self):
        """A live database nobody updates keeps the evidence of its last clean
        guarded update past ``max_age_days``; once a module changes without a
        new guarded update, the evidence is stale."""
        release = self.checklist._take_release("update")
        # a release is immutable: aged in SQL, as 40 days would age it
        self.env.cr.execute(
            "UPDATE golive_release SET date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=40), release.id],
        )
        release.invalidate_recordset(["date"])
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "pass", gate.check_message)
        self.assertIn(
            "no module was installed, removed or updated since",
            self._result("rollback.update_tested"),
        )
        # the release recorded base at another version: base was updated since
        modules = dict(release.module_data)
        modules["base"] = dict(modules["base"], version="18.0.0.0")
        self.env.cr.execute(
            "UPDATE golive_release SET module_data = %s WHERE id = %s",
            [json.dumps(modules), release.id],
        )
        release.invalidate_recordset(["module_data"])
        gate, _drill = self._audit()
        self.assertEqual(gate.check_status, "fail")
        self.assertRegex(
            gate.check_message,
            rf"guarded update of release {re.escape(release.name)}, is 40\.0 days old",
        )

    def test_restore_drill_follows_the_restores(self):
        _gate, drill = self._audit()
        self.assertEqual(drill.check_status, "fail")
        self.assertIn(
            "No backup of this database was ever restored", drill.check_message
        )
        # a passed restore test 45 days ago: too old
        backup = self.env["golive.backup"].create(
            {
                "checklist_id": self.checklist.id,
                "database": self.env.cr.dbname,
                "name": "acme-old",
                "state": "done",
                "restore_state": "passed",
                "restore_date": fields.Datetime.now() - timedelta(days=45),
            }
        )
        _gate, drill = self._audit()
        self.assertEqual(drill.check_status, "fail")
        self.assertRegex(
            drill.check_message,
            r"restore test of backup acme-old, is 45\.0 days old \(at most 30\.0\)",
        )
        # a backup of another database is no drill of this one
        backup.restore_date = fields.Datetime.now()
        backup.database = "another_db"
        _gate, drill = self._audit()
        self.assertEqual(drill.check_status, "fail")
        self.assertIn("was ever restored", drill.check_message)
        # a golive-restore --keep-current drill today: green
        drilled = self._rollback(0, trigger="restore", kept_database="acme_replaced")
        _gate, drill = self._audit()
        self.assertEqual(drill.check_status, "pass", drill.check_message)
        self.assertIn(
            f"rollback {drilled.name} (golive-restore)",
            self._result("rollback.restore_drill"),
        )
        # a Roll Back from the app that failed since: red, and says why
        self._rollback(0, trigger="app", state="failed", message="disk full")
        _gate, drill = self._audit()
        self.assertEqual(drill.check_status, "fail")
        self.assertIn("failed after rollback", drill.check_message)
        self.assertIn("disk full", drill.check_message)
        # a later Roll Back from the app that went through: green again
        self.env["golive.rollback"].search([("state", "=", "failed")]).date = (
            fields.Datetime.now() - timedelta(hours=1)
        )
        self._rollback(0, trigger="app")
        _gate, drill = self._audit()
        self.assertEqual(drill.check_status, "pass", drill.check_message)
        self.assertIn("(Roll Back (app))", self._result("rollback.restore_drill"))
