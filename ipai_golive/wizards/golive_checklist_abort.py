# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class GoliveChecklistAbort(models.TransientModel):
    _name = "golive.checklist.abort"
    _description = "Abort or Roll Back a Go-Live"

    checklist_ids = fields.Many2many("golive.checklist", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        # write() checks the move, the manager and the reason
        self.checklist_ids.write({"state": "aborted", "abort_reason": self.reason})
        return {"type": "ir.actions.act_window_close"}
