# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.notification import CLOSE, notification


class GoliveTaskWaive(models.TransientModel):
    _name = "golive.task.waive"
    _description = "Waive Go-Live Tasks"

    task_ids = fields.Many2many("golive.task", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.task_ids._waive(self.reason)
        return notification(
            self.env._(
                "Waived: %(tasks)s. Reason: %(reason)s",
                tasks=", ".join(self.task_ids.mapped("name")),
                reason=self.reason.strip(),
            ),
            next_action=CLOSE,
        )
