# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import os
import subprocess
import sys

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

_logger = logging.getLogger(__name__)

# Gates whose evidence a guarded update and a restore are: (section, name start).
UPDATE_GATES = (("3.2", "Install/upgrade test"),)
ROLLBACK_GATES = (("0", "Rollback plan tested"),)
# The server options the restore child gets from the server: (option, flag).
SERVER_OPTIONS = (
    ("db_host", "--db_host"),
    ("db_port", "--db_port"),
    ("db_user", "--db_user"),
    ("data_dir", "--data-dir"),
)


class GoliveRollback(models.Model):
    """A backup put back under its database's name: by ``odoo-bin
    golive-restore``, by ``odoo-bin golive-update`` when the update failed or
    brought a new failing check, or queued from the app by a Go-Live Manager.

    The record is written into the restored database after the swap (the
    replaced database, kept under its dated name, keeps its own history).
    """

    _name = "golive.rollback"
    _description = "Go-Live Rollback"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    checklist_id = fields.Many2one(
        "golive.checklist", readonly=True, ondelete="set null", index=True
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, default=lambda self: self.env.company
    )
    backup_id = fields.Many2one(
        "golive.backup", string="Restored Backup", readonly=True, ondelete="set null"
    )
    backup_name = fields.Char(readonly=True)
    database = fields.Char(readonly=True)
    trigger = fields.Selection(
        [
            ("restore", "golive-restore"),
            ("update", "Guarded Update (automatic)"),
            ("app", "Roll Back (app)"),
        ],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True)
    os_user = fields.Char(
        string="System User", readonly=True, help="Who ran the command, host included."
    )
    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    kept_database = fields.Char(
        readonly=True,
        help="The replaced database, kept under this dated name (closed to "
        "connections: ALTER DATABASE ... ALLOW_CONNECTIONS true to open it).",
    )
    kept_filestore = fields.Char(readonly=True)
    dropped_current = fields.Boolean(string="Replaced Database Dropped", readonly=True)
    update_modules = fields.Char(string="Updated Modules", readonly=True)
    findings = fields.Text(
        readonly=True, help="The findings that triggered the rollback (JSON)."
    )
    stages = fields.Text(readonly=True, help="Stages and durations (JSON).")
    message = fields.Text(readonly=True)

    @api.depends("database", "backup_name", "date")
    def _compute_name(self):
        for rollback in self:
            rollback.name = self.env._(
                "%(db)s from %(backup)s",
                db=rollback.database or "?",
                backup=rollback.backup_name or "?",
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Roll back with the Roll Back action."))
        return super().create(vals_list)

    # Queue (the app)

    @api.model
    def _golive_queue(self, backup):
        """Queue the restore of ``backup``; the job runs it outside of any
        request, in an ``odoo-bin golive-restore`` child process."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("Only a Go-Live Manager can roll back."))
        # read as root below: the manager must see the backup (their company's)
        backup.check_access("read")
        backup = backup.sudo()
        if not backup._golive_restore_point().verified:
            raise UserError(
                self.env._(
                    "Backup %(name)s is not a restore point: its restore test has "
                    "not passed.",
                    name=backup.display_name,
                )
            )
        if self.sudo().search_count([("state", "in", ("queued", "running"))]):
            raise UserError(
                self.env._("A rollback is already queued or running: wait for it.")
            )
        rollback = self.sudo().create(
            {
                "checklist_id": backup.checklist_id.id,
                "company_id": backup.company_id.id,
                "backup_id": backup.id,
                "backup_name": backup.name,
                "database": self.env.cr.dbname,
                "trigger": "app",
                "user_id": self.env.uid,
            }
        )
        self.env.ref("ipai_golive.ir_cron_golive_rollback").sudo()._trigger()
        if backup.checklist_id:
            backup.checklist_id.message_post(
                body=self.env._(
                    "Rollback to backup %(backup)s queued by %(user)s: it runs in "
                    "the background and replaces the database.",
                    backup=backup.name,
                    user=self.env.user.name,
                )
            )
        return rollback

    @api.model
    def _cron_run_queue(self):
        """Start the queued rollback in a detached ``odoo-bin golive-restore``
        child: the swap ends every session of this database, this job's too."""
        rollback = self.search([("state", "=", "queued")], order="id", limit=1)
        if not rollback:
            return False
        rollback.write({"state": "running"})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        cmd = rollback._golive_restore_command()
        env = dict(os.environ)
        if config.get("db_password"):
            env["PGPASSWORD"] = config["db_password"]
        try:
            subprocess.Popen(  # pylint: disable=consider-using-with
                cmd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            rollback.write(
                {"state": "failed", "message": self.env._("Cannot start: %s", exc)}
            )
            return False
        _logger.info("Rollback %s started: %s", rollback.id, " ".join(cmd))
        return True

    def _golive_restore_command(self):
        """The ``odoo-bin golive-restore`` command line of this request: the
        server's own configuration file and database options."""
        self.ensure_one()
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={config['addons_path']}",
            "golive-restore",
        ]
        if config.rcfile and os.path.isfile(config.rcfile):
            cmd += ["-c", config.rcfile]
        for option, flag in SERVER_OPTIONS:
            if config.get(option):
                cmd.append(f"{flag}={config[option]}")
        cmd += [
            "-d",
            self.env.cr.dbname,
            "--backup",
            str(self.backup_id.id),
            "--request",
            str(self.id),
        ]
        return cmd

    # Records written by the commands

    @api.model
    def _golive_record(self, vals):
        """Record a rollback (in the restored database) and say so on the
        checklist; a restore is the evidence of the rollback gates."""
        rollback = self.sudo().create(vals)
        checklist = rollback.checklist_id.sudo()
        if checklist:
            checklist.write({"rollback_backup_id": rollback.backup_id.id})
            note = rollback._golive_note()
            checklist.message_post(body=Markup("<p>%s</p>") % note)
            rollback._golive_record_evidence(ROLLBACK_GATES, note)
        return rollback

    def _golive_note(self):
        self.ensure_one()
        kept = (
            self.env._("replaced database dropped")
            if self.dropped_current
            else self.env._(
                "replaced database kept as %(db)s, filestore %(fs)s",
                db=self.kept_database,
                fs=self.kept_filestore or "-",
            )
        )
        note = self.env._(
            "Rollback (%(trigger)s) of %(db)s to backup %(backup)s on %(date)s by "
            "%(who)s: %(kept)s.",
            trigger=dict(self._fields["trigger"]._description_selection(self.env))[
                self.trigger
            ],
            db=self.database,
            backup=self.backup_name,
            date=fields.Datetime.to_string(self.date),
            who=self.user_id.name or self.os_user or "?",
            kept=kept,
        )
        failing = json.loads(self.findings or "[]")
        if failing:
            note += " " + self.env._(
                "Triggered by: %(findings)s",
                findings="; ".join(
                    f"{f['code']} [{f.get('object') or '-'}] {f['severity']}: "
                    f"{f['message']}"
                    for f in failing
                ),
            )
        return note

    def _golive_record_evidence(self, gates, note):
        self.ensure_one()
        self.checklist_id._golive_gate_evidence(gates, note)
