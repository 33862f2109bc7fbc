# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from odoo.addons.ipai_golive_checks.tools.origin import installed_modules
from odoo.addons.ipai_golive_checks.tools.secrets import mask
from odoo.addons.ipai_golive_checks.tools.vocabulary import (
    ENVIRONMENTS,
    MANAGER_GROUP,
    STATUS_GRAVITY,
)

from ..tools.release_snapshot import DIFF_MODULE_KINDS, config_summary, diff_snapshots
from .golive_task import OPEN_STATES

RELEASE_TRIGGERS = [("go_live", "Go-Live"), ("manual", "On Demand")]
# Fields a release keeps writable: everything else is frozen when taken.
MUTABLE_FIELDS = ("note",)
# Findings recorded beside the statuses (warn, fail, error and waived ones).
MAX_RELEASE_FINDINGS = 500


class GoliveRelease(models.Model):
    """What a go-live put in production, frozen when it is taken.

    The snapshot is kept as JSON on the release itself, not as one line per
    module: a release is never edited and never searched by module, so one row
    is written whatever the number of modules (taking a release costs the same
    queries for 30 or 600 modules) and the diff with the previous release is
    computed once, in memory, when the release is taken.
    """

    _name = "golive.release"
    _description = "Go-Live Release"
    _order = "date desc, id desc"

    name = fields.Char(required=True, readonly=True)
    checklist_id = fields.Many2one(
        "golive.checklist",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    environment = fields.Selection(
        ENVIRONMENTS, required=True, readonly=True, index=True
    )
    trigger = fields.Selection(RELEASE_TRIGGERS, required=True, readonly=True)
    date = fields.Datetime(
        string="Taken On",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Taken By",
        readonly=True,
        default=lambda self: self.env.user,
    )
    approver_id = fields.Many2one("res.users", readonly=True)
    release_tag = fields.Char(string="Tag", readonly=True)
    bundle_name = fields.Char(string="Bundle", readonly=True)
    bundle_version = fields.Char(string="Version", readonly=True)
    manifest_sha256 = fields.Char(
        string="Manifest SHA-256",
        readonly=True,
        help="SHA-256 of the ship manifest the release was checked against.",
    )
    backup_reference = fields.Char(
        readonly=True, help="The pre-cutover backup recorded by the go-live flow."
    )
    run_id = fields.Many2one(
        "golive.check.run", string="Audit", readonly=True, ondelete="set null"
    )
    audit_score = fields.Float(digits=(16, 1), readonly=True)
    audit_date = fields.Datetime(readonly=True)
    audit_counts = fields.Json(readonly=True)
    module_data = fields.Json(string="Modules", readonly=True)
    module_count = fields.Integer(string="Modules ", readonly=True)
    check_data = fields.Json(string="Check Statuses", readonly=True)
    finding_data = fields.Json(string="Findings", readonly=True)
    config_data = fields.Json(string="Server Configuration", readonly=True)
    gate_data = fields.Json(string="Gates", readonly=True)
    phase_data = fields.Json(string="Phases", readonly=True)
    open_task_data = fields.Json(string="Open Tasks", readonly=True)
    waiver_data = fields.Json(string="Active Waivers", readonly=True)
    install_order_data = fields.Json(string="Install Order", readonly=True)
    previous_id = fields.Many2one(
        "golive.release",
        string="Previous Release",
        readonly=True,
        ondelete="set null",
        help="The previous release of the same company and environment.",
    )
    diff_data = fields.Json(string="Changes", readonly=True)
    diff_summary = fields.Char(string="Changes ", compute="_compute_diff_summary")
    attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        domain=[("res_model", "=", "golive.release")],
        string="Documents",
        readonly=True,
    )
    note = fields.Text()

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("diff_data")
    def _compute_diff_summary(self):
        for release in self:
            diff = release.diff_data or {}
            if not release.previous_id:
                release.diff_summary = self.env._("First release")
                continue
            release.diff_summary = self.env._(
                "%(added)s added, %(removed)s removed, %(upgraded)s upgraded, "
                "%(downgraded)s downgraded; %(checks)s check(s), %(config)s "
                "option(s) changed",
                **{
                    key: len(diff.get(key) or ())
                    for key in (*DIFF_MODULE_KINDS, "checks", "config")
                },
            )

    # ------------------------------------------------------------------
    # CRUD: a release is immutable except its note
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        releases = self.browse()
        # one by one: a release diffs against the one created before it
        for vals in vals_list:
            releases |= super().create([self._prepare_diff_vals(vals)])
        return releases

    def write(self, vals):
        frozen = set(vals) - set(MUTABLE_FIELDS)
        if frozen:
            raise UserError(
                self.env._(
                    "A release is immutable: only its note can change, not %(fields)s.",
                    fields=", ".join(
                        sorted(
                            self._fields[name].string
                            for name in frozen
                            if name in self._fields
                        )
                    ),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("A release is the permanent record of what shipped.")
        )

    @api.model
    def _prepare_diff_vals(self, vals):
        """Complete ``vals`` with the previous release and the diff against it."""
        vals = dict(vals)
        if "previous_id" not in vals and vals.get("company_id"):
            vals["previous_id"] = (
                self.sudo()
                .search(
                    [
                        ("company_id", "=", vals["company_id"]),
                        ("environment", "=", vals.get("environment")),
                    ],
                    limit=1,
                )
                .id
            )
        if "diff_data" not in vals:
            previous = self.sudo().browse(vals.get("previous_id"))
            vals["diff_data"] = diff_snapshots(
                previous._snapshot() if previous else {},
                {
                    "modules": vals.get("module_data"),
                    "checks": vals.get("check_data"),
                    "config": vals.get("config_data"),
                },
            )
        return vals

    def _snapshot(self):
        self.ensure_one()
        return {
            "modules": self.module_data or {},
            "checks": self.check_data or {},
            "config": self.config_data or {},
        }

    # ------------------------------------------------------------------
    # Taking a release
    # ------------------------------------------------------------------
    @api.model
    def _take(self, checklist, trigger="manual"):
        """Take a release of ``checklist`` now, attach its reports, return it."""
        checklist.ensure_one()
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise UserError(self.env._("Only a Go-Live Manager can take a release."))
        vals = self._prepare_release_vals(checklist, trigger)
        release = self.create([vals])
        release._attach_reports()
        checklist.message_post(
            body=self.env._(
                "Release %(name)s taken: %(modules)s modules; %(changes)s.",
                name=release.name,
                modules=release.module_count,
                changes=release.diff_summary,
            )
        )
        return release

    @api.model
    def _prepare_release_vals(self, checklist, trigger="manual", ship=None):
        """The values of a release of ``checklist`` (nothing is written).

        A constant number of queries, whatever the number of modules, tasks
        and findings.
        """
        checklist = checklist.sudo()
        environment = (
            checklist.environment
            or self.env["golive.check.registry"]._golive_resolve_environment(None)[0]
        )
        secrets = self._release_secrets()
        run = self._release_run(checklist)
        manifest = self._release_manifest_values(checklist, ship)
        modules = self._release_modules(manifest.get("declared_origin"))
        checks, findings, counts = self._release_audit_values(run, secrets)
        now = fields.Datetime.now()
        vals = {
            "name": self._release_name(checklist, environment, now),
            "checklist_id": checklist.id,
            "company_id": (checklist.company_id or self.env.company).id,
            "environment": environment,
            "trigger": trigger,
            "date": now,
            "user_id": self.env.uid,
            "approver_id": checklist.approver_id.id,
            "release_tag": checklist.release_tag,
            "bundle_name": manifest.get("bundle_name") or checklist.name,
            "bundle_version": manifest.get("bundle_version")
            or checklist.release_version,
            "manifest_sha256": manifest.get("sha256"),
            "install_order_data": manifest.get("install_order") or [],
            "backup_reference": self._release_backup_reference(checklist),
            "run_id": run.id,
            "audit_score": run.score if run else 0.0,
            "audit_date": run.date_start,
            "audit_counts": counts,
            "module_data": modules,
            "module_count": len(modules),
            "check_data": checks,
            "finding_data": findings,
            "config_data": config_summary(config, secrets),
            "gate_data": mask(self._release_gates(checklist), secrets),
            "phase_data": self._release_phases(checklist),
            "open_task_data": mask(self._release_open_tasks(checklist), secrets),
            "waiver_data": mask(self._release_waivers(), secrets),
        }
        return vals

    @api.model
    def _release_name(self, checklist, environment, date):
        """``<tag or version or checklist> (<environment>) <date>``."""
        label = checklist.release_tag or checklist.release_version or checklist.name
        when = fields.Datetime.to_string(date)[:16]
        return " ".join(part for part in (label, f"({environment})", when) if part)

    @api.model
    def _release_modules(self, declared_origin=None):
        """The installed modules: ``{name: {version, origin, author, license}}``.

        Odoo's own lists decide CE and Enterprise; ``declared_origin`` (the
        ship manifest's) may say which of the others are OCA or custom.
        """
        declared_origin = declared_origin or (lambda name: None)
        return {
            name: {
                "version": row["version"],
                "origin": row["origin"]
                if row["origin"] in ("ce", "ee")
                else declared_origin(name) or row["origin"],
                "author": row["author"],
                "license": row["license"],
            }
            for name, row in installed_modules(self.env.cr).items()
        }

    @api.model
    def _new_live_release(self, checklist, ship=None):
        """The live state of the database as an unsaved release (nothing is
        written), diffed against the last stored release."""
        vals = self._prepare_diff_vals(self._prepare_release_vals(checklist, ship=ship))
        return self.new(vals)

    @api.model
    def _release_secrets(self):
        """Secret values to mask: the engine's, and the endpoints' headers."""
        secrets = set(self.env["golive.check.run"].sudo()._golive_known_secrets())
        self.env.cr.execute(
            "SELECT header_value FROM golive_check_endpoint "
            "WHERE COALESCE(header_value, '') != ''"
        )
        secrets.update(row[0] for row in self.env.cr.fetchall())
        return secrets

    @api.model
    def _release_run(self, checklist):
        """The audit the release rests on: the checklist's last one (none
        when the checklist was never audited, never another checklist's)."""
        return checklist.check_run_id.sudo()

    @api.model
    def _release_manifest_values(self, checklist, ship=None):
        """Bundle, sha256, install order and declared origins of the ship
        manifest the release is checked against: ``ship`` (a parsed manifest
        file, the command line's ``--manifest``), else the one the checklist
        links, if any."""
        if (
            ship is None
            and "manifest_id" in checklist._fields
            and checklist.manifest_id
        ):
            ship = checklist.manifest_id._ship_manifest()
        if ship is None:
            return {}
        return {
            "sha256": ship.sha256,
            "bundle_name": ship.bundle_name,
            "bundle_version": ship.bundle_version,
            "install_order": [
                {"stage": stage, "modules": list(modules)}
                for stage, modules in ship.stages()
            ],
            "declared_origin": ship.declared_origin,
        }

    @api.model
    def _release_backup_reference(self, checklist):
        """The last backup the go-live flow recorded for the checklist: its
        name, state, end date and dump checksum."""
        backup = checklist.backup_id if checklist else None
        if not backup:
            return False
        states = dict(backup._fields["state"]._description_selection(self.env))
        return " ".join(
            part
            for part in (
                backup.name or backup.display_name,
                f"({states.get(backup.state, backup.state)}"
                + (
                    f", {fields.Datetime.to_string(backup.date_end)[:16]})"
                    if backup.date_end
                    else ")"
                ),
                backup.dump_sha256 and f"sha256 {backup.dump_sha256}",
            )
            if part
        )

    @api.model
    def _release_audit_values(self, run, secrets):
        """``(statuses by check, findings worth reading, counts)`` of ``run``."""
        if not run:
            return {}, [], {}
        results = (
            self.env["golive.check.result"]
            .sudo()
            .search([("run_id", "=", run.id)], order="sequence, id")
        )
        checks = {}
        findings = []
        for result in results:
            if not result.waived and (
                result.code not in checks
                or STATUS_GRAVITY[result.status] > STATUS_GRAVITY[checks[result.code]]
            ):
                checks[result.code] = result.status
            checks.setdefault(result.code, "pass")
            if (result.waived or result.status in ("warn", "fail", "error")) and len(
                findings
            ) < MAX_RELEASE_FINDINGS:
                waiver = result.waiver_id
                findings.append(
                    {
                        "code": result.code,
                        "object": result.object_key or "",
                        "status": result.status,
                        "severity": result.severity,
                        "message": result.message or "",
                        "waived": result.waived,
                        "waiver_reason": waiver.reason or "",
                        "waiver_expiry": waiver.expiry_date
                        and fields.Date.to_string(waiver.expiry_date)
                        or "",
                    }
                )
        counts = {
            "checks": run.check_count,
            "pass": run.count_pass,
            "warn": run.count_warn,
            "fail": run.count_fail,
            "error": run.count_error,
            "skipped": run.count_skipped,
            "waived": run.count_waived,
        }
        return checks, mask(findings, secrets), counts

    @api.model
    def _release_gates(self, checklist):
        gates = checklist.task_ids.filtered("is_gate")
        states = dict(gates._fields["state"]._description_selection(self.env))
        return [
            {
                "phase": gate.phase_id.code or "",
                "name": gate.name,
                "state": states.get(gate.state, gate.state),
                "verification": gate.verification or "",
                "checks": gate.check_status or "",
                "evidence": self._gate_evidence(gate),
                "signoff": gate.signoff_user_id.name or "",
                "signoff_date": gate.signoff_date
                and fields.Datetime.to_string(gate.signoff_date)
                or "",
                "waive_reason": gate.waive_reason or "",
            }
            for gate in gates
        ]

    @api.model
    def _gate_evidence(self, task):
        parts = []
        if task.evidence_url:
            parts.append(task.evidence_url)
        parts.extend(task.evidence_attachment_ids.mapped("name"))
        note = task.evidence_note and " ".join(
            str(task.evidence_note.striptags()).split()
        )
        if note:
            parts.append(note)
        return "; ".join(parts)

    @api.model
    def _release_phases(self, checklist):
        counts = defaultdict(lambda: [0, 0])
        for task in checklist.task_ids:
            if task.state == "na":
                continue
            counts[task.phase_id.id][0] += 1
            counts[task.phase_id.id][1] += task.state in ("done", "waived")
        return [
            {
                "code": phase.code or "",
                "name": phase.name,
                "window": phase.window_label or "",
                "date_start": phase.date_start
                and fields.Date.to_string(phase.date_start)
                or "",
                "date_end": phase.date_end
                and fields.Date.to_string(phase.date_end)
                or "",
                "tasks": counts[phase.id][0],
                "closed": counts[phase.id][1],
                "completion": round(
                    100.0 * counts[phase.id][1] / counts[phase.id][0], 1
                )
                if counts[phase.id][0]
                else 100.0,
            }
            for phase in checklist.phase_ids.sorted("sequence")
        ]

    @api.model
    def _release_open_tasks(self, checklist):
        return [
            {
                "phase": task.phase_id.code or "",
                "name": task.name,
                "state": task.state,
                "responsible": task.user_id.name or "",
                "deadline": task.date_deadline
                and fields.Date.to_string(task.date_deadline)
                or "",
            }
            for task in checklist.task_ids
            if task.state in OPEN_STATES
        ]

    @api.model
    def _release_waivers(self):
        waivers = self.env["golive.waiver"].sudo().search([("state", "=", "active")])
        return [
            {
                "code": waiver.code or "",
                "object": waiver.object_key or "",
                "reason": waiver.reason or "",
                "approver": waiver.approver_id.name or "",
                "expiry": fields.Date.to_string(waiver.expiry_date),
            }
            for waiver in waivers
        ]
