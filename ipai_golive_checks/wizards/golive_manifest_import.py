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
        manifest = self.env["golive.manifest"]._import_manifest(
            base64.b64decode(self.file or b""), self.filename or "manifest.yml"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.manifest",
            "res_id": manifest.id,
            "view_mode": "form",
            "target": "current",
        }
