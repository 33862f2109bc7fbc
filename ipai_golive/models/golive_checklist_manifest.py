# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checklist's ship manifest: imported from the evidence of its task 1.1."""

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.ipai_golive_checks.models.golive_manifest import MANIFEST_EXTENSIONS

# The task whose evidence holds the ship manifest file (section 1.1).
MANIFEST_TASK_DOMAIN = [
    ("section", "=", "1.1"),
    ("name", "=ilike", "Ship manifest finalized%"),
]


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    manifest_id = fields.Many2one(
        "golive.manifest",
        string="Ship Manifest",
        tracking=True,
        copy=False,
        ondelete="restrict",
        help="The ship manifest of this release: the manifest checks of this "
        "checklist's audit judge the ERP against it.",
    )

    def _manifest_attachment(self):
        """The latest YAML file attached to the "Ship manifest finalized" task."""
        self.ensure_one()
        tasks = self.env["golive.task"].search(
            [("checklist_id", "=", self.id), *MANIFEST_TASK_DOMAIN]
        )
        return tasks.evidence_attachment_ids.filtered(
            lambda a: (a.name or "").lower().endswith(MANIFEST_EXTENSIONS)
        ).sorted("id")[-1:]

    def action_import_manifest(self):
        """Import the ship manifest attached to the "Ship manifest finalized"
        task and link it to the checklist; the chatter says what changed."""
        self._check_manager()
        for checklist in self:
            attachment = checklist._manifest_attachment()
            if not attachment:
                raise UserError(
                    self.env._(
                        'Attach the ship manifest (.yml) to the task "Ship manifest '
                        'finalized" of %(name)s first.',
                        name=checklist.name,
                    )
                )
            manifest = self.env["golive.manifest"]._import_attachment(attachment)
            checklist.manifest_id = manifest
            checklist.message_post(
                body=Markup("<p>%s</p>%s")
                % (
                    self.env._(
                        "Ship manifest %(manifest)s imported from %(file)s "
                        "(sha256 %(sha)s).",
                        manifest=manifest.display_label,
                        file=attachment.name,
                        sha=manifest.sha256[:12],
                    ),
                    manifest.diff_html or "",
                )
            )
        return True

    def action_view_manifest(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.manifest",
            "res_id": self.manifest_id.id,
            "view_mode": "form",
        }
