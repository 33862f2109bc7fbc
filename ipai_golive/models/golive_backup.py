# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import errno
import glob
import json
import logging
import os
import tempfile
import time
from contextlib import closing

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models, sql_db
from odoo.exceptions import UserError
from odoo.tools import config, mute_logger
from odoo.tools.misc import exec_pg_environ

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

from ..tools import backup as tools
from ..tools.backup import BackupError

_logger = logging.getLogger(__name__)

# Tables counted in the source (at the dump's snapshot) and in the restored copy.
COUNTED_TABLES = (
    "res_company",
    "res_users",
    "res_partner",
    "ir_module_module",
    "ir_model",
    "ir_attachment",
    "golive_checklist",
    "golive_task",
)
# Gates whose evidence the backup is: (section, start of the task name).
BACKUP_GATES = (("8.1", "Backup taken right before cutover"),)
RESTORE_GATES = (
    ("0", "Rollback plan tested"),
    ("2.2", "Restore test"),
)
DEFAULT_KEEP = 5
DEFAULT_TIMEOUT = 7200
# Context key: set by the backup job, whose steps commit (a test calls them
# without it, inside its transaction).
JOB_KEY = "golive_backup_job"


class GoliveBackup(models.Model):
    """A pre-cutover backup: a ``pg_dump`` (custom format) of the database and
    a tar.gz of its filestore, written by the backup job (``ir.cron``), never
    in an HTTP request, then restored into a scratch database to prove it.

    Server options (the Odoo configuration file, never a system parameter):
    ``golive_backup_dir`` (required), ``golive_backup_keep`` (verified
    backups kept, default 5), ``golive_backup_timeout`` (seconds per tool,
    default 7200).

    A backup is *verified* when ``state == "done"`` and ``restore_state ==
    "passed"`` (``_golive_is_verified``, ``_golive_last_verified``). One
    backup at a time: a partial unique index allows one queued-or-running
    backup, and the job holds ``tools.backup.JOB_LOCK_KEY`` (a PostgreSQL
    advisory lock) while it runs (``_golive_job_running``).
    """

    _name = "golive.backup"
    _description = "Go-Live Backup"
    _order = "id desc"

    name = fields.Char(readonly=True)
    checklist_id = fields.Many2one(
        "golive.checklist", readonly=True, ondelete="set null", index=True
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("expired", "Expired"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
        help="Expired: removed from disk by the retention (only the record stays).",
    )
    error = fields.Text(readonly=True, groups=MANAGER_GROUP)
    database = fields.Char(readonly=True)
    date_start = fields.Datetime(string="Started", readonly=True)
    date_end = fields.Datetime(string="Finished", readonly=True)
    duration = fields.Float(string="Backup Duration (s)", digits=(16, 1), readonly=True)
    dump_path = fields.Char(string="Dump", readonly=True, groups=MANAGER_GROUP)
    dump_size = fields.Integer(string="Dump Size (bytes)", readonly=True)
    dump_sha256 = fields.Char(string="Dump SHA-256", readonly=True)
    filestore_path = fields.Char(
        string="Filestore Archive", readonly=True, groups=MANAGER_GROUP
    )
    filestore_size = fields.Integer(string="Filestore Size (bytes)", readonly=True)
    filestore_sha256 = fields.Char(string="Filestore SHA-256", readonly=True)
    filestore_file_count = fields.Integer(string="Filestore Files", readonly=True)
    server_version = fields.Char(string="PostgreSQL Server", readonly=True)
    pg_dump_version = fields.Char(string="pg_dump", readonly=True)
    pg_restore_version = fields.Char(string="pg_restore", readonly=True)
    source_counts = fields.Text(
        readonly=True, help="Rows per key table at the dump's snapshot (JSON)."
    )
    restore_state = fields.Selection(
        [("none", "Not Tested"), ("passed", "Passed"), ("failed", "Failed")],
        string="Restore Test",
        default="none",
        required=True,
        readonly=True,
    )
    restore_date = fields.Datetime(string="Restore Tested On", readonly=True)
    restore_duration = fields.Float(
        string="Restore Duration (s)", digits=(16, 1), readonly=True
    )
    restore_counts = fields.Text(
        readonly=True, help="Rows per key table in the restored copy (JSON)."
    )
    restore_message = fields.Text(readonly=True, groups=MANAGER_GROUP)
    restore_database = fields.Char(
        string="Scratch Database",
        readonly=True,
        groups=MANAGER_GROUP,
        help="The database the restore test restores into, dropped afterwards "
        "(or by the sweeper when the job was killed).",
    )
    size_display = fields.Char(string="Size", compute="_compute_size_display")

    def init(self):
        # One backup queued or running at a time, whoever clicks: the
        # database refuses the second one (a concurrent click waits for the
        # first transaction, then fails).
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS golive_backup_one_active_uniq "
            "ON golive_backup ((true)) WHERE state IN ('queued', 'running')"
        )

    @api.depends("name", "state")
    def _compute_display_name(self):
        for backup in self:
            backup.display_name = backup.name or self.env._(
                "Backup #%(id)s (%(state)s)", id=backup.id, state=backup.state
            )

    @api.depends("dump_size", "filestore_size")
    def _compute_size_display(self):
        for backup in self:
            backup.size_display = tools.human_size(
                backup.dump_size + backup.filestore_size
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Start a backup with Back Up Now."))
        return super().create(vals_list)

    # Queue

    @api.model
    def _golive_queue(self, checklist):
        """Queue a backup of the database for ``checklist`` and wake the job."""
        self._golive_sweep()
        problem = tools.cron_limit_problem(config.options, self._golive_timeout())
        if problem:
            raise UserError(problem)
        try:
            self._golive_backup_dir()
        except BackupError as exc:
            raise UserError(str(exc)) from exc
        backup = self._golive_create_queued(
            {
                "checklist_id": checklist.id,
                "company_id": checklist.company_id.id,
                "user_id": self.env.uid,
                "database": self.env.cr.dbname,
            }
        )
        self.env.ref("ipai_golive.ir_cron_golive_backup").sudo()._trigger()
        checklist.message_post(
            body=self.env._(
                "Backup queued by %(user)s: it runs in the background.",
                user=self.env.user.name,
            )
        )
        return backup

    @api.model
    def _golive_create_queued(self, vals):
        """Create the queued backup; the database's unique index refuses a
        second queued or running one (also from a concurrent transaction)."""
        busy = UserError(
            self.env._("A backup is already queued or running: wait for it.")
        )
        if self.sudo().search_count([("state", "in", ("queued", "running"))]):
            raise busy
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                return self.sudo().create(vals)
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.LockNotAvailable):
            raise busy from None

    @api.model
    def _cron_run_queue(self):
        """The backup job: run the queued backups, each in its own transaction,
        holding the job lock on a session of its own for the whole run.

        It commits (a cron job, not a request): the form shows the backup
        running while pg_dump works, and each outcome is kept whatever follows.
        """
        with closing(self._golive_connect(self.env.cr.dbname)) as lock:
            lock.autocommit = True
            if not tools.try_job_lock(lock):
                _logger.info("Go-live backup job already running: skipped.")
                return False
            job = self.with_context(**{JOB_KEY: True})
            job._golive_sweep(own_lock=True)
            for backup in job.search([("state", "=", "queued")], order="id"):
                backup.write({"state": "running", "date_start": fields.Datetime.now()})
                self.env.cr.commit()  # pylint: disable=invalid-commit
                backup._golive_execute()
                self.env.cr.commit()  # pylint: disable=invalid-commit
            tools.release_job_lock(lock)
        return True

    def _golive_commit(self):
        """Commit in the backup job (never in a request or a test)."""
        if self.env.context.get(JOB_KEY):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _golive_connect(self, dbname):
        _dsn, info = sql_db.connection_info_for(dbname)
        return psycopg2.connect(**info)

    @api.model
    def _golive_job_running(self):
        """Whether a backup job holds the job lock right now (a killed job's
        lock is released by PostgreSQL with its session)."""
        return tools.job_lock_held(self.env.cr)

    @api.model
    def _golive_sweep(self, own_lock=False):
        """When no job runs: fail the backups a killed job left running, drop
        the scratch databases of their restore tests, remove half-written
        files. Says what it did (log, backup error, checklist chatter).
        Returns the backups it failed."""
        if not own_lock and self._golive_job_running():
            return self.browse()
        interrupted = self.sudo().search([("state", "=", "running")])
        dropped = []
        recorded = set(
            self.sudo()
            .search([("restore_database", "!=", False)])
            .mapped("restore_database")
        )
        leftovers = tools.leftover_scratches(self._golive_connect, self.env.cr.dbname)
        for name in sorted(
            set(leftovers)
            | (recorded & set(tools.existing_databases(self._golive_connect)))
        ):
            if tools.drop_scratch(self._golive_connect, name):
                dropped.append(name)
                _logger.info(
                    "Go-live backup sweep: dropped leftover scratch database %s", name
                )
        for backup in interrupted:
            message = self.env._(
                "Interrupted: the backup job stopped while the backup was "
                "running (worker killed, e.g. by the cron time limit "
                "limit_time_real_cron, or server restarted)."
            )
            if backup.restore_database in dropped:
                message += " " + self.env._(
                    "Its scratch database %(name)s was dropped.",
                    name=backup.restore_database,
                )
            backup.write({"state": "failed", "error": message})
            if backup.checklist_id:
                backup.checklist_id.message_post(body=message)
        removed = self._golive_remove_partial_files()
        if interrupted or dropped or removed:
            _logger.info(
                "Go-live backup sweep: %s interrupted backup(s) failed, %s scratch "
                "database(s) dropped, %s partial file(s) removed.",
                len(interrupted),
                len(dropped),
                len(removed),
            )
        return interrupted

    @api.model
    def _golive_remove_partial_files(self):
        """Remove what an interrupted backup left half-written."""
        directory = config.get("golive_backup_dir")
        if not directory or not os.path.isdir(directory):
            return []
        partial = glob.glob(os.path.join(glob.escape(directory), ".*.partial"))
        for path in partial:
            tools.remove_quietly(path)
        return partial

    def _golive_is_verified(self):
        """Done and restore-tested: what can be restored from."""
        self.ensure_one()
        return self.state == "done" and self.restore_state == "passed"

    @api.model
    def _golive_last_verified(self, database=None):
        """The newest verified backup of ``database`` (default: this one)."""
        return self.sudo().search(
            [
                ("state", "=", "done"),
                ("restore_state", "=", "passed"),
                ("database", "=", database or self.env.cr.dbname),
            ],
            order="id desc",
            limit=1,
        )

    # Server options

    @api.model
    def _golive_backup_dir(self):
        """The backup directory from the server configuration, created and
        proven writable."""
        directory = config.get("golive_backup_dir")
        if not directory:
            raise BackupError(
                self.env._(
                    "No backup directory: set golive_backup_dir in the Odoo "
                    "server configuration file."
                )
            )
        try:
            tools.private_dir(directory)
            with tempfile.NamedTemporaryFile(dir=directory, prefix=".golive-probe-"):
                pass
        except OSError as exc:
            raise BackupError(self._golive_os_error(exc, directory)) from exc
        return directory

    @api.model
    def _golive_pg_search_dirs(self):
        return tools.pg_search_dirs(config.get("pg_path"))

    @api.model
    def _golive_timeout(self):
        return int(config.get("golive_backup_timeout") or DEFAULT_TIMEOUT)

    @api.model
    def _golive_keep(self):
        return max(int(config.get("golive_backup_keep") or DEFAULT_KEEP), 1)

    @api.model
    def _golive_os_error(self, exc, path):
        if exc.errno == errno.ENOSPC:
            return self.env._(
                "Disk full while writing to %(path)s: free some space or point "
                "golive_backup_dir at a larger disk.",
                path=path,
            )
        if exc.errno in (errno.EACCES, errno.EPERM):
            return self.env._(
                "Permission denied: the Odoo server process cannot write to %(path)s.",
                path=path,
            )
        return self.env._(
            "Cannot write to %(path)s: %(error)s", path=path, error=exc.strerror
        )

    # The job

    def _golive_execute(self):
        """Back up, test the restore, then (only after a passed restore test)
        keep the last verified backups. A failure is recorded on the backup and
        leaves no file behind."""
        self.ensure_one()
        started = time.monotonic()
        if not self.date_start:
            self.date_start = fields.Datetime.now()
        try:
            vals = self._golive_dump()
        except (BackupError, OSError, psycopg2.Error) as exc:
            message = (
                self._golive_os_error(exc, config.get("golive_backup_dir"))
                if isinstance(exc, OSError)
                else str(exc)
            )
            self.write(
                {
                    "state": "failed",
                    "error": message,
                    "date_end": fields.Datetime.now(),
                    "duration": time.monotonic() - started,
                }
            )
            _logger.error("Go-live backup %s failed: %s", self.id, message)
            if self.checklist_id:
                self.checklist_id._post_alert(
                    Markup("<p>%s</p>")
                    % self.env._("Backup failed: %(error)s", error=message)
                )
            return False
        vals.update(
            state="done",
            error=False,
            date_end=fields.Datetime.now(),
            duration=time.monotonic() - started,
        )
        self.write(vals)
        self._golive_record_evidence(BACKUP_GATES, self._golive_backup_note())
        self._golive_commit()
        if self._golive_restore_test():
            self._golive_commit()
            self._golive_apply_retention()
        return True

    def _golive_dump(self):
        """Write the dump and the filestore archive; values of the backup."""
        directory = self._golive_backup_dir()
        cr = self.env.cr
        dbname = cr.dbname
        cr.execute("SHOW server_version")
        server_version = cr.fetchone()[0]
        server_major = tools.server_major(cr)
        search_dirs = self._golive_pg_search_dirs()
        pg_dump, dump_version = tools.find_pg_tool("pg_dump", server_major, search_dirs)
        # checked now: a backup that cannot be restored here is no backup
        tools.find_pg_tool("pg_restore", server_major, search_dirs)
        filestore = config.filestore(dbname)
        self._golive_check_free_space(directory, filestore)
        stamp = fields.Datetime.now().strftime("%Y%m%d-%H%M%S")
        base = f"{dbname}-{stamp}-{self.id}"
        vals = tools.write_backup(
            directory,
            base,
            dbname=dbname,
            pg_dump=pg_dump,
            filestore=filestore,
            connect=self._golive_connect,
            env=exec_pg_environ(),
            timeout=self._golive_timeout(),
            tables=COUNTED_TABLES,
        )
        counts = vals.pop("counts")
        return {
            **vals,
            "name": base,
            "database": dbname,
            "server_version": server_version,
            "pg_dump_version": "{}.{}".format(*dump_version),
            "source_counts": json.dumps(counts, sort_keys=True),
        }

    @api.model
    def _golive_check_free_space(self, directory, filestore):
        """Refuse a backup that the free space of ``directory`` cannot hold
        (the database's size and its filestore's)."""
        _files, filestore_bytes = tools.tree_stats(filestore)
        self.env.cr.execute("SELECT pg_database_size(current_database())")
        needed = self.env.cr.fetchone()[0] + filestore_bytes
        free = tools.free_bytes(directory)
        if free < needed:
            raise BackupError(
                self.env._(
                    "Not enough free space in %(dir)s: %(free)s free, about "
                    "%(needed)s needed (database and filestore).",
                    dir=directory,
                    free=tools.human_size(free),
                    needed=tools.human_size(needed),
                )
            )

    def _golive_restore_test(self):
        """Restore the dump into a scratch database, count the key tables
        against the source, open the filestore archive, drop the scratch
        database; on success, the backup is the evidence of the restore gates."""
        self.ensure_one()
        started = time.monotonic()
        vals = {"restore_date": fields.Datetime.now()}
        try:
            if tools.sha256_file(self.dump_path) != self.dump_sha256:
                raise BackupError(
                    self.env._("The dump changed since it was written (SHA-256).")
                )
            pg_restore, version = tools.find_pg_tool(
                "pg_restore",
                tools.server_major(self.env.cr),
                self._golive_pg_search_dirs(),
            )
            vals["pg_restore_version"] = "{}.{}".format(*version)
            restored, files = self._golive_verify_restore(pg_restore)
            vals["restore_counts"] = json.dumps(restored, sort_keys=True)
            differences = tools.count_differences(
                json.loads(self.source_counts),
                restored,
                self.filestore_file_count,
                files,
            )
            if differences:
                raise BackupError(
                    self.env._(
                        "The restored copy differs from the source: %(diff)s",
                        diff="; ".join(differences),
                    )
                )
        except (BackupError, OSError, psycopg2.Error) as exc:
            self._golive_restore_failed(vals, started, exc)
            return False
        vals.update(
            restore_state="passed",
            restore_duration=time.monotonic() - started,
            restore_message=self.env._(
                "%(tables)s tables and %(files)s filestore files match the source.",
                tables=len(restored),
                files=files,
            ),
        )
        self.write(vals)
        self._golive_record_evidence(RESTORE_GATES, self._golive_restore_note())
        return True

    def _golive_verify_restore(self, pg_restore):
        """Restore into a scratch database named before it exists (the
        sweeper finds it if the job is killed): ``(counts, filestore files)``."""
        source_db = self.database or self.env.cr.dbname
        scratch = tools.scratch_name(
            self.id, source_db, tools.existing_databases(self._golive_connect)
        )
        self.restore_database = scratch
        self._golive_commit()
        return tools.verify_restore(
            pg_restore,
            self.dump_path,
            self.filestore_path,
            scratch,
            source=source_db,
            backup_id=self.id,
            connect=self._golive_connect,
            env=exec_pg_environ(),
            timeout=self._golive_timeout(),
            tables=COUNTED_TABLES,
        )

    def _golive_restore_failed(self, vals, started, exc):
        """Record a failed restore test and say so on the checklist."""
        vals.update(
            restore_state="failed",
            restore_message=str(exc),
            restore_duration=time.monotonic() - started,
        )
        self.write(vals)
        _logger.error("Restore test of go-live backup %s failed: %s", self.id, exc)
        if self.checklist_id:
            self.checklist_id._post_alert(
                Markup("<p>%s</p>")
                % self.env._("Restore test failed: %(error)s", error=str(exc))
            )

    # Evidence and retention

    def _golive_backup_note(self):
        return self.env._(
            "Backup %(name)s: %(size)s, pg_dump %(version)s, dump SHA-256 "
            "%(sha)s, taken in %(duration)s s.",
            name=self.name,
            size=self.size_display,
            version=self.pg_dump_version,
            sha=self.dump_sha256,
            duration=format(self.duration, ".1f"),
        )

    def _golive_restore_note(self):
        return self.env._(
            "Restore test of backup %(name)s passed on %(date)s in %(duration)s s: "
            "%(message)s",
            name=self.name,
            date=fields.Datetime.to_string(self.restore_date),
            duration=format(self.restore_duration, ".1f"),
            message=self.restore_message,
        )

    def _golive_record_evidence(self, gates, note):
        """Add ``note`` to the evidence of the gate tasks and to their chatter."""
        self.checklist_id._golive_gate_evidence(gates, note)

    @api.model
    def _golive_apply_retention(self):
        """Keep the last ``golive_backup_keep`` verified backups of this
        database in the backup directory (the newest verified one always);
        the older backups of the directory expire. Records are committed
        before files are deleted (in the job), so a crash never leaves a
        "done" backup without its files. Files elsewhere (an earlier
        directory) are left alone."""
        directory = os.path.realpath(config.get("golive_backup_dir") or "")
        backups = (
            self.sudo()
            .search(
                [("state", "=", "done"), ("database", "=", self.env.cr.dbname)],
                order="id desc",
            )
            .filtered(
                lambda b: os.path.dirname(os.path.realpath(b.dump_path or ""))
                == directory
            )
        )
        kept = backups.filtered(lambda b: b.restore_state == "passed")[
            : self._golive_keep()
        ]
        if not kept:
            return self.browse()
        old = backups.filtered(lambda b: b.id < kept[-1].id) - kept
        paths = [p for b in old for p in (b.dump_path, b.filestore_path) if p]
        old.write({"state": "expired"})
        self.env.flush_all()
        self._golive_commit()
        for path in paths:
            tools.remove_quietly(path)
        return old
