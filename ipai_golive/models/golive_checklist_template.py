# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
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

    def copy(self, default=None):
        """Copy the templates with their phases and tasks, each task in the
        copy of its phase (the shipped template is refreshed on upgrade: copy
        it to make your own)."""
        copies = super().copy(default)
        Line = self.env["golive.checklist.template.line"]
        for template, new in zip(self, copies, strict=True):
            phase_map = dict(zip(template.phase_ids, new.phase_ids, strict=True))
            Line.create(
                [
                    {
                        **vals,
                        "template_id": new.id,
                        "phase_id": phase_map[line.phase_id].id,
                    }
                    for line, vals in zip(
                        template.line_ids, template.line_ids.copy_data(), strict=True
                    )
                ]
            )
        return copies

    def _create_checklist(self, vals):
        """Create a checklist with this template's phases and all its tasks."""
        self.ensure_one()
        self._check_has_phases()
        checklist = self.env["golive.checklist"].create(vals)
        self._populate_checklist(checklist)
        return checklist

    def _check_has_phases(self):
        if not self.phase_ids:
            raise UserError(
                self.env._("Template %(name)s has no phases.", name=self.name)
            )

    def _populate_checklist(self, checklist):
        """Add this template's phases and tasks to ``checklist``.

        The phases are created first, then the tasks in one batched
        ``create``.
        """
        self.ensure_one()
        self._check_has_phases()
        phases = self.env["golive.phase"].create(
            [
                {**phase._prepare_phase_vals(), "checklist_id": checklist.id}
                for phase in self.phase_ids
            ]
        )
        phase_by_template_phase = dict(zip(self.phase_ids, phases, strict=True))
        checklist.template_id = self
        return self.env["golive.task"].create(
            [
                line._prepare_task_vals(
                    checklist, phase_by_template_phase[line.phase_id]
                )
                for line in self.line_ids
            ]
        )

    def action_create_checklist(self):
        """Open the wizard creating a checklist from this template."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ipai_golive.golive_checklist_create_action"
        )
        action["context"] = {"default_template_id": self.id}
        return action
