# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import UserError


class GoliveChecklistTemplate(models.Model):
    _name = "golive.checklist.template"
    _description = "Go-Live Checklist Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    phase_ids = fields.One2many(
        "golive.checklist.template.phase", "template_id", copy=True
    )
    line_ids = fields.One2many("golive.checklist.template.line", "template_id")
    line_count = fields.Integer(compute="_compute_line_count")

    def _compute_line_count(self):
        counts = dict(
            self.env["golive.checklist.template.line"]._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["__count"]
            )
        )
        for template in self:
            template.line_count = counts.get(template, 0)

    def _create_checklist(self, vals):
        """Create a checklist with this template's phases and all its tasks.

        Phases come with the checklist; the tasks follow in one batched
        ``create``.
        """
        self.ensure_one()
        if not self.phase_ids:
            raise UserError(
                self.env._("Template %(name)s has no phases.", name=self.name)
            )
        checklist = self.env["golive.checklist"].create(
            {
                **vals,
                "template_id": self.id,
                "phase_ids": [
                    Command.create(phase._prepare_phase_vals())
                    for phase in self.phase_ids
                ],
            }
        )
        phase_by_template_phase = dict(
            zip(self.phase_ids, checklist.phase_ids.sorted("sequence"), strict=True)
        )
        self.env["golive.task"].create(
            [
                line._prepare_task_vals(
                    checklist, phase_by_template_phase[line.phase_id]
                )
                for line in self.line_ids
            ]
        )
        return checklist
