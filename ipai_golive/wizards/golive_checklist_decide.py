# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.golive_decision import DECISIONS


class GoliveChecklistDecide(models.TransientModel):
    _name = "golive.checklist.decide"
    _description = "Go/No-Go Decision"

    checklist_id = fields.Many2one("golive.checklist", required=True)
    preflight_html = fields.Html(
        string="Pre-Flight", compute="_compute_preflight_html", sanitize=False
    )
    decision = fields.Selection(DECISIONS, required=True)
    comment = fields.Text(required=True)

    @api.depends("checklist_id")
    def _compute_preflight_html(self):
        for wizard in self:
            wizard.preflight_html = (
                wizard.checklist_id and wizard.checklist_id._golive_preflight_html()
            )

    def action_confirm(self):
        self.ensure_one()
        self.checklist_id._record_decision(self.decision, self.comment)
        return {"type": "ir.actions.act_window_close"}
