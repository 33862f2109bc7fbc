# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config, parse_version

from odoo.addons.ipai_golive_checks.tools.origin import ORIGINS, installed_modules
from odoo.addons.ipai_golive_checks.tools.secrets import mask
from odoo.addons.ipai_golive_checks.tools.vocabulary import (
    ENVIRONMENTS,
    MANAGER_GROUP,
    STATUS_GRAVITY,
)

from .golive_task import OPEN_STATES

_logger = logging.getLogger(__name__)

RELEASE_TRIGGERS = [("go_live", "Go-Live"), ("manual", "On Demand")]
# The server options a release records (masked): what an operator compares
# between two deployments. Paths and ports of one machine are left out.
CONFIG_SUMMARY_KEYS = (
    "workers",
    "max_cron_threads",
    "limit_memory_hard",
    "limit_memory_soft",
    "limit_time_cpu",
    "limit_time_real",
    "limit_time_real_cron",
    "limit_request",
    "db_maxconn",
    "db_host",
    "db_port",
    "db_user",
    "db_password",
    "db_sslmode",
    "dbfilter",
    "list_db",
    "proxy_mode",
    "admin_passwd",
    "log_level",
    "server_wide_modules",
    "smtp_server",
    "smtp_port",
    "smtp_ssl",
    "smtp_user",
    "smtp_password",
    "email_from",
    "unaccent",
    "x_sendfile",
)
# Fields a release keeps writable: everything else is frozen when taken.
MUTABLE_FIELDS = ("note",)
# Findings recorded beside the statuses (warn, fail, error and waived ones).
MAX_RELEASE_FINDINGS = 500
DIFF_MODULE_KINDS = ("added", "removed", "upgraded", "downgraded")
# The reports the command line renders: {report: {format: report action}}.
CLI_REPORTS = {
    "what_shipped": {
        "markdown": "ipai_golive.action_report_what_shipped_md",
        "pdf": "ipai_golive.action_report_what_shipped",
    },
    "go_live_manifest": {
        "markdown": "ipai_golive.action_report_go_live_manifest_md",
        "pdf": "ipai_golive.action_report_go_live_manifest",
    },
}


def _version_key(version):
    return parse_version(version or "0")


