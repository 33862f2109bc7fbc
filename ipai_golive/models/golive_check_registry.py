# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The app's contributions to the engine, through its extension points: key
models of the audit trail, the reports of ``odoo-bin golive --report``."""

from odoo import api, models

# The app's records whose changes the audit trail must keep.
AUDIT_TRAIL_MODELS = ["golive.checklist", "golive.task"]


class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_audit_trail_models(self, models):
        return super()._golive_audit_trail_models(models) + AUDIT_TRAIL_MODELS

    @api.model
    def _golive_cli_report(self, name, fmt, ship=None):
        """``odoo-bin golive --report``: the release reports of the app."""
        content, _release = self.env["golive.release"]._render_report(
            name, fmt, ship=ship
        )
        return content
