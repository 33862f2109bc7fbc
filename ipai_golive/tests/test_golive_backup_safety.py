# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a backup must never do: destroy its source, leave a usable production
copy or a readable dump behind, lose the last verified backup, run twice."""

import json
import os
import secrets
import signal
import stat
import subprocess
import sys
import tarfile
import time
from contextlib import closing
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import sql

import odoo
from odoo import fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tests import tagged
from odoo.tools import config, mute_logger
from odoo.tools.misc import exec_pg_environ

from ..tools import backup as tools
from .common import GoliveBackupCase, GoliveCase

BACKUP_LOGGER = "odoo.addons.ipai_golive.models.golive_backup"

# The restore test of a killed worker: takes the job lock, creates the
# scratch database and runs a pg_restore that never ends.
KILLED_JOB = """
import importlib.util, sys, psycopg2
spec = importlib.util.spec_from_file_location("golive_backup_tools", sys.argv[1])
tools = importlib.util.module_from_spec(spec); spec.loader.exec_module(tools)
source, scratch, pg_restore = sys.argv[2:5]
connect = lambda name: psycopg2.connect(dbname=name)
lock = connect(source); lock.autocommit = True
assert tools.try_job_lock(lock)
tools.restore_into_scratch(pg_restore, "/dev/null", scratch, source=source,
    backup_id=1, connect=connect, env=None, timeout=3600)
