# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .golive_phase import ANCHORS


class GoliveChecklistTemplatePhase(models.Model):
    _name = "golive.checklist.template.phase"
    _description = "Go-Live Checklist Template Phase"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "golive.checklist.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    code = fields.Char()
    name = fields.Char(required=True, translate=True)
    window_label = fields.Char(string="Window")
    anchor = fields.Selection(ANCHORS, required=True, default="kickoff")
    day_start = fields.Integer()
    day_end = fields.Integer()
    line_ids = fields.One2many("golive.checklist.template.line", "phase_id")

    _sql_constraints = [
        (
            "window_coherent",
            "CHECK(day_end >= day_start)",
            "A phase cannot end before it starts.",
        ),
    ]

    def _prepare_phase_vals(self):
        self.ensure_one()
        return {
            field: self[field]
            for field in (
                "sequence",
                "code",
                "name",
                "window_label",
                "anchor",
                "day_start",
                "day_end",
            )
        }
