# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class GoliveTaskWaive(models.TransientModel):
    _name = "golive.task.waive"
    _description = "Waive Go-Live Tasks"

    task_ids = fields.Many2many("golive.task", required=True)
    reason = fields.Text(required=True)
    mode = fields.Selection(
        [("waive", "Waive"), ("na", "Not Applicable")], default="waive", required=True
    )

    def action_confirm(self):
        if self.mode == "na":
            self.task_ids._set_not_applicable(self.reason)
        else:
            self.task_ids._waive(self.reason)
        return {"type": "ir.actions.act_window_close"}