def diff_snapshots(old, new):
    """What changed between two release snapshots (plain data).

    ``old`` and ``new`` are dicts with ``modules`` (``{name: {version, origin,
    ...}}``), ``checks`` (``{code: status}``) and ``config`` (``{key: value}``);
    versions are compared as versions, never as strings (``18.0.1.10.0`` is
    newer than ``18.0.1.9.0``).
    """
    old_modules, new_modules = old.get("modules") or {}, new.get("modules") or {}
    modules = {kind: [] for kind in DIFF_MODULE_KINDS}
    for name in sorted(new_modules.keys() - old_modules.keys()):
        row = new_modules[name]
        modules["added"].append(
            {"name": name, "version": row["version"], "origin": row["origin"]}
        )
    for name in sorted(old_modules.keys() - new_modules.keys()):
        row = old_modules[name]
        modules["removed"].append(
            {"name": name, "version": row["version"], "origin": row["origin"]}
        )
    for name in sorted(old_modules.keys() & new_modules.keys()):
        before, after = old_modules[name]["version"], new_modules[name]["version"]
        if _version_key(after) > _version_key(before):
            kind = "upgraded"
        elif _version_key(after) < _version_key(before):
            kind = "downgraded"
        else:
            continue
        modules[kind].append({"name": name, "from": before, "to": after})
    old_checks, new_checks = old.get("checks") or {}, new.get("checks") or {}
    checks = [
        {"code": code, "from": old_checks.get(code) or "", "to": new_checks.get(code)}
        for code in sorted(old_checks.keys() | new_checks.keys())
        if old_checks.get(code) != new_checks.get(code)
    ]
    old_config, new_config = old.get("config") or {}, new.get("config") or {}
    config_changes = [
        {"key": key, "from": old_config.get(key), "to": new_config.get(key)}
        for key in sorted(old_config.keys() | new_config.keys())
        if old_config.get(key) != new_config.get(key)
    ]
    return {**modules, "checks": checks, "config": config_changes}


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
    diff_html = fields.Html(compute="_compute_diff_html", sanitize=False)
    module_html = fields.Html(compute="_compute_module_html", sanitize=False)
    config_html = fields.Html(compute="_compute_config_html", sanitize=False)
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

    @api.depends("diff_data")
    def _compute_diff_html(self):
        for release in self:
            release.diff_html = release._html_sections(release._diff_sections())

    @api.depends("module_data")
    def _compute_module_html(self):
        for release in self:
            sections = [
                (
                    f"{label} ({len(rows)})",
                    (self.env._("Module"), self.env._("Version"), self.env._("Author")),
                    [(r["name"], r["version"], r["author"]) for r in rows],
                )
                for label, rows in release._modules_by_origin()
            ]
            release.module_html = release._html_sections(sections)

    @api.depends("config_data")
    def _compute_config_html(self):
        for release in self:
            rows = [
                (key, release._format_value(value))
                for key, value in sorted((release.config_data or {}).items())
            ]
            release.config_html = release._html_sections(
                [("", (self.env._("Option"), self.env._("Value")), rows)]
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
        declared_origin = manifest.get("declared_origin") or (lambda name: None)
        modules = {
            name: {
                "version": row["version"],
                # Odoo's own lists decide CE and Enterprise; the manifest may
                # say which of the others are OCA or custom
                "origin": row["origin"]
                if row["origin"] in ("ce", "ee")
                else declared_origin(name) or row["origin"],
                "author": row["author"],
                "license": row["license"],
            }
            for name, row in installed_modules(self.env.cr).items()
        }
        checks, findings, counts = self._release_audit_values(run, secrets)
        now = fields.Datetime.now()
        vals = {
            "name": " ".join(
                part
                for part in (
                    checklist.release_tag
                    or checklist.release_version
                    or checklist.name,
                    f"({environment})",
                    fields.Datetime.to_string(now)[:16],
                )
                if part
            ),
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
            "config_data": self._release_config_summary(secrets),
            "gate_data": mask(self._release_gates(checklist), secrets),
            "phase_data": self._release_phases(checklist),
            "open_task_data": mask(self._release_open_tasks(checklist), secrets),
            "waiver_data": mask(self._release_waivers(), secrets),
        }
        return vals

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
    def _release_config_summary(self, secrets):
        values = {}
        for key in CONFIG_SUMMARY_KEYS:
            value = config.get(key)
            if not isinstance(value, bool | int | float | str) and value is not None:
                value = str(value)
            values[key] = value
        return mask(values, secrets)

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

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    def _attach_reports(self):
        """Attach WHAT_SHIPPED and GO_LIVE_MANIFEST, PDF and Markdown.

        The PDF reports attach themselves (their ``attachment`` name) when they
        are rendered; Odoo does not render PDFs during tests unless asked to
        (``force_report_rendering``), and without a working wkhtmltopdf the
        Markdown is still attached (the check ``reports.wkhtmltopdf`` says why).
        """
        reports = self.env["ir.actions.report"].sudo()
        attachments = []
        for release in self:
            for xmlid, filename in self._report_files():
                report = self.env.ref(xmlid).sudo()
                if report.report_type == "qweb-text":
                    content, _fmt = reports._render_qweb_text(report, release.ids)
                    attachments.append(
                        {
                            "name": filename,
                            "raw": content
                            if isinstance(content, bytes)
                            else str(content).encode(),
                            "mimetype": "text/markdown",
                            "res_model": release._name,
                            "res_id": release.id,
                        }
                    )
                else:
                    try:
                        reports._render_qweb_pdf(report, release.ids)
                    except UserError as exc:
                        _logger.info(
                            "Release %s: %s not rendered: %s", release.id, filename, exc
                        )
        self.env["ir.attachment"].sudo().create(attachments)

    @api.model
    def _render_report(self, report, fmt, live=False, checklist=None, ship=None):
        """``(content bytes, release or None)`` of the report ``report``
        (``what_shipped`` or ``go_live_manifest``) as ``markdown`` or ``pdf``.

        The latest release is rendered; with ``live`` or a ship manifest
        ``ship``, or when no release was taken yet, the live state of the
        database is (nothing is written), for ``checklist`` or the checklist
        that went live last.
        """
        if report not in CLI_REPORTS or fmt not in CLI_REPORTS[report]:
            raise UserError(
                self.env._(
                    "Unknown report %(report)s in format %(format)s.",
                    report=report,
                    format=fmt,
                )
            )
        xmlid = CLI_REPORTS[report][fmt]
        release = self.browse() if live or ship else self.search([], limit=1)
        data = None
        if not release:
            checklist = checklist or self.env["golive.checklist"].search(
                [],
                order="date_live desc nulls last, date_golive desc, id desc",
                limit=1,
            )
            data = {
                "golive_live_state": True,
                "checklist_id": checklist.id,
                "golive_ship_manifest": ship,
            }
        reports = self.env["ir.actions.report"].with_context(
            force_report_rendering=True, report_pdf_no_attachment=True
        )
        if fmt == "pdf" and release:
            content, _fmt = reports._render_qweb_pdf(xmlid, release.ids)
        elif fmt == "pdf":
            # no record to attach the PDF to: wkhtmltopdf straight away
            report = reports._get_report(xmlid)
            html = reports._render_qweb_html(xmlid, [], data=data)[0]
            bodies, _ids, header, footer, paper_args = report._prepare_html(
                html, report_model=report.model
            )
            content = reports._run_wkhtmltopdf(
                bodies,
                report_ref=xmlid,
                header=header,
                footer=footer,
                specific_paperformat_args=paper_args,
            )
        else:
            content, _fmt = reports._render_qweb_text(xmlid, release.ids, data=data)
        if not isinstance(content, bytes):
            content = str(content).encode()
        return content, release or None

    @api.model
    def _report_files(self):
        """``(report xmlid, attachment name)`` of the reports of a release."""
        return [
            ("ipai_golive.action_report_what_shipped", "WHAT_SHIPPED.pdf"),
            ("ipai_golive.action_report_what_shipped_md", "WHAT_SHIPPED.md"),
            ("ipai_golive.action_report_go_live_manifest", "GO_LIVE_MANIFEST.pdf"),
            ("ipai_golive.action_report_go_live_manifest_md", "GO_LIVE_MANIFEST.md"),
        ]

    def _modules_by_origin(self):
        """``[(origin label, rows sorted by name)]`` in the order of ORIGINS."""
        self.ensure_one()
        groups = defaultdict(list)
        for name, row in sorted((self.module_data or {}).items()):
            groups[row.get("origin") or "custom"].append({"name": name, **row})
        return [(label, groups[code]) for code, label in ORIGINS if groups[code]]

    def _diff_sections(self):
        """``[(title, headers, rows)]`` of the changes since the previous release."""
        self.ensure_one()
        diff = self.diff_data or {}
        return [
            section
            for section in (
                (
                    self.env._("Modules added"),
                    (self.env._("Module"), self.env._("Version"), self.env._("Origin")),
                    [
                        (r["name"], r["version"], r["origin"])
                        for r in diff.get("added", ())
                    ],
                ),
                (
                    self.env._("Modules removed"),
                    (self.env._("Module"), self.env._("Version"), self.env._("Origin")),
                    [
                        (r["name"], r["version"], r["origin"])
                        for r in diff.get("removed", ())
                    ],
                ),
                (
                    self.env._("Modules upgraded"),
                    (self.env._("Module"), self.env._("From"), self.env._("To")),
                    [(r["name"], r["from"], r["to"]) for r in diff.get("upgraded", ())],
                ),
                (
                    self.env._("Modules downgraded"),
                    (self.env._("Module"), self.env._("From"), self.env._("To")),
                    [
                        (r["name"], r["from"], r["to"])
                        for r in diff.get("downgraded", ())
                    ],
                ),
                (
                    self.env._("Checks whose status changed"),
                    (self.env._("Check"), self.env._("From"), self.env._("To")),
                    [
                        (r["code"], r["from"] or "-", r["to"] or "-")
                        for r in diff.get("checks", ())
                    ],
                ),
                (
                    self.env._("Server options changed"),
                    (self.env._("Option"), self.env._("From"), self.env._("To")),
                    [
                        (
                            r["key"],
                            self._format_value(r["from"]),
                            self._format_value(r["to"]),
                        )
                        for r in diff.get("config", ())
                    ],
                ),
            )
            if section[2]
        ]

    @api.model
    def _format_value(self, value):
        if value is None or value == "":
            return "-"
        return str(value)

    @api.model
    def _html_sections(self, sections):
        """A small HTML rendering of ``[(title, headers, rows)]`` for the form."""
        html = Markup()
        for title, headers, rows in sections:
            if title:
                html += Markup("<h5>%s</h5>") % title
            html += Markup(
                '<table class="table table-sm table-striped"><thead><tr>%s</tr>'
                "</thead><tbody>%s</tbody></table>"
            ) % (
                Markup().join(Markup("<th>%s</th>") % h for h in headers),
                Markup().join(
                    Markup("<tr>%s</tr>")
                    % Markup().join(Markup("<td>%s</td>") % c for c in row)
                    for row in rows
                ),
            )
        return html or Markup("<p>%s</p>") % self.env._("Nothing.")

    def _selection_label(self, record, name):
        value = record[name]
        return (
            dict(record._fields[name]._description_selection(self.env)).get(value)
            or value
            or "-"
        )

    def _report_facts(self):
        """``[(label, value)]`` heading WHAT_SHIPPED."""
        self.ensure_one()
        counts = self.audit_counts or {}
        return [
            (self.env._("Bundle"), self.bundle_name or "-"),
            (self.env._("Version"), self.bundle_version or "-"),
            (self.env._("Tag"), self.release_tag or "-"),
            (self.env._("Date"), self._format_datetime(self.date)),
            (self.env._("Environment"), self._selection_label(self, "environment")),
            (self.env._("Approver"), self.approver_id.name or "-"),
            (
                self.env._("Taken by"),
                f"{self.user_id.name or '-'} "
                f"({self._selection_label(self, 'trigger')})",
            ),
            (self.env._("Manifest SHA-256"), self.manifest_sha256 or "-"),
            (
                self.env._("Audit"),
                self.env._(
                    "score %(score)s/100, %(checks)s checks (%(date)s)",
                    score=format(self.audit_score, ".1f"),
                    checks=counts.get("checks", 0),
                    date=self._format_datetime(self.audit_date),
                )
                if counts
                else self.env._("no audit run"),
            ),
        ]

    def _audit_line(self):
        self.ensure_one()
        counts = self.audit_counts or {}
        if not counts:
            return self.env._("No audit run: the release rests on no automated check.")
        return self.env._(
            "Score %(score)s/100: %(pass)s passed, %(warn)s warnings, %(fail)s "
            "failed, %(error)s errors, %(skipped)s skipped, %(waived)s waived.",
            score=format(self.audit_score, ".1f"),
            **{
                key: counts.get(key, 0)
                for key in ("pass", "warn", "fail", "error", "skipped", "waived")
            },
        )

    def _check_status_label(self, status):
        """A gate's check status as people read it ("Not Run", not
        ``not_run``); ``-`` when the gate has no bound check."""
        labels = dict(
            self.env["golive.task"]
            ._fields["check_status"]
            ._description_selection(self.env)
        )
        return labels.get(status, status) or "-"

    def _failing_findings(self):
        return [f for f in self.finding_data or () if not f["waived"]]

    def _waived_findings(self):
        return [f for f in self.finding_data or () if f["waived"]]

    def _decision(self):
        """The go/no-go decision as the checklist records it."""
        self.ensure_one()
        checklist = self.checklist_id
        if checklist.state in ("live", "stabilizing", "closed"):
            return self.env._(
                "Go: live since %(date)s, approved by %(approver)s.",
                date=self._format_datetime(checklist.date_live),
                approver=checklist.approver_id.name or "-",
            )
        if checklist.state == "aborted":
            return self.env._(
                "Aborted / rolled back: %(reason)s", reason=checklist.abort_reason
            )
        return self.env._(
            "Pending (%(state)s).",
            state=self._selection_label(checklist, "state") if checklist else "-",
        )

    def _raci(self):
        self.ensure_one()
        checklist = self.checklist_id
        return [
            (self.env._("Owner (accountable)"), checklist.user_id.name or "-"),
            (
                self.env._("Implementer (responsible)"),
                checklist.implementer_id.name or "-",
            ),
            (self.env._("Ops"), checklist.ops_user_id.name or "-"),
            (
                self.env._("Finance SME (consulted)"),
                checklist.finance_sme_id.name or "-",
            ),
            (self.env._("Approver"), checklist.approver_id.name or "-"),
        ]

    def _timeline(self):
        self.ensure_one()
        checklist = self.checklist_id
        return [
            (self.env._("Kickoff"), self._format_date(checklist.date_kickoff)),
            (self.env._("Target go-live"), self._format_date(checklist.date_golive)),
            (self.env._("Went live"), self._format_datetime(checklist.date_live)),
            (
                self.env._("Freeze ends"),
                self._format_datetime(checklist.date_freeze_end),
            ),
            (self.env._("Release taken"), self._format_datetime(self.date)),
        ]

    def _install_drift(self):
        """``(missing, unlisted)``: modules of the manifest's install order not
        installed, and installed OCA/custom modules it does not list."""
        self.ensure_one()
        listed = {
            name
            for stage in self.install_order_data or ()
            for name in (stage.get("modules") or ())
        }
        if not listed:
            return [], []
        modules = self.module_data or {}
        missing = sorted(listed - modules.keys())
        unlisted = sorted(
            name
            for name, row in modules.items()
            if row.get("origin") in ("oca", "custom") and name not in listed
        )
        return missing, unlisted

    @api.model
    def _format_datetime(self, value):
        return fields.Datetime.to_string(value)[:16] if value else "-"

    @api.model
    def _format_date(self, value):
        return fields.Date.to_string(value) if value else "-"

    # ------------------------------------------------------------------
    # Markdown
    # ------------------------------------------------------------------
    @api.model
    def _md_cell(self, value):
        """``value`` on one line, for a Markdown table cell."""
        text = " ".join(str(value if value not in (None, False) else "-").split())
        return text.replace("|", "\\|") or "-"

    @api.model
    def _md_line(self, value):
        """``value`` on one line of running text (nothing escaped)."""
        return " ".join(str(value if value not in (None, False) else "-").split())

    @api.model
    def _md_code(self, value):
        """``value`` as a code span, kept intact (pipes, ``&``, ``>``); text
        that carries its own code spans is Markdown already."""
        text = self._md_line(value)
        return text if "`" in text else f"`{text}`"

    @api.model
    def _md_table(self, headers, rows):
        lines = [
            f"| {' | '.join(self._md_cell(h) for h in headers)} |",
            f"|{' --- |' * len(headers)}",
        ]
        lines += [f"| {' | '.join(self._md_cell(c) for c in row)} |" for row in rows]
        return [*lines, ""]

    @api.model
    def _md_document(self, lines):
        """The lines as the text of a ``qweb-text`` report: Markup, so that
        QWeb does not HTML-escape Markdown."""
        return Markup("\n".join(lines).rstrip("\n") + "\n")

    def _what_shipped_md_lines(self):
        """WHAT_SHIPPED as Markdown lines."""
        self.ensure_one()
        lines = [
            f"# WHAT_SHIPPED: {self._md_line(self.bundle_name)} "
            f"{self._md_line(self.bundle_version)}",
            "",
        ]
        lines += [
            f"- {label}: {self._md_line(value)}"
            for label, value in self._report_facts()
        ]
        lines += ["", f"## {self.env._('Modules')} ({self.module_count})", ""]
        for label, rows in self._modules_by_origin():
            lines += [f"### {label} ({len(rows)})", ""]
            lines += self._md_table(
                (
                    self.env._("Module"),
                    self.env._("Version"),
                    self.env._("Author"),
                    self.env._("License"),
                ),
                [(r["name"], r["version"], r["author"], r["license"]) for r in rows],
            )
        lines += [f"## {self.env._('Changes since the previous release')}", ""]
        if not self.previous_id:
            lines += [self.env._("First release of this company and environment."), ""]
        else:
            lines += [
                self.env._("Previous release: %(name)s", name=self.previous_id.name),
                "",
            ]
            sections = self._diff_sections()
            if not sections:
                lines += [self.env._("No change."), ""]
            for title, headers, rows in sections:
                lines += [f"### {title}", "", *self._md_table(headers, rows)]
        lines += [f"## {self.env._('Gates')}", ""]
        if not self.gate_data:
            lines += [self.env._("No gate."), ""]
        for gate in self.gate_data or ():
            state = gate["state"] + (
                f" ({self._md_line(gate['waive_reason'])})"
                if gate["waive_reason"]
                else ""
            )
            signoff = (gate["signoff"] or "-") + (
                f" ({gate['signoff_date']})" if gate["signoff_date"] else ""
            )
            lines += [
                f"### {self._md_line(gate['phase'])} {self._md_line(gate['name'])}",
                "",
                f"- {self.env._('State')}: {state}",
                f"- {self.env._('Checks')}: {self._check_status_label(gate['checks'])}",
            ]
            if gate["verification"]:
                command = self._md_code(gate["verification"])
                lines.append(f"- {self.env._('Verification')}: {command}")
            if gate["evidence"]:
                lines.append(
                    f"- {self.env._('Evidence')}: {self._md_line(gate['evidence'])}"
                )
            lines += [f"- {self.env._('Sign-off')}: {self._md_line(signoff)}", ""]
        lines += [f"## {self.env._('Audit')}", "", self._audit_line(), ""]
        failing = self._failing_findings()
        if failing:
            lines += [f"### {self.env._('Findings not passing')}", ""]
            lines += self._md_table(
                (
                    self.env._("Status"),
                    self.env._("Severity"),
                    self.env._("Check"),
                    self.env._("Object"),
                    self.env._("Message"),
                ),
                [
                    (f["status"], f["severity"], f["code"], f["object"], f["message"])
                    for f in failing
                ],
            )
        waived = self._waived_findings()
        if waived:
            lines += [f"### {self.env._('Waived findings')}", ""]
            lines += self._md_table(
                (
                    self.env._("Check"),
                    self.env._("Object"),
                    self.env._("Status"),
                    self.env._("Reason"),
                    self.env._("Expires"),
                ),
                [
                    (
                        f["code"],
                        f["object"],
                        f["status"],
                        f["waiver_reason"],
                        f["waiver_expiry"],
                    )
                    for f in waived
                ],
            )
        tasks, waivers = self.open_task_data or [], self.waiver_data or []
        lines += [
            f"## {self.env._('Known issues')}",
            "",
            f"### {self.env._('Open tasks')} ({len(tasks)})",
            "",
        ]
        if tasks:
            lines += self._md_table(
                (
                    self.env._("Phase"),
                    self.env._("Task"),
                    self.env._("State"),
                    self.env._("Responsible"),
                    self.env._("Deadline"),
                ),
                [
                    (t["phase"], t["name"], t["state"], t["responsible"], t["deadline"])
                    for t in tasks
                ],
            )
        else:
            lines += [self.env._("None."), ""]
        lines += [f"### {self.env._('Active waivers')} ({len(waivers)})", ""]
        if waivers:
            lines += self._md_table(
                (
                    self.env._("Check"),
                    self.env._("Object"),
                    self.env._("Reason"),
                    self.env._("Approver"),
                    self.env._("Expires"),
                ),
                [
                    (w["code"], w["object"], w["reason"], w["approver"], w["expiry"])
                    for w in waivers
                ],
            )
        else:
            lines += [self.env._("None."), ""]
        lines += [f"## {self.env._('Server configuration (secrets masked)')}", ""]
        lines += self._md_table(
            (self.env._("Option"), self.env._("Value")),
            [
                (key, self._format_value(value))
                for key, value in sorted((self.config_data or {}).items())
            ],
        )
        if self.note:
            lines += [f"## {self.env._('Note')}", "", *self.note.splitlines(), ""]
        return lines

    def _go_live_manifest_md_lines(self):
        """GO_LIVE_MANIFEST as Markdown lines."""
        self.ensure_one()
        checklist = self.checklist_id
        lines = [
            f"# GO_LIVE_MANIFEST: {self._md_line(checklist.name or self.bundle_name)}",
            "",
        ]
        lines += [
            f"- {label}: {self._md_line(value)}"
            for label, value in self._manifest_facts()
        ]
        lines += ["", f"## {self.env._('Decision')}", "", self._decision(), ""]
        lines += [f"## {self.env._('RACI')}", ""]
        lines += self._md_table(
            (self.env._("Role"), self.env._("Person")), self._raci()
        )
        lines += [f"## {self.env._('Timeline')}", ""]
        lines += [f"- {label}: {value}" for label, value in self._timeline()]
        lines += ["", f"## {self.env._('Phases')}", ""]
        lines += self._md_table(*self._phase_table())
        lines += [f"## {self.env._('Install order')}", ""]
        if not self.install_order_data:
            lines += [
                self.env._(
                    "No ship manifest linked: the install order was not recorded."
                ),
                "",
            ]
        else:
            lines += [
                f"{index}. {self._md_line(stage.get('stage'))}: "
                f"{', '.join(stage.get('modules') or ()) or '-'}"
                for index, stage in enumerate(self.install_order_data, 1)
            ]
            missing, unlisted = self._install_drift()
            lines += [
                "",
                f"### {self.env._('Drift at go-live')}",
                "",
                f"- {self.env._('Listed but not installed')}: "
                f"{', '.join(missing) or '-'}",
                f"- {self.env._('Installed (OCA/custom) but not listed')}: "
                f"{', '.join(unlisted) or '-'}",
                "",
            ]
        lines += [
            f"## {self.env._('Backup')}",
            "",
            self._md_line(
                self.backup_reference
                or self.env._("No backup recorded by the go-live flow.")
            ),
        ]
        return lines

    def _manifest_facts(self):
        self.ensure_one()
        checklist = self.checklist_id
        return [
            (
                self.env._("Bundle"),
                f"{self.bundle_name or '-'} {self.bundle_version or ''}",
            ),
            (self.env._("Tag"), self.release_tag or "-"),
            (self.env._("Environment"), self._selection_label(self, "environment")),
            (
                self.env._("Architecture"),
                self._selection_label(checklist, "architecture") if checklist else "-",
            ),
            (
                self.env._("Cutover strategy"),
                self._selection_label(checklist, "cutover_strategy")
                if checklist
                else "-",
            ),
            (self.env._("Manifest SHA-256"), self.manifest_sha256 or "-"),
        ]

    def _phase_table(self):
        return (
            (
                self.env._("Phase"),
                self.env._("Name"),
                self.env._("Window"),
                self.env._("From"),
                self.env._("To"),
                self.env._("Tasks"),
                self.env._("Completion"),
            ),
            [
                (
                    p["code"],
                    p["name"],
                    p["window"],
                    p["date_start"] or "-",
                    p["date_end"] or "-",
                    f"{p['closed']}/{p['tasks']}",
                    f"{p['completion']:.0f} %",
                )
                for p in self.phase_data or ()
            ],
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_print_what_shipped(self):
        return self.env.ref("ipai_golive.action_report_what_shipped").report_action(
            self
        )

    def action_print_what_shipped_md(self):
        return self.env.ref("ipai_golive.action_report_what_shipped_md").report_action(
            self
        )

    def action_print_go_live_manifest(self):
        return self.env.ref("ipai_golive.action_report_go_live_manifest").report_action(
            self
        )

    def action_print_go_live_manifest_md(self):
        return self.env.ref(
            "ipai_golive.action_report_go_live_manifest_md"
        ).report_action(self)
