# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.ipai_golive_checks.tools.vocabulary import ENVIRONMENTS

from ..models.golive_checklist import ARCHITECTURES, CUTOVER_STRATEGIES


class GoliveChecklistCreate(models.TransientModel):
    _name = "golive.checklist.create"
    _description = "New Go-Live Checklist from a Template"

    template_id = fields.Many2one(
        "golive.checklist.template",
        required=True,
        default=lambda self: self._default_template(),
    )
    name = fields.Char(required=True)
    environment = fields.Selection(
        ENVIRONMENTS,
        required=True,
        default=lambda self: self.env["golive.checklist"]._default_environment(),
    )
    release_tag = fields.Char()
    date_kickoff = fields.Date(
        string="Kickoff", required=True, default=fields.Date.context_today
    )
    date_golive = fields.Date(string="Target Go-Live", required=True)
    architecture = fields.Selection(ARCHITECTURES)
    cutover_strategy = fields.Selection(CUTOVER_STRATEGIES)

    @api.model
    def _default_template(self):
        return self.env["golive.checklist.template"].search([], limit=1)

    def action_create(self):
        self.ensure_one()
        checklist = self.template_id._create_checklist(
            {
                "name": self.name,
                "environment": self.environment,
                "release_tag": self.release_tag,
                "date_kickoff": self.date_kickoff,
                "date_golive": self.date_golive,
                "architecture": self.architecture,
                "cutover_strategy": self.cutover_strategy,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.checklist",
            "res_id": checklist.id,
            "view_mode": "form",
            "target": "main",
        }
