# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.release_markdown import render_markdown
from ..tools.release_report import ReleaseReport, ReleaseSource, Section

_logger = logging.getLogger(__name__)

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


class GoliveRelease(models.Model):
    """The reports of a release: WHAT_SHIPPED and GO_LIVE_MANIFEST, built
    once by ``tools/release_report.py`` and drawn by QWeb (PDF, the form)
    and as Markdown."""

    # the reports of golive.release, one concern per file
    _inherit = "golive.release"  # pylint: disable=consider-merging-classes-inherited

    diff_html = fields.Html(compute="_compute_diff_html", sanitize=False)
    module_html = fields.Html(compute="_compute_module_html", sanitize=False)
    config_html = fields.Html(compute="_compute_config_html", sanitize=False)

    @api.depends("diff_data")
    def _compute_diff_html(self):
        for release in self:
            sections = release._report_builder().diff_sections()
            release.diff_html = release._render_sections_html(sections)

    @api.depends("module_data")
    def _compute_module_html(self):
        for release in self:
            sections = release._report_builder().module_sections()
            release.module_html = release._render_sections_html(sections)

    @api.depends("config_data")
    def _compute_config_html(self):
        for release in self:
            table = release._report_builder().config_table()
            release.config_html = release._render_sections_html(
                [Section("", blocks=(table,))]
            )

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

    def _report_source(self):
        """The release as the plain values the report builder reads."""
        self.ensure_one()
        checklist = self.checklist_id
        label = self._value_label
        return ReleaseSource(
            bundle_name=self.bundle_name,
            bundle_version=self.bundle_version,
            release_tag=self.release_tag,
            date=self._format_datetime(self.date),
            environment=self._selection_label(self, "environment"),
            trigger=self._selection_label(self, "trigger"),
            approver=self.approver_id.name or "-",
            taken_by=self.user_id.name or "-",
            manifest_sha256=self.manifest_sha256,
            audit_score=self.audit_score,
            audit_date=self._format_datetime(self.audit_date),
            audit_counts=self.audit_counts or {},
            modules=self.module_data or {},
            module_count=self.module_count,
            previous_name=self.previous_id.name if self.previous_id else None,
            diff=self._diff_source(),
            gates=[
                {**gate, "checks": self._check_status_label(gate["checks"])}
                for gate in self.gate_data or []
            ],
            findings=[
                {
                    **finding,
                    "status": label("golive.check.result", "status", finding["status"]),
                    "severity": label(
                        "golive.check.result", "severity", finding["severity"]
                    ),
                }
                for finding in self.finding_data or []
            ],
            open_tasks=[
                {**task, "state": label("golive.task", "state", task["state"])}
                for task in self.open_task_data or []
            ],
            waivers=self.waiver_data or [],
            config=self.config_data or {},
            note=self.note,
            install_order=self.install_order_data or [],
            phases=self.phase_data or [],
            backup_reference=self.backup_reference,
            **self._report_checklist_source(checklist),
        )

    def _diff_source(self):
        """The stored diff, its check statuses in words."""
        diff = dict(self.diff_data or {})
        if diff.get("checks"):
            diff["checks"] = [
                {
                    **row,
                    "from": row["from"] and self._check_status_label(row["from"]),
                    "to": row["to"] and self._check_status_label(row["to"]),
                }
                for row in diff["checks"]
            ]
        return diff

    @api.model
    def _value_label(self, model, name, value):
        """``value`` of the selection field ``name`` of ``model`` as people
        read it ("To Do", not ``todo``); the value itself when it is no option
        (a snapshot taken before the option existed)."""
        field = self.env[model]._fields[name]
        return dict(field._description_selection(self.env)).get(value) or value

    def _check_status_label(self, status):
        """A gate's check status as people read it ("Not Run", not
        ``not_run``); ``-`` when the gate has no bound check."""
        return self._value_label("golive.task", "check_status", status) or "-"

    def _report_checklist_source(self, checklist):
        """The values of ``checklist`` the GO_LIVE_MANIFEST reads."""
        label = self._selection_label
        return {
            "checklist_name": checklist.name,
            "architecture": label(checklist, "architecture") if checklist else "-",
            "cutover_strategy": label(checklist, "cutover_strategy")
            if checklist
            else "-",
            "state": checklist.state,
            "state_label": label(checklist, "state") if checklist else "-",
            "date_live": self._format_datetime(checklist.date_live),
            "abort_reason": checklist.abort_reason,
            "owner": checklist.user_id.name or "-",
            "implementer": checklist.implementer_id.name or "-",
            "ops": checklist.ops_user_id.name or "-",
            "finance_sme": checklist.finance_sme_id.name or "-",
            "checklist_approver": checklist.approver_id.name or "-",
            "date_kickoff": self._format_date(checklist.date_kickoff),
            "date_golive": self._format_date(checklist.date_golive),
            "date_freeze_end": self._format_datetime(checklist.date_freeze_end),
        }

    def _report_builder(self):
        return ReleaseReport(self._report_source(), self.env)

    def _report_document(self, report):
        """The sections of ``report`` (``what_shipped`` or
        ``go_live_manifest``), drawn by the QWeb templates and as Markdown."""
        builder = self._report_builder()
        return {
            "what_shipped": builder.what_shipped,
            "go_live_manifest": builder.go_live_manifest,
        }[report]()

    def _report_markdown(self, report):
        """``report`` as the text of a ``qweb-text`` report: Markup, so that
        QWeb does not HTML-escape Markdown."""
        return Markup(render_markdown(self._report_document(report)))

    def _render_sections_html(self, sections):
        return self.env["ir.qweb"]._render(
            "ipai_golive.release_sections_html", {"sections": sections}
        )

    def _selection_label(self, record, name):
        return self._value_label(record._name, name, record[name]) or "-"

    @api.model
    def _format_datetime(self, value):
        return fields.Datetime.to_string(value)[:16] if value else "-"

    @api.model
    def _format_date(self, value):
        return fields.Date.to_string(value) if value else "-"

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


