# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

DECISIONS = [("go", "Go"), ("nogo", "No-Go")]


class GoliveDecision(models.Model):
    """A Go/No-Go decision on a checklist, as it was taken: who, when, on
    which version of the gates, and the pre-flight summary they saw.

    Created by ``golive.checklist._record_decision`` only; never changed.
    """

    _name = "golive.decision"
    _description = "Go-Live Go/No-Go Decision"
    _order = "date desc, id desc"
    _rec_name = "decision"

    checklist_id = fields.Many2one(
        "golive.checklist", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="checklist_id.company_id", store=True)
    decision = fields.Selection(DECISIONS, required=True)
    comment = fields.Text(required=True)
    user_id = fields.Many2one("res.users", string="Decided By", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    gate_version = fields.Integer(
        help="The checklist's gate version the decision was taken on."
    )
    preflight_html = fields.Html(
        string="Pre-Flight Summary", sanitize=False, readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._("Record a Go/No-Go decision with the Go/No-Go button.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("A Go/No-Go decision cannot be changed."))
        return super().write(vals)