"""
SLEEPING_RESTORE = "#!/bin/sh\nexec sleep 3600\n"


@tagged("post_install", "-at_install")
class TestGoliveBackupSafety(GoliveBackupCase):
    def _database_exists(self, name):
        """Read in a connection of its own: the test's transaction snapshot
        predates the databases the test creates."""
        return bool(
            self._admin(("SELECT 1 FROM pg_database WHERE datname = %s", [name]))
        )

    def _connect(self, name):
        return self.Backup._golive_connect(name)

    def _admin(self, *statements):
        return tools.admin_execute(self._connect, statements)

    def _make_source(self, name):
        """A small database named ``name`` with a table of 3 rows."""
        ident = sql.Identifier(name)
        self._admin((sql.SQL("CREATE DATABASE {}").format(ident), None))
        self.addCleanup(
            self._admin,
            (sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident), None),
        )
        with closing(self._connect(name)) as conn, conn.cursor() as cur:
            cur.execute("CREATE TABLE res_partner (id serial, name text)")
            cur.execute("INSERT INTO res_partner (name) VALUES ('a'), ('b'), ('c')")
            conn.commit()

    def _rows(self, name):
        with closing(self._connect(name)) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM res_partner")
            return cur.fetchone()[0]

    def _backup_of(self, name):
        """A done backup of database ``name`` (a real pg_dump of it)."""
        dump = os.path.join(self.directory, f"{self.Backup.search_count([])}.dump")
        archive = dump.replace(".dump", ".tar.gz")
        pg_dump, _version = tools.find_pg_tool(
            "pg_dump", 15, self.Backup._golive_pg_search_dirs()
        )
        tools.run(
            [pg_dump, "--format=custom", f"--file={dump}", name], exec_pg_environ(), 60
        )
        with tarfile.open(archive, "w:gz"):
            pass
        return self.Backup.create(
            {
                "state": "done",
                "database": name,
                "dump_path": dump,
                "dump_sha256": tools.sha256_file(dump),
                "filestore_path": archive,
                "source_counts": json.dumps({"res_partner": 3}),
            }
        )

    def test_long_database_names_keep_their_source(self):
        """63 bytes is PostgreSQL's limit: the scratch name derived from the
        source was the source itself, and the restore test dropped it."""
        for name in (
            "golive_t20_" + "x" * 52,  # 63 bytes
            "golive_t20_" + "é" * 26,  # 63 bytes, multibyte
        ):
            with self.subTest(name=name):
                self.assertEqual(len(name.encode()), 63)
                self._make_source(name)
                backup = self._backup_of(name)
                self.assertTrue(backup._golive_restore_test(), backup.restore_message)
                self.assertEqual(backup.restore_state, "passed")
                self.assertTrue(self._database_exists(name), "the source is intact")
                self.assertEqual(self._rows(name), 3)
                self.assertNotEqual(backup.restore_database, name)
                self.assertFalse(self._database_exists(backup.restore_database))

    def test_the_mechanics_alone_back_up_and_restore_a_database(self):
        """tools.backup without the ORM: write_backup dumps a database of its
        own and its filestore, verify_restore restores them into a scratch
        copy and counts them; every connection goes to that database, the
        maintenance database or the scratch copy, never the test database."""
        source = f"golive_t21_tools_{secrets.token_hex(3)}"
        self._make_source(source)
        filestore = os.path.join(self.directory, "filestore")
        os.makedirs(os.path.join(filestore, "ab"))
        for name in ("ab/1", "ab/2"):
            with open(os.path.join(filestore, name), "w") as stream:
                stream.write(name)
        reached = []

        def connect(name):
            reached.append(name)
            return self._connect(name)

        major = tools.server_major(self.env.cr)
        dirs = self.Backup._golive_pg_search_dirs()
        pg_dump, _version = tools.find_pg_tool("pg_dump", major, dirs)
        pg_restore, _version = tools.find_pg_tool("pg_restore", major, dirs)
        vals = tools.write_backup(
            self.directory,
            "b1",
            dbname=source,
            pg_dump=pg_dump,
            filestore=filestore,
            connect=connect,
            env=exec_pg_environ(),
            timeout=120,
            tables=("res_partner", "res_users"),
        )
        self.assertEqual(vals["counts"], {"res_partner": 3})
        self.assertEqual(vals["filestore_file_count"], 2)
        self.assertEqual(
            sorted(os.listdir(self.directory)),
            ["b1.dump", "b1.filestore.tar.gz", "filestore"],
            "no partial file is left",
        )
        for path, sha in (
            (vals["dump_path"], vals["dump_sha256"]),
            (vals["filestore_path"], vals["filestore_sha256"]),
        ):
            self.assertEqual(tools.sha256_file(path), sha)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        scratch = tools.scratch_name(1, source, tools.existing_databases(connect))
        counts, files = tools.verify_restore(
            pg_restore,
            vals["dump_path"],
            vals["filestore_path"],
            scratch,
            source=source,
            backup_id=1,
            connect=connect,
            env=exec_pg_environ(),
            timeout=120,
            tables=("res_partner",),
        )
        self.assertEqual((counts, files), ({"res_partner": 3}, 2))
        self.assertEqual(tools.count_differences(vals["counts"], counts, 2, files), [])
        self.assertEqual(
            tools.count_differences({"res_partner": 3}, {"res_partner": 2}, 2, 1),
            ["res_partner: 3 → 2", "filestore: 2 → 1 files"],
        )
        self.assertFalse(self._database_exists(scratch), "the scratch copy is dropped")
        self.assertEqual(self._rows(source), 3, "the source is intact")
        self.assertEqual(set(reached), {source, "postgres", scratch})
        self.assertNotIn(self.env.cr.dbname, reached)
        # a pg_dump that fails half-way leaves no file behind
        broken = os.path.join(self.directory, "pg_dump")
        with open(broken, "w") as script:
            script.write(
                "#!/bin/sh\nfor a; do case $a in --file=*) echo x > ${a#--file=};; "
                "esac; done\necho 'connection lost' >&2; exit 1\n"
            )
        os.chmod(broken, 0o700)
        with self.assertRaisesRegex(tools.BackupError, "connection lost"):
            tools.write_backup(
                self.directory,
                "b2",
                dbname=source,
                pg_dump=broken,
                filestore=filestore,
                connect=connect,
                env=exec_pg_environ(),
                timeout=120,
            )
        self.assertEqual(
            sorted(os.listdir(self.directory)),
            ["b1.dump", "b1.filestore.tar.gz", "filestore", "pg_dump"],
        )
        self.assertNotIn(self.env.cr.dbname, reached)

    def test_scratch_name_is_never_an_existing_database(self):
        source = "a" * 70  # truncated by PostgreSQL to 63 bytes
        name = tools.scratch_name(7, source, ["postgres", source[:63]])
        self.assertRegex(name, r"^golive_restore_7_[0-9a-f]{8}$")
        with self.assertRaisesRegex(tools.BackupError, "Refusing"):
            tools.create_scratch(self._connect, source[:63], source, 7)
        with self.assertRaisesRegex(tools.BackupError, "not a scratch database"):
            tools.drop_scratch(self._connect, self.env.cr.dbname)

    def test_files_and_directory_are_private(self):
        directory = os.path.join(self.directory, "backups")
        with patch.dict(config.options, {"golive_backup_dir": directory}):
            backup = self._queue()
            self.assertTrue(backup._golive_execute())
        self.assertEqual(backup.restore_state, "passed", backup.restore_message)
        self.assertEqual(stat.S_IMODE(os.stat(directory).st_mode), 0o700)
        for path in (backup.dump_path, backup.filestore_path):
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)

    def test_unsafe_directories_are_refused(self):
        open_dir = os.path.join(self.directory, "open")
        os.mkdir(open_dir)
        os.chmod(open_dir, 0o777)
        link = os.path.join(self.directory, "link")
        os.symlink(open_dir, link)
        for directory, message in (
            (open_dir, rf"writable by other users \(mode 0777\): chmod 700 {open_dir}"),
            (link, rf"{link} is a symbolic link: point golive_backup_dir at the real"),
        ):
            with patch.dict(config.options, {"golive_backup_dir": directory}):
                with self.assertRaisesRegex(UserError, message):
                    self._queue()

    def test_paths_and_errors_are_for_managers_only(self):
        backup = self._queue()
        fields = backup.with_user(self.user).fields_get()
        for name in ("dump_path", "filestore_path", "error", "restore_database"):
            self.assertNotIn(name, fields)
            self.assertIn(name, backup.with_user(self.manager).fields_get())

    def test_cron_workers_never_see_the_scratch_copy(self):
        """While pg_restore runs, a cron worker without db_name lists the
        databases (list_dbs(True)): the scratch copy is not among them."""
        backup = self._backup_of(self.env.cr.dbname)
        backup.source_counts = json.dumps({})
        seen = {}
        real_run = tools.run

        def spying_run(cmd, env, timeout):
            proc = real_run(cmd, env, timeout)
            if os.path.basename(cmd[0]) == "pg_restore":
                with patch.dict(config.options, {"db_name": False, "dbfilter": ""}):
                    seen["listed"] = db_service.list_dbs(True)
                    seen["exp_list"] = db_service.exp_list(True)
                seen["exists"] = self._database_exists(
                    cmd[-2].removeprefix("--dbname=")
                )
                seen["scratch"] = cmd[-2].removeprefix("--dbname=")
            return proc

        with patch.object(tools, "run", spying_run), mute_logger(BACKUP_LOGGER):
            backup._golive_restore_test()
        self.assertTrue(seen["exists"], "the scratch copy exists during the restore")
        self.assertIn(self.env.cr.dbname, seen["listed"])
        self.assertNotIn(seen["scratch"], seen["listed"])
        self.assertNotIn(seen["scratch"], seen["exp_list"])

    def test_a_worker_killed_mid_restore_leaves_nothing_after_the_sweep(self):
        folder = os.path.join(self.directory, "bin")
        os.mkdir(folder)
        pg_restore = os.path.join(folder, "pg_restore")
        with open(pg_restore, "w") as script:
            script.write(SLEEPING_RESTORE)
        os.chmod(pg_restore, 0o700)
        backup = self._queue()
        scratch = tools.scratch_name(backup.id, self.env.cr.dbname, [])
        backup.write({"state": "running", "restore_database": scratch})
        worker = subprocess.Popen(
            [
                sys.executable,
                "-c",
                KILLED_JOB,
                tools.__file__,
                self.env.cr.dbname,
                scratch,
                pg_restore,
            ],
            env=dict(os.environ, **exec_pg_environ()),
        )
        self.addCleanup(worker.kill)
        for _attempt in range(600):  # until the worker is restoring
            if self._database_exists(scratch) and self.Backup._golive_job_running():
                break
            self.assertIsNone(worker.poll(), "the worker died before restoring")
            time.sleep(0.1)
        with patch.dict(config.options, {"db_name": False, "dbfilter": ""}):
            self.assertNotIn(scratch, db_service.list_dbs(True))
        # a job alive is left alone
        self.assertFalse(self.Backup._golive_sweep())
        self.assertEqual(backup.state, "running")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        for _attempt in range(100):  # PostgreSQL ends the dead session
            if not self.Backup._golive_job_running():
                break
            time.sleep(0.1)
        with mute_logger(BACKUP_LOGGER):
            self.assertEqual(self.Backup._golive_sweep(), backup)
        self.assertEqual(backup.state, "failed")
        self.assertIn(f"Its scratch database {scratch} was dropped.", backup.error)
        self.assertFalse(self._database_exists(scratch))
        out = subprocess.run(["pgrep", "-f", pg_restore], capture_output=True)
        self.assertFalse(out.stdout.strip(), "pg_restore died with the worker")

    def test_retention_after_a_failed_restore_keeps_the_last_verified(self):
        verified = self._backup_of(self.env.cr.dbname)
        verified.restore_state = "passed"
        folder = os.path.join(self.directory, "bin")
        os.mkdir(folder)
        pg_restore = os.path.join(folder, "pg_restore")
        with open(pg_restore, "w") as script:
            script.write(
                '#!/bin/sh\nif [ "$1" = "--version" ]; then '
                'echo "pg_restore (PostgreSQL) 99.0"; exit 0; fi\n'
                'echo "pg_restore: error: could not read input file" >&2; exit 1\n'
            )
        os.chmod(pg_restore, 0o700)
        dirs = [folder, *tools.pg_search_dirs(config.get("pg_path"))]
        with (
            patch.dict(config.options, {"golive_backup_keep": 1}),
            patch.object(type(self.Backup), "_golive_pg_search_dirs", lambda s: dirs),
            mute_logger(BACKUP_LOGGER),
        ):
            backup = self._queue()
            self.assertTrue(backup._golive_execute())
        self.assertEqual(backup.restore_state, "failed")
        self.assertEqual(verified.state, "done")
        self.assertTrue(os.path.exists(verified.dump_path))
        self.assertEqual(self.Backup._golive_last_verified(), verified)

    def test_two_queued_clicks_give_one_job(self):
        """Two clicks in two transactions: each one's count saw no backup;
        the database lets only one through."""
        registry = Registry(self.env.cr.dbname)
        with registry.cursor() as cr_a, registry.cursor() as cr_b:
            env_a = odoo.api.Environment(cr_a, odoo.SUPERUSER_ID, {})
            env_b = odoo.api.Environment(cr_b, odoo.SUPERUSER_ID, {})
            env_a["golive.backup"]._golive_create_queued({"database": cr_a.dbname})
            cr_b.execute("SET LOCAL lock_timeout = '2s'")
            with self.assertRaisesRegex(UserError, "already queued or running"):
                env_b["golive.backup"]._golive_create_queued({"database": cr_b.dbname})
            cr_a.rollback()
            cr_b.rollback()

    def test_back_up_now_refuses_a_cron_limit_below_the_timeout(self):
        options = {"workers": 2, "limit_time_real": 120, "limit_time_real_cron": -1}
        with patch.dict(config.options, options):
            with self.assertRaisesRegex(
                UserError,
                r"The cron watchdog kills jobs after 120 s \(limit_time_real "
                r"\(limit_time_real_cron is unset\)\), less than "
                r"golive_backup_timeout \(7200 s\): set limit_time_real_cron = 0",
            ):
                self._queue()
        with patch.dict(config.options, dict(options, limit_time_real_cron=0)):
            self.assertEqual(self._queue().state, "queued")
        self.assertIsNone(tools.cron_time_limit({"workers": 0}))


@tagged("post_install", "-at_install")
class TestGoliveBackupChecks(GoliveCase):
    """The gates follow the backups: backup.recent, bound to §8.1 and §2.2."""

    def _backup(self, hours_ago, restore_state):
        return self.env["golive.backup"].create(
            {
                "state": "done",
                "restore_state": restore_state,
                "database": self.env.cr.dbname,
                "name": f"b-{hours_ago}-{restore_state}",
                "date_end": fields.Datetime.now() - timedelta(hours=hours_ago),
            }
        )

    def _audit(self):
        self.gate_backup.check_codes = "backup.recent"
        self.checklist.with_user(self.manager).action_run_checks()
        return self.gate_backup

    def test_template_binds_backup_recent_to_both_gates(self):
        lines = self.env["golive.checklist.template.line"].search(
            [("check_codes", "ilike", "backup.recent")]
        )
        self.assertEqual(
            sorted(lines.mapped("name")),
            ["Backup taken right before cutover", "Restore test executed (staging)"],
        )

    def test_backup_recent_follows_the_backups(self):
        self.env["golive.backup"].search([]).unlink()
        gate = self._audit()
        self.assertEqual(gate.check_status, "fail")
        self.assertIn("No backup of this database passed", gate.check_message)
        self._backup(2, "passed")
        gate = self._audit()
        self.assertEqual(gate.check_status, "pass", gate.check_message)
        self.assertEqual(gate.state, "done")
        # the last backup's restore test fails: red again
        self._backup(1, "failed")
        gate = self._audit()
        self.assertEqual(gate.check_status, "fail")
        self.assertIn("restore test of the last backup", gate.check_message)
        # only an old verified backup: red
        self.env["golive.backup"].search([]).unlink()
        self._backup(30, "passed")
        gate = self._audit()
        self.assertEqual(gate.check_status, "fail")
        self.assertRegex(gate.check_message, r"is 30\.0 h old \(at most 24\.0 h\)")

    def test_backup_cron_time_limit(self):
        run = self.env["golive.check.run"].sudo()
        for options, status in (
            (
                {"workers": 2, "limit_time_real": 120, "limit_time_real_cron": -1},
                "fail",
            ),
            ({"workers": 2, "limit_time_real": 120, "limit_time_real_cron": 0}, "pass"),
            ({"workers": 2, "limit_time_real_cron": 9000}, "pass"),
            ({"workers": 0, "limit_time_real": 120}, "pass"),
        ):
            with self.subTest(options=options), patch.dict(config.options, options):
                result = run._run_checks(
                    codes=["backup.cron_time_limit"], environment="prod"
                ).result_ids
                self.assertEqual(result.status, status, result.message)
