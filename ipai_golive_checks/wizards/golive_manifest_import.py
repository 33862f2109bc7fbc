# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import fields, models


class GoliveManifestImport(models.TransientModel):
    """Upload a ship manifest (YAML) and import it."""

    _name = "golive.manifest.import"
    _description = "Import a Ship Manifest"

    file = fields.Binary(string="Manifest File", required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        Manifest = self.env["golive.manifest"]
        last = Manifest.with_context(active_test=False).search(
            [], order="id desc", limit=1
        )
        manifest = Manifest._import_manifest(
            base64.b64decode(self.file or b""), self.filename or "manifest.yml"
        )
        action = {
            "type": "ir.actions.act_window",
            "res_model": "golive.manifest",
            "res_id": manifest.id,
            "view_mode": "form",
            "target": "current",
        }
        if manifest.id > last.id:  # a new record
            return action
        # the same file again: say so instead of silently opening the old one
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Already imported"),
                "message": self.env._(
                    "%(file)s is identical to %(manifest)s, imported on %(date)s.",
                    file=self.filename or "manifest.yml",
                    manifest=manifest.display_name,
                    date=fields.Datetime.to_string(manifest.create_date),
                ),
                "type": "info",
                "next": action,
            },
        }