class ReportGoliveReleaseWhatShipped(models.AbstractModel):
    """The values of the release reports, PDF and Markdown alike.

    ``data={"golive_live_state": True, "checklist_id": ID}`` renders the live
    state of the database as an unsaved release instead of stored ones (the
    command line's ``--report`` when no release was taken, or with
    ``--manifest``: ``golive_ship_manifest`` then holds the parsed file).
    The live state is read with the superuser's rights, so it is rendered
    for the superuser only (the command line), never from request data.
    """

    _name = "report.ipai_golive.report_what_shipped"
    _description = "WHAT_SHIPPED report"

    # Debian's wkhtmltopdf (unpatched Qt) refuses more than one input document.
    _golive_one_per_pdf = True

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        releases = self.env["golive.release"]
        if data.get("golive_live_state"):
            if not self.env.su:
                raise AccessError(
                    self.env._(
                        "The live state of the database is rendered by the "
                        "command line only (odoo-bin golive --report); print a "
                        "stored release instead."
                    )
                )
            docs = releases._new_live_release(
                self.env["golive.checklist"].browse(data.get("checklist_id")),
                ship=data.get("golive_ship_manifest"),
            )
        else:
            docs = releases.browse(docids)
            docs.check_access("read")
        if self._golive_one_per_pdf and len(docs) > 1:
            raise UserError(
                self.env._(
                    "Print one release per PDF: wkhtmltopdf built on an "
                    "unpatched Qt cannot merge several documents."
                )
            )
        return {"doc_ids": docs.ids, "doc_model": releases._name, "docs": docs}


# One small class per report: they share the values above.
# pylint: disable=consider-merging-classes-inherited
class ReportGoliveReleaseWhatShippedMd(models.AbstractModel):
    _name = "report.ipai_golive.report_what_shipped_md"
    _inherit = "report.ipai_golive.report_what_shipped"
    _description = "WHAT_SHIPPED report (Markdown)"

    _golive_one_per_pdf = False


class ReportGoliveReleaseManifest(models.AbstractModel):
    _name = "report.ipai_golive.report_go_live_manifest"
    _inherit = "report.ipai_golive.report_what_shipped"
    _description = "GO_LIVE_MANIFEST report"


class ReportGoliveReleaseManifestMd(models.AbstractModel):
    _name = "report.ipai_golive.report_go_live_manifest_md"
    _inherit = "report.ipai_golive.report_what_shipped"
    _description = "GO_LIVE_MANIFEST report (Markdown)"

    _golive_one_per_pdf = False
