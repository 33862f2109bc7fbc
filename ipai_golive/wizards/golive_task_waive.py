# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.notification import CLOSE, notification


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
            message = self.env._(
                "Not applicable: %(tasks)s. Reason: %(reason)s",
                tasks=", ".join(self.task_ids.mapped("name")),
                reason=self.reason.strip(),
            )
        else:
            self.task_ids._waive(self.reason)
            message = self.env._(
                "Waived: %(tasks)s. Reason: %(reason)s",
                tasks=", ".join(self.task_ids.mapped("name")),
                reason=self.reason.strip(),
            )
        return notification(message, next_action=CLOSE)
