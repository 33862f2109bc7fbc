# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from contextlib import closing

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import backup as tools
from ..tools.backup import BackupError
from ..tools.rollback import RestorePoint
from .golive_backup import JOB_KEY

# The backup fields a restored database gets back (its own copy of the backup
# record was dumped while the backup was running).
SYNCED_FIELDS = (
    "name",
    "state",
    "error",
    "date_end",
    "duration",
    "dump_path",
    "dump_size",
    "dump_sha256",
    "filestore_path",
    "filestore_size",
    "filestore_sha256",
    "filestore_file_count",
    "server_version",
    "pg_dump_version",
    "pg_restore_version",
    "source_counts",
    "restore_state",
    "restore_date",
    "restore_duration",
    "restore_counts",
    "restore_message",
    "restore_database",
)


class GoliveBackup(models.Model):
    """The small interface the rollback uses: a backup as a restore point,
    taking a verified backup synchronously (golive-update), and the backup's
    values carried into the restored database."""

    _inherit = "golive.backup"

    rollback_ids = fields.One2many("golive.rollback", "backup_id", readonly=True)

    def _golive_restore_point(self):
        """This backup as a ``RestorePoint``: verified means done with its
        restore test passed."""
        self.ensure_one()
        return RestorePoint(
            backup_id=self.id,
            name=self.name,
            database=self.database,
            verified=self._golive_is_verified(),
            dump_path=self.dump_path,
            dump_sha256=self.dump_sha256,
            filestore_path=self.filestore_path,
            filestore_sha256=self.filestore_sha256,
            filestore_file_count=self.filestore_file_count,
        )

    @api.model
    def _golive_busy(self):
        """A backup job runs (it holds the job lock) or a backup is queued or
        running (one at a time)."""
        return self._golive_job_running() or bool(
            self.sudo().search_count([("state", "in", ("queued", "running"))])
        )

    @api.model
    def _golive_take_verified(self, checklist):
        """Take a backup now, in this process, and test its restore; commits
        (a command, not a request). Like the backup job, it holds the job lock
        for the whole run and counts as the one active backup. Raises
        ``BackupError`` unless verified."""
        with closing(self._golive_connect(self.env.cr.dbname)) as lock:
            lock.autocommit = True
            if not tools.try_job_lock(lock):
                raise BackupError(self.env._("A backup job is running: wait for it."))
            job = self.with_context(**{JOB_KEY: True})
            job._golive_sweep(own_lock=True)
            job._golive_backup_dir()
            try:
                backup = job._golive_create_queued(
                    {
                        "checklist_id": checklist.id,
                        "company_id": (checklist.company_id or self.env.company).id,
                        "user_id": self.env.uid,
                        "database": self.env.cr.dbname,
                        "state": "running",
                        "date_start": fields.Datetime.now(),
                    }
                )
            except UserError as exc:
                raise BackupError(str(exc)) from exc
            self.env.cr.commit()  # pylint: disable=invalid-commit
            started = time.monotonic()
            backup._golive_execute()
            self.env.cr.commit()  # pylint: disable=invalid-commit
            tools.release_job_lock(lock)
        if backup.state != "done":
            raise BackupError(
                self.env._("Backup failed: %(error)s", error=backup.error)
            )
        if backup.restore_state != "passed":
            raise BackupError(
                self.env._(
                    "The backup's restore test failed: %(error)s",
                    error=backup.restore_message,
                )
            )
        return backup, time.monotonic() - started

    def _golive_synced_values(self):
        self.ensure_one()
        return {
            name: self._fields[name].convert_to_write(self[name], self)
            for name in SYNCED_FIELDS
        }

    def action_golive_roll_back(self):
        """Roll Back: queue the restore of this backup (Go-Live Manager)."""
        self.ensure_one()
        self.env["golive.rollback"]._golive_queue(self)
        return True
