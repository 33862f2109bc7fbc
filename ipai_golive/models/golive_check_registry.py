# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The app's contributions to the engine's checks (through its extension points)."""

from odoo import models

# The app's records whose changes the audit trail must keep.
AUDIT_TRAIL_MODELS = ["golive.checklist", "golive.task"]


class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_audit_trail_models(self, models):
        return super()._golive_audit_trail_models(models) + AUDIT_TRAIL_MODELS
