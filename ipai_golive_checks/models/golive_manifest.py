# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.manifest import (
    CONTEXT_KEY,
    ManifestError,
    ShipManifest,
    diff_summaries,
    load_manifest,
)
from ..tools.vocabulary import MANAGER_GROUP

MANIFEST_EXTENSIONS = (".yml", ".yaml")


class GoliveManifest(models.Model):
    """An imported ship manifest: the reference the ERP is compared with.

    Records are written only by :meth:`_import_manifest`, after the whole file
    validated: a manifest with any error writes nothing.
    """

    _name = "golive.manifest"
    _description = "Go-Live Ship Manifest"
    _order = "import_date desc, id desc"
    _rec_name = "display_label"

    display_label = fields.Char(
        string="Manifest", compute="_compute_display_label", store=True
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        readonly=True,
        index=True,
        help="The company that imported the manifest.",
    )
    bundle_name = fields.Char(required=True, readonly=True, index=True)
    bundle_version = fields.Char(string="Version", required=True, readonly=True)
    filename = fields.Char(readonly=True)
    source = fields.Text(readonly=True, help="The file as imported.")
    sha256 = fields.Char(
        string="SHA-256", required=True, readonly=True, index=True, copy=False
    )
    content = fields.Json(readonly=True, help="The manifest as parsed.")
    summary = fields.Json(readonly=True)
    import_user_id = fields.Many2one(
        "res.users", string="Imported By", readonly=True, default=lambda s: s.env.user
    )
    import_date = fields.Datetime(
        string="Imported On", readonly=True, default=fields.Datetime.now
    )
    previous_id = fields.Many2one(
        "golive.manifest",
        string="Previous Version",
        readonly=True,
        ondelete="set null",
        help="The manifest of the same bundle imported before this one.",
    )
    diff = fields.Json(readonly=True, help="Changes against the previous version.")
    diff_html = fields.Html(
        string="Changes", compute="_compute_diff_html", sanitize=True
    )
    module_count = fields.Integer(string="Modules", readonly=True)
    stage_count = fields.Integer(string="Stages", readonly=True)
    gate_count = fields.Integer(string="Gates", readonly=True)
    extra_sections = fields.Char(
        readonly=True, help="Sections kept as they are, not read by the checks."
    )
    check_run_id = fields.Many2one(
        "golive.check.run",
        string="Last Drift Check",
        readonly=True,
        ondelete="set null",
        groups=MANAGER_GROUP,
    )
    result_ids = fields.Many2many(
        "golive.check.result",
        string="Drift",
        compute="_compute_result_ids",
        groups=MANAGER_GROUP,
    )
    drift_count = fields.Integer(
        compute="_compute_result_ids",
        groups=MANAGER_GROUP,
        help="Findings of the last drift check that fail or warn.",
    )

    _sql_constraints = [
        # once per company (each company's managers import what they ship)
        (
            "sha256_unique",
            "UNIQUE(sha256, company_id)",
            "This manifest is imported already.",
        ),
    ]

    @api.depends("bundle_name", "bundle_version")
    def _compute_display_label(self):
        for manifest in self:
            manifest.display_label = (
                f"{manifest.bundle_name} {manifest.bundle_version}"
                if manifest.bundle_name
                else False
            )

    @api.depends("diff")
    def _compute_diff_html(self):
        for manifest in self:
            manifest.diff_html = manifest._diff_as_html()

    @api.depends("check_run_id")
    def _compute_result_ids(self):
        for manifest in self:
            results = manifest.check_run_id.result_ids.filtered(
                lambda r: r.category == "manifest"
            )
            manifest.result_ids = results
            manifest.drift_count = len(
                results.filtered(lambda r: r.status in ("fail", "warn", "error"))
            )

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    @api.model
    def _import_manifest(self, source, filename="manifest.yml"):
        """Validate ``source`` (bytes or text) and store it; return the record.

        A file already imported (same sha256) returns its record. On any error
        nothing is written.

        :raise UserError: with every error as ``file:line:column: path: ...``
        """
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("Only a Go-Live Manager can import a manifest."))
        try:
            manifest = load_manifest(source, filename=filename)
        except ManifestError as exc:
            raise UserError(
                self.env._("The ship manifest is invalid:\n%(errors)s", errors=str(exc))
            ) from exc
        existing = self.with_context(active_test=False).search(
            [("sha256", "=", manifest.sha256)], limit=1
        )
        if existing:
            existing.active = True
            return existing
        previous = self.search([("bundle_name", "=", manifest.bundle_name)], limit=1)
        summary = manifest.summary()
        text = source.decode("utf-8") if isinstance(source, bytes) else source
        return self.create(
            {
                "bundle_name": manifest.bundle_name,
                "bundle_version": manifest.bundle_version,
                "filename": filename,
                "source": text,
                "sha256": manifest.sha256,
                "content": manifest.data,
                "summary": summary,
                "previous_id": previous.id,
                "diff": diff_summaries(previous.summary or {}, summary)
                if previous
                else False,
                "module_count": len(summary["modules"]),
                "stage_count": len(summary["stages"]),
                "gate_count": len(summary["gates"]),
                "extra_sections": ", ".join(manifest.extra_sections()) or False,
            }
        )

    @api.model
    def _import_attachment(self, attachment):
        """Import a manifest from an ``ir.attachment`` (.yml/.yaml)."""
        attachment.check_access("read")
        if not (attachment.name or "").lower().endswith(MANIFEST_EXTENSIONS):
            raise UserError(
                self.env._(
                    "%(name)s is not a YAML file (.yml or .yaml).", name=attachment.name
                )
            )
        return self._import_manifest(
            base64.b64decode(attachment.sudo().datas or b""), attachment.name
        )

    @api.model
    def _get_latest(self):
        return self.search([], limit=1)

    def _ship_manifest(self):
        self.ensure_one()
        return ShipManifest(
            data=self.content or {}, sha256=self.sha256, filename=self.filename or ""
        )

    def _diff_labels(self):
        return (
            ("modules_added", self.env._("Modules added")),
            ("modules_removed", self.env._("Modules removed")),
            ("stages_added", self.env._("Stages added")),
            ("stages_removed", self.env._("Stages removed")),
            ("stages_changed", self.env._("Stages changed")),
            ("config_changed", self.env._("Configuration values changed")),
            ("gates_added", self.env._("Gates added")),
            ("gates_removed", self.env._("Gates removed")),
            ("gates_changed", self.env._("Gates changed")),
        )

    def _diff_as_html(self):
        """The changes since the previous import, drawn by the
        ``golive_manifest_diff`` template."""
        self.ensure_one()
        if not self.previous_id:
            intro = self.env._("First import of this bundle.")
            return self._render_diff(intro, [])
        items = self._diff_items()
        if not items:
            intro = self.env._(
                "Same modules, stages, configuration and gates as %(previous)s.",
                previous=self.previous_id.display_label,
            )
        else:
            intro = self.env._(
                "Changes since %(previous)s:", previous=self.previous_id.display_label
            )
        return self._render_diff(intro, items)

    def _diff_items(self):
        """``[(label, text)]`` of the kinds of change this import made."""
        diff = self.diff or {}
        items = []
        for key, label in self._diff_labels():
            values = diff.get(key) or []
            if not values:
                continue
            if key == "config_changed":
                text = ", ".join(
                    f"{v['key']}: {v['old']!r} → {v['new']!r}" for v in values
                )
            else:
                text = ", ".join(values)
            items.append((label, text))
        return items

    def _render_diff(self, intro, items):
        return self.env["ir.qweb"]._render(
            "ipai_golive_checks.golive_manifest_diff", {"intro": intro, "items": items}
        )

    # ------------------------------------------------------------------
    # Drift
    # ------------------------------------------------------------------
    def _check_drift(self, exclude_tags=None):
        """Run the manifest checks against this manifest; return the run."""
        self.ensure_one()
        run = (
            self.env["golive.check.run"]
            .with_context(**{CONTEXT_KEY: self.id})
            ._run_checks(
                trigger="manual", categories=["manifest"], exclude_tags=exclude_tags
            )
        )
        self.sudo().check_run_id = run
        return run

    def action_check_drift(self):
        # the drift check writes its run on the manifest (as root)
        self.check_access("write")
        self._check_drift()
        return True

    def action_view_drift(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ipai_golive_checks.golive_check_result_action"
        )
        # the findings the button counts: the passing ones are no drift
        drift = self.result_ids.filtered(
            lambda r: r.status in ("fail", "warn", "error")
        )
        action.update(
            domain=[("id", "in", drift.ids)],
            name=self.env._("Drift of %(name)s", name=self.display_label),
        )
        return action
