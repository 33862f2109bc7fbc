# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import errno
import hashlib
import json
import os
import shutil
import stat
import tarfile
import tempfile
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..models import golive_backup
from .common import GoliveBackupCase

BACKUP_LOGGER = "odoo.addons.ipai_golive.models.golive_backup"
# A stand-in for a PostgreSQL client tool: prints VERSION; as pg_dump, writes
# half a file then fails like a lost connection (or succeeds when OK is set).
FAKE_TOOL = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "{name} (PostgreSQL) {version}"; exit 0; fi
for arg in "$@"; do case "$arg" in --file=*) out="${{arg#--file=}}";; esac; done
printf 'PGDMP half a dump' > "$out"
{tail}
"""
FAIL_TAIL = 'echo "pg_dump: error: connection to server was lost" >&2; exit 1'


@tagged("post_install", "-at_install")
class TestGoliveBackup(GoliveBackupCase):
    def setUp(self):
        super().setUp()
        self.gate_backup.section = "8.1"
        self.gate_rollback = self._create_task(
            self.phase_kickoff,
            "Rollback plan tested (tag rollback + DB restore)",
            is_gate=True,
            section="0",
        )
        self.gate_restore = self._create_task(
            self.phase_kickoff,
            "Restore test executed (staging)",
            is_gate=True,
            section="2.2",
        )

    def _fake_tools(self, version="99.0", tail=FAIL_TAIL):
        folder = tempfile.mkdtemp(prefix="golive_t13_bin_")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        for name in ("pg_dump", "pg_restore"):
            path = os.path.join(folder, name)
            with open(path, "w") as script:
                script.write(FAKE_TOOL.format(name=name, version=version, tail=tail))
            os.chmod(path, stat.S_IRWXU)
        return patch.object(
            type(self.Backup), "_golive_pg_search_dirs", lambda self: [folder]
        )

    def _files(self):
        return sorted(os.listdir(self.directory))

    def _database_exists(self, name):
        self.env.cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(self.env.cr.fetchone())

    def _run_failing(self, backup):
        with mute_logger(BACKUP_LOGGER):
            self.assertFalse(backup._golive_execute())
        self.assertEqual(backup.state, "failed")
        self.assertEqual(self._files(), [], "no half-written file remains")
        return backup.error

    def test_back_up_now_queues_a_background_job(self):
        with self.assertRaisesRegex(UserError, "Only a Go-Live Manager"):
            self.checklist.with_user(self.user).action_backup()
        backup = self._queue()
        self.assertEqual(backup.state, "queued")
        self.assertEqual(backup.user_id, self.manager)
        self.assertEqual(backup.database, self.env.cr.dbname)
        cron = self.env.ref("ipai_golive.ir_cron_golive_backup")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        self.assertEqual(self._files(), [], "nothing runs in the request")
        self.assertIn("Backup queued", self.checklist.message_ids[:1].body)
        with self.assertRaisesRegex(UserError, "already queued or running"):
            self.checklist.with_user(self.manager).action_backup()

    def test_backup_dir_comes_from_the_server_configuration(self):
        with patch.dict(config.options, {"golive_backup_dir": ""}):
            with self.assertRaisesRegex(
                UserError,
                "No backup directory: set golive_backup_dir in the Odoo server "
                "configuration file.",
            ):
                self._queue()
        with patch.dict(config.options, {"golive_backup_dir": "backups"}):
            with self.assertRaisesRegex(
                UserError, "golive_backup_dir must be an absolute path, not backups"
            ):
                self._queue()
        # a system parameter of that name is not read
        self.env["ir.config_parameter"].set_param("golive_backup_dir", "/tmp")
        with patch.dict(config.options, {"golive_backup_dir": ""}):
            with self.assertRaisesRegex(UserError, "No backup directory"):
                self._queue()

    def test_real_backup_and_restore_test(self):
        """A real pg_dump and pg_restore on the test database's server. The
        dump sees the committed database only (not this test's transaction):
        the source rows are counted in the very snapshot pg_dump uses."""
        backup = self._queue()
        with patch.dict(config.options, {"list_db": False}):
            self.assertTrue(backup._golive_execute())
        self.assertEqual(backup.state, "done", backup.error)
        self.assertEqual(
            self._files(),
            sorted([f"{backup.name}.dump", f"{backup.name}.filestore.tar.gz"]),
        )
        for path, size, digest in (
            (backup.dump_path, backup.dump_size, backup.dump_sha256),
            (backup.filestore_path, backup.filestore_size, backup.filestore_sha256),
        ):
            self.assertEqual(os.path.dirname(path), self.directory)
            self.assertEqual(os.path.getsize(path), size)
            with open(path, "rb") as stream:
                self.assertEqual(hashlib.sha256(stream.read()).hexdigest(), digest)
        with open(backup.dump_path, "rb") as stream:
            self.assertEqual(stream.read(5), b"PGDMP", "custom format")
        with tarfile.open(backup.filestore_path) as archive:
            files = [member for member in archive if member.isfile()]
        self.assertEqual(len(files), backup.filestore_file_count)
        self.env.cr.execute("SHOW server_version_num")
        server_major = int(self.env.cr.fetchone()[0]) // 10000
        self.assertGreaterEqual(int(backup.pg_dump_version.split(".")[0]), server_major)
        self.assertTrue(backup.server_version.startswith(str(server_major)))
        self.assertGreater(backup.duration, 0)
        # the restore test
        self.assertEqual(backup.restore_state, "passed", backup.restore_message)
        source = json.loads(backup.source_counts)
        self.assertEqual(json.loads(backup.restore_counts), source)
        self.assertEqual(set(source), set(golive_backup.COUNTED_TABLES))
        self.assertGreater(source["res_users"], 0)
        self.assertIn("8 tables and", backup.restore_message)
        self.assertFalse(self._database_exists(backup.restore_database))
        # evidence of the gates
        self.assertIn("Restore test of backup", self.gate_restore.evidence_note)
        self.assertIn(backup.name, self.gate_rollback.evidence_note)
        self.assertIn(backup.dump_sha256, self.gate_backup.evidence_note)
        self.assertNotIn("Restore test", self.gate_ci.evidence_note or "")
        self.assertIn(backup.name, self.checklist._golive_preflight_html())
        # a restored copy that differs fails, and the scratch database is dropped
        backup.source_counts = json.dumps(dict(source, res_users=0))
        with mute_logger(BACKUP_LOGGER):
            self.assertFalse(backup._golive_restore_test())
        self.assertEqual(backup.restore_state, "failed")
        self.assertRegex(
            backup.restore_message,
            r"The restored copy differs from the source: res_users: 0 → \d+",
        )
        self.assertFalse(self._database_exists(backup.restore_database))
        # a dump changed on disk is refused before restoring
        backup.dump_sha256 = "0" * 64
        with mute_logger(BACKUP_LOGGER):
            self.assertFalse(backup._golive_restore_test())
        self.assertEqual(
            backup.restore_message, "The dump changed since it was written (SHA-256)."
        )

    def test_pg_dump_missing(self):
        empty = tempfile.mkdtemp(prefix="golive_t13_nobin_")
        self.addCleanup(shutil.rmtree, empty, ignore_errors=True)
        with patch.object(
            type(self.Backup), "_golive_pg_search_dirs", lambda self: [empty]
        ):
            error = self._run_failing(self._queue())
        self.assertEqual(
            error,
            f"pg_dump was not found (searched {empty}). Install "
            "postgresql-client-15 or set pg_path.",
        )

    def test_pg_dump_too_old(self):
        with self._fake_tools(version="9.6.24"):
            error = self._run_failing(self._queue())
        self.assertRegex(
            error,
            r"^pg_dump is older than the PostgreSQL server \(15\): .*/pg_dump "
            r"\(9\.6\)\. Install postgresql-client-15 or newer",
        )

    def test_failed_dump_leaves_no_file(self):
        with self._fake_tools():
            error = self._run_failing(self._queue())
        self.assertEqual(
            error,
            "pg_dump failed (exit 1): pg_dump: error: connection to server was lost",
        )
        self.assertIn("Backup failed", self.checklist.message_ids[:1].body)
        self.assertFalse(self.gate_backup.evidence_note)

    def test_not_enough_free_space(self):
        with patch.object(golive_backup.tools, "free_bytes", return_value=1024):
            error = self._run_failing(self._queue())
        self.assertRegex(
            error,
            rf"^Not enough free space in {self.directory}: 1\.0 KiB free, about "
            r"[\d.]+ MiB needed \(database and filestore\)\.$",
        )

    def test_disk_full_while_writing(self):
        full = OSError(errno.ENOSPC, "No space left on device")
        with (
            self._fake_tools(tail="exit 0"),
            patch.object(golive_backup.tools, "archive_tree", side_effect=full),
        ):
            error = self._run_failing(self._queue())
        self.assertEqual(
            error,
            f"Disk full while writing to {self.directory}: free some space or "
            "point golive_backup_dir at a larger disk.",
        )

    def test_permission_denied(self):
        """The tests run as root, whom file modes do not stop: the refusal
        the kernel would give is simulated where the directory is probed."""
        denied = PermissionError(errno.EACCES, "Permission denied")
        with patch.object(
            golive_backup.tempfile, "NamedTemporaryFile", side_effect=denied
        ):
            with self.assertRaisesRegex(
                UserError,
                f"Permission denied: the Odoo server process cannot write to "
                f"{self.directory}.",
            ):
                self._queue()

    def test_not_a_directory(self):
        path = os.path.join(self.directory, "a-file")
        with open(path, "w") as stream:
            stream.write("x")
        with patch.dict(config.options, {"golive_backup_dir": f"{path}/backups"}):
            with self.assertRaisesRegex(
                UserError, f"Cannot write to {path}/backups: Not a directory"
            ):
                self._queue()

    def test_retention_keeps_the_last_n(self):
        backups = self.Backup
        for index in range(4):
            dump = os.path.join(self.directory, f"b{index}.dump")
            archive = os.path.join(self.directory, f"b{index}.filestore.tar.gz")
            for path in (dump, archive):
                with open(path, "w") as stream:
                    stream.write("x")
            backups |= self.Backup.create(
                {
                    "state": "done",
                    "restore_state": "passed",
                    "database": self.env.cr.dbname,
                    "dump_path": dump,
                    "filestore_path": archive,
                }
            )
        elsewhere = self.Backup.create(
            {
                "state": "done",
                "database": self.env.cr.dbname,
                "dump_path": "/elsewhere/old.dump",
            }
        )
        expired = self.Backup._golive_apply_retention()
        self.assertEqual(expired, backups[:2])
        self.assertEqual(elsewhere.state, "done", "not in the backup directory")
        self.assertEqual(backups.mapped("state"), ["expired"] * 2 + ["done"] * 2)
        self.assertEqual(
            self._files(),
            ["b2.dump", "b2.filestore.tar.gz", "b3.dump", "b3.filestore.tar.gz"],
        )

    def test_the_cron_job_runs_the_queue(self):
        """The job commits after each step; the test cursor may not, so its
        commit is replaced by a no-op that counts."""
        backup = self._queue()
        empty = tempfile.mkdtemp(prefix="golive_t13_nobin_")
        self.addCleanup(shutil.rmtree, empty, ignore_errors=True)
        cron = self.env.ref("ipai_golive.ir_cron_golive_backup")
        with (
            patch.object(
                type(self.Backup), "_golive_pg_search_dirs", lambda self: [empty]
            ),
            patch.object(self.env.cr, "commit") as commit,
            mute_logger(BACKUP_LOGGER),
        ):
            cron.method_direct_trigger()
        self.assertEqual(commit.call_count, 2)
        self.assertEqual(backup.state, "failed")
        self.assertTrue(backup.date_start)
        self.assertIn("pg_dump was not found", backup.error)

    def test_users_cannot_create_backups(self):
        with self.assertRaisesRegex(UserError, "Start a backup with Back Up Now"):
            self.Backup.with_user(self.manager).create({"database": "x"})

    def test_an_interrupted_backup_is_failed_and_its_files_removed(self):
        """A worker killed during pg_dump leaves a running backup and a
        partial file: the next job run fails the one and removes the other."""
        backup = self._queue()
        backup.write({"state": "running", "date_start": "2020-01-01 00:00:00"})
        partial = os.path.join(self.directory, f".{self.env.cr.dbname}-x.dump.partial")
        with open(partial, "w") as stream:
            stream.write("PGDMP half")
        with patch.object(self.env.cr, "commit"):
            self.Backup._cron_run_queue()
        self.assertEqual(backup.state, "failed")
        self.assertRegex(
            backup.error,
            r"^Interrupted: the backup job stopped while the backup was running "
            r"\(worker killed, e\.g\. by the cron time limit limit_time_real_cron",
        )
        self.assertEqual(self._files(), [])
        # and it no longer blocks Back Up Now
        self.assertEqual(self._queue().state, "queued")
