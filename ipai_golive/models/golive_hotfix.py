# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

OPERATIONS = [
    ("install", "Install"),
    ("upgrade", "Upgrade"),
    ("uninstall", "Uninstall"),
    ("scheduled", "Apply Scheduled Changes"),
]


class GoliveHotfix(models.Model):
    """A module change a Go-Live Manager made during a change freeze, with
    its reason: the checklist's record of every exception to the freeze."""

    _name = "golive.hotfix"
    _description = "Go-Live Freeze Hotfix"
    _order = "date desc, id desc"
    _rec_name = "reason"

    checklist_id = fields.Many2one(
        "golive.checklist", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="checklist_id.company_id", store=True)
    user_id = fields.Many2one("res.users", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    operation = fields.Selection(OPERATIONS, required=True)
    module_names = fields.Char(string="Modules", required=True)
    reason = fields.Text(required=True)
    used = fields.Boolean(
        help="Set when the module operation it allowed started: a hotfix "
        "allows one operation."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._("Record a freeze hotfix with the hotfix wizard.")
            )
        return super().create(vals_list)
