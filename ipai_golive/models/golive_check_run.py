# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class GoliveCheckRun(models.Model):
    _inherit = "golive.check.run"

    @api.model
    def _gc_kept_runs(self):
        """Keep the last audit of every checklist: its tasks show its statuses."""
        checklists = self.env["golive.checklist"].sudo().with_context(active_test=False)
        return (
            super()._gc_kept_runs()
            | checklists.search([("check_run_id", "!=", False)]).check_run_id
        )
