# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive-update`` and ``odoo-bin golive-restore`` as child
processes on a scratch database of their own (never the test database): a test
module whose version 2 weakens security is rolled back, a clean version 3 goes
through, a row written since the backup disappears with a restore, and a
corrupted dump is refused with nothing touched."""

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import zlib
from contextlib import closing

import psycopg2
from psycopg2 import sql

from odoo.sql_db import connection_info_for
from odoo.tests import TransactionCase, tagged
from odoo.tools import config
from odoo.tools.misc import file_path

from odoo.addons.ipai_golive_checks.tests.common import ODOO_CMD
from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

from ..cli.golive_restore import LOCK_NAMESPACE
from ..tools import rollback as mechanics

PROBE = "golive_update_probe"


def connect(dbname, autocommit=True):
    _dsn, info = connection_info_for(dbname)
    conn = psycopg2.connect(**info)
    conn.autocommit = autocommit
    return conn


def query(dbname, statement, params=None):
    with closing(connect(dbname)) as conn, conn.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


def databases():
    return {row[0] for row in query("postgres", "SELECT datname FROM pg_database")}


@tagged("post_install", "-at_install")
class TestGoliveRollbackCli(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="golive_t21_")
        cls.addons = os.path.join(cls.folder, "addons")
        cls.backups = os.path.join(cls.folder, "backups")
        os.makedirs(cls.addons)
        cls.db = f"golive_t21_{secrets.token_hex(4)}"
        cls.databases_before = databases()
        cls.conf = os.path.join(cls.folder, "odoo.conf")
        options = {
            "golive_backup_dir": cls.backups,
            "data_dir": os.path.join(cls.folder, "data"),
        }
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(option):
                options[option] = config[option]
        with open(cls.conf, "w") as conf:
            conf.write("[options]\n")
            conf.writelines(f"{key} = {value}\n" for key, value in options.items())
        cls.addClassCleanup(cls._drop_what_we_created)
        cls._deploy(1)
        proc = cls._odoo(
            "-i", PROBE, "--without-demo=all", "--stop-after-init", "--no-http"
        )
        assert proc.returncode == 0, proc.stderr[-2000:]

    @classmethod
    def _drop_what_we_created(cls):
        for name in databases() - cls.databases_before:
            if not name.startswith(cls.db):
                continue  # another test run's; the restores drop their copies
            for statement in (
                "ALTER DATABASE {} IS_TEMPLATE false",
                "DROP DATABASE {} WITH (FORCE)",
            ):
                query("postgres", sql.SQL(statement).format(sql.Identifier(name)))
        shutil.rmtree(cls.folder, ignore_errors=True)

    @classmethod
    def _deploy(cls, version):
        """Put version ``version`` of the probe module on the addons path."""
        target = os.path.join(cls.addons, PROBE)
        shutil.rmtree(target, ignore_errors=True)
        source = file_path(f"ipai_golive/tests/data/update_probe/v{version}/{PROBE}")
        shutil.copytree(source, target)

    @classmethod
    def _odoo(cls, *args, command=None):
        addons_path = f"{cls.addons},{config['addons_path']}"
        cmd = [*ODOO_CMD, f"--addons-path={addons_path}"]
        if command:
            cmd.append(command)
        cmd += ["-c", cls.conf, "-d", cls.db, *args]
        env = dict(os.environ)
        env.pop("ODOO_RC", None)
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=600, env=env, check=False
        )

    def _ours(self):
        """This test's databases and restore copies (other test runs may
        create databases of their own meanwhile)."""
        return {n for n in databases() if n.startswith((self.db, "golive_rb_"))}

    def _state(self):
        """What a rollback must put back: the module's version in the
        database, the admin's password hash, the probe's rows."""
        return {
            "version": query(
                self.db,
                "SELECT latest_version FROM ir_module_module WHERE name = %s",
                [PROBE],
            )[0][0],
            "hash": query(self.db, "SELECT password FROM res_users WHERE id = 2")[0][0],
            "rows": query(self.db, "SELECT count(*) FROM golive_update_probe")[0][0],
        }

    def _kept_rows(self, kept, statement):
        """Read the replaced database, kept closed to connections."""
        self.assertEqual(
            query(
                "postgres",
                "SELECT datallowconn FROM pg_database WHERE datname = %s",
                [kept],
            ),
            [(False,)],
            "the replaced database is closed to cron and HTTP",
        )
        query(
            "postgres",
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(
                sql.Identifier(kept)
            ),
        )
        return query(kept, statement)

    def test_guarded_update_and_restore(self):
        before = self._state()
        self.assertEqual(before["version"], "18.0.1.0.0")
        # v2 resets the admin password to admin: a new critical finding
        self._deploy(2)
        proc = self._odoo("-u", PROBE, "--format", "json", command="golive-update")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(report["result"], "rolled_back")
        self.assertEqual(
            [(f["code"], f["severity"]) for f in report["findings"]],
            [("security.admin_password", "critical")],
        )
        stages = [s["stage"] for s in report["stages"]]
        for stage in ("audit before", "backup", "update", "audit", "restore", "swap"):
            self.assertIn(stage, stages)
            self.assertIn(f"golive-update: {stage} done in ", proc.stderr)
        self.assertEqual(self._state(), before, "the database is back as it was")
        rollback = query(
            self.db,
            "SELECT trigger, state, backup_id, kept_database, findings, os_user "
            "FROM golive_rollback",
        )
        self.assertEqual(len(rollback), 1)
        trigger, state, backup_id, kept, findings, os_user = rollback[0]
        self.assertEqual((trigger, state), ("update", "done"))
        self.assertEqual(backup_id, report["backup"]["id"])
        self.assertIn("security.admin_password", findings)
        self.assertTrue(os_user)
        self.assertTrue(kept.startswith(f"{self.db}_replaced_"))
        # the restored copy knows its backup as verified (it was dumped running)
        self.assertEqual(
            query(self.db, "SELECT state, restore_state FROM golive_backup"),
            [("done", "passed")],
        )
        note = query(
            self.db,
            "SELECT evidence_note FROM golive_task WHERE name = 'Rollback plan tested'",
        )[0][0]
        self.assertIn(f"kept as {kept}", note)
        # the failed update is what the replaced database holds
        self.assertEqual(
            self._kept_rows(
                kept,
                f"SELECT latest_version FROM ir_module_module WHERE name = '{PROBE}'",
            ),
            [("18.0.2.0.0",)],
        )

        # v3 is clean: exit 0 and a release of what was deployed
        backed_up = self._state()
        self._deploy(3)
        proc = self._odoo("-u", PROBE, command="golive-update")
        self.assertEqual(proc.returncode, 0, proc.stderr + proc.stdout)
        self.assertIn(": updated", proc.stdout)
        self.assertEqual(self._state()["version"], "18.0.3.0.0")
        releases = query(self.db, "SELECT trigger FROM golive_release")
        self.assertEqual(releases, [("update",)])
        note = query(
            self.db,
            "SELECT evidence_note FROM golive_task WHERE name = 'Install/upgrade test'",
        )[0][0]
        self.assertIn(f"Guarded update of {PROBE}", note)

        # the latest backup is the one taken before v3: a row written since
        # goes away with a restore, and so does v3
        updated = self._state()
        query(self.db, "INSERT INTO golive_update_probe (name) VALUES ('late')")
        self.assertEqual(self._state()["rows"], updated["rows"] + 1)
        proc = self._odoo("--backup", "latest", command="golive-restore")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self._state(), backed_up)
        kept = query(
            self.db,
            "SELECT kept_database FROM golive_rollback WHERE trigger = 'restore'",
        )[0][0]
        self.assertIn(f"kept as {kept}", proc.stdout)
        self.assertEqual(
            self._kept_rows(
                kept, "SELECT count(*) FROM golive_update_probe WHERE name = 'late'"
            ),
            [(1,)],
        )
        self.assertFalse(
            {name for name in databases() if name.startswith("golive_rb_")}
            - self.databases_before,
            "no copy is left behind",
        )

        # another update or restore of the database running: refused
        with closing(connect("postgres")) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT pg_advisory_lock(%s, %s)",
                [LOCK_NAMESPACE, zlib.crc32(self.db.encode()) - 2**31],
            )
            proc = self._odoo("-u", PROBE, command="golive-update")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(
            f"Another golive-update or golive-restore of {self.db}", proc.stderr
        )

        # a corrupted dump is refused: exit 2, nothing touched
        dump = query(
            self.db,
            "SELECT dump_path FROM golive_backup WHERE restore_state = 'passed' "
            "ORDER BY id DESC LIMIT 1",
        )[0][0]
        with open(dump, "ab") as stream:
            stream.write(b"corrupted")
        names = self._ours()
        state = self._state()
        proc = self._odoo(command="golive-restore")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("changed since it was written (SHA-256): refused", proc.stderr)
        self.assertEqual(self._ours(), names)
        self.assertEqual(self._state(), state)

        # a dump whose checksum matches but that does not restore (written
        # broken: its table of contents reads, its last data block is cut):
        # exit 3, the original is in place and no copy is left
        with open(dump, "r+b") as stream:
            stream.truncate(os.path.getsize(dump) - 64)
        query(
            self.db,
            "UPDATE golive_backup SET dump_sha256 = %s WHERE dump_path = %s",
            [mechanics.sha256_file(dump), dump],
        )
        proc = self._odoo(command="golive-restore")
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn("The restore failed before the swap", proc.stderr)
        self.assertIn(
            f"Database {self.db} and its filestore are untouched", proc.stderr
        )
        self.assertEqual(self._ours(), names)
        self.assertEqual(self._state(), state)

    def _shell(self, dbname, script):
        """``odoo-bin shell`` on ``dbname`` (never the test database) running
        ``script``; its last line of output."""
        self.assertNotEqual(dbname, self.env.cr.dbname)
        addons_path = f"{self.addons},{config['addons_path']}"
        env = dict(os.environ)
        env.pop("ODOO_RC", None)
        proc = subprocess.run(
            [
                *ODOO_CMD,
                f"--addons-path={addons_path}",
                "shell",
                "-c",
                self.conf,
                "-d",
                dbname,
                "--no-http",
                "--log-level=warn",
            ],
            input=script,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
            check=False,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        return (proc.stdout.strip().splitlines() or [""])[-1]

    def _wait_for_rollback(self, dbname, timeout=600):
        """Wait for the detached ``golive-restore`` to end (it holds the lock
        of restores of ``dbname`` while it runs); the app rollbacks then
        recorded in ``dbname``."""
        key = [LOCK_NAMESPACE, zlib.crc32(dbname.encode()) - 2**31]
        deadline = time.monotonic() + timeout
        started = False
        while time.monotonic() < deadline:
            with closing(connect("postgres")) as conn, conn.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND classid::bigint = %s AND objid::bigint = %s "
                    "AND objsubid = 2",
                    [key[0], key[1] & 0xFFFFFFFF],
                )
                running = cur.fetchone()[0]
            started = started or running
            rows = []
            if not running and dbname in databases():
                with contextlib.suppress(psycopg2.OperationalError):
                    rows = query(
                        dbname,
                        "SELECT id, state, backup_id, backup_name, user_id, "
                        "kept_database, dropped_current, message FROM golive_rollback "
                        "WHERE trigger = 'app' ORDER BY id",
                    )
            if rows and rows[-1][1] in ("done", "failed"):
                return rows
            time.sleep(1)
        self.fail(f"no app rollback of {dbname} ended (restore started: {started})")

    def test_roll_back_from_the_app_runs_detached(self):
        """Roll Back from the checklist, for real: a Go-Live Manager queues the
        restore of a verified backup, the rollback job starts a detached
        golive-restore that puts the backup back under the database's name;
        the rollback recorded there links the restore point. On a copy of the
        test's database made for this test, never the test database."""
        test_db = self.env.cr.dbname
        app_db = f"{self.db}_app"
        self.assertNotEqual(app_db, test_db)
        query(
            "postgres",
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(app_db), sql.Identifier(self.db)
            ),
        )
        data_dir = os.path.join(self.folder, "data", "filestore")
        if os.path.isdir(os.path.join(data_dir, self.db)):
            shutil.copytree(
                os.path.join(data_dir, self.db), os.path.join(data_dir, app_db)
            )
        test_rollbacks = query(test_db, "SELECT count(*) FROM golive_rollback")
        # a Go-Live Manager, then a verified backup (as golive-update takes it)
        backup_id = int(
            self._shell(
                app_db,
                "manager = env['res.users'].create({'name': 'Probe Manager', "
                "'login': 'probe_manager', 'groups_id': [(6, 0, ["
                "env.ref('base.group_user').id, "
                f"env.ref('{MANAGER_GROUP}').id])]}})\n"
                "checklist = env['golive.checklist'].search([], limit=1)\n"
                "backup, _s = env['golive.backup']._golive_take_verified(checklist)\n"
                "env.cr.commit()\n"
                "print(backup.id)\n",
            )
        )
        manager_id, backup_name = query(
            app_db,
            "SELECT u.id, b.name FROM res_users u, golive_backup b "
            "WHERE u.login = 'probe_manager' AND b.id = %s",
            [backup_id],
        )[0]
        rows = query(app_db, "SELECT count(*) FROM golive_update_probe")[0][0]
        query(app_db, "INSERT INTO golive_update_probe (name) VALUES ('late')")
        # Roll Back as the manager, then the rollback job (the cron's code)
        requested = self._shell(
            app_db,
            f"backup = env['golive.backup'].browse({backup_id})\n"
            f"manager = env['res.users'].browse({manager_id})\n"
            "backup.with_user(manager).action_golive_roll_back()\n"
            "env.cr.commit()\n"
            "env.ref('ipai_golive.ir_cron_golive_rollback').method_direct_trigger()\n"
            "env.cr.commit()\n"
            "print(env['golive.rollback'].search([('trigger', '=', 'app')]).state)\n",
        )
        self.assertEqual(requested, "running", "the job started the restore")
        rollbacks = self._wait_for_rollback(app_db)
        self.assertEqual(len(rollbacks), 1, rollbacks)
        _id, state, linked, name, user_id, kept, dropped, message = rollbacks[0]
        self.assertEqual(state, "done", message)
        self.assertEqual((linked, name), (backup_id, backup_name), "links the point")
        self.assertEqual(user_id, manager_id)
        self.assertFalse(dropped)
        self.assertTrue(kept.startswith(f"{app_db}_replaced_"))
        # the database is the backup: the late row is gone, the restore point
        # is one there too, the checklist and its gate say so
        self.assertEqual(
            query(app_db, "SELECT count(*) FROM golive_update_probe")[0][0], rows
        )
        self.assertEqual(
            query(
                app_db,
                "SELECT state, restore_state FROM golive_backup WHERE id = %s",
                [backup_id],
            ),
            [("done", "passed")],
        )
        self.assertEqual(
            query(app_db, "SELECT DISTINCT rollback_backup_id FROM golive_checklist"),
            [(backup_id,)],
        )
        note = query(
            app_db,
            "SELECT evidence_note FROM golive_task WHERE name = 'Rollback plan tested'",
        )[0][0]
        self.assertIn("Rollback (Roll Back (app))", note)
        self.assertIn(f"kept as {kept}", note)
        # the replaced database holds the late row and the request
        self.assertEqual(
            self._kept_rows(
                kept, "SELECT count(*) FROM golive_update_probe WHERE name = 'late'"
            ),
            [(1,)],
        )
        self.assertEqual(
            query(kept, "SELECT state FROM golive_rollback WHERE trigger = 'app'"),
            [("running",)],
        )
        # a Roll Back the restore refuses (the dump changed since): the
        # request says why, and nothing was touched
        dump = query(
            app_db, "SELECT dump_path FROM golive_backup WHERE id = %s", [backup_id]
        )[0][0]
        with open(dump, "ab") as stream:
            stream.write(b"corrupted")
        names = {n for n in databases() if n.startswith(app_db)}
        requested = self._shell(
            app_db,
            f"backup = env['golive.backup'].browse({backup_id})\n"
            f"manager = env['res.users'].browse({manager_id})\n"
            "backup.with_user(manager).action_golive_roll_back()\n"
            "env.cr.commit()\n"
            "env.ref('ipai_golive.ir_cron_golive_rollback').method_direct_trigger()\n"
            "env.cr.commit()\n"
            "print(env['golive.rollback'].search([], limit=1).state)\n",
        )
        self.assertEqual(requested, "running")
        rollbacks = self._wait_for_rollback(app_db)
        self.assertEqual(len(rollbacks), 2, rollbacks)
        _id, state, linked, _name, _user, kept, _dropped, message = rollbacks[-1]
        self.assertEqual((state, linked, kept), ("failed", backup_id, None))
        self.assertIn("changed since it was written (SHA-256): refused", message)
        self.assertEqual({n for n in databases() if n.startswith(app_db)}, names)
        self.assertEqual(
            query(app_db, "SELECT count(*) FROM golive_update_probe")[0][0], rows
        )
        # never the test database: still there, not replaced, no rollback
        self.assertIn(test_db, databases())
        self.assertFalse(
            {n for n in databases() if n.startswith(f"{test_db}_replaced_")}
        )
        self.assertEqual(
            query(test_db, "SELECT count(*) FROM golive_rollback"), test_rollbacks
        )
