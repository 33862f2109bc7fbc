# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .golive_task import VERIFICATION_MODES

# Columns copied as they are from a template line to its task.
TASK_COLUMNS = (
    "sequence",
    "section",
    "section_title",
    "name",
    "is_gate",
    "signoff_required",
    "verification",
    "verification_mode",
    "check_codes",
    "runbook",
    "target",
    "mitigation",
    "frequency",
    "notes",
)


class GoliveChecklistTemplateLine(models.Model):
    _name = "golive.checklist.template.line"
    _description = "Go-Live Checklist Template Task"
    _order = "template_id, phase_sequence, sequence, id"

    template_id = fields.Many2one(
        "golive.checklist.template", required=True, ondelete="cascade", index=True
    )
    phase_id = fields.Many2one(
        "golive.checklist.template.phase",
        required=True,
        ondelete="cascade",
        domain="[('template_id', '=', template_id)]",
    )
    phase_sequence = fields.Integer(
        related="phase_id.sequence", string="Phase Sequence", store=True
    )
    sequence = fields.Integer(default=10)
    section = fields.Char()
    section_title = fields.Char(translate=True)
    name = fields.Char(string="Task", required=True, translate=True)
    is_gate = fields.Boolean(string="Gate")
    signoff_required = fields.Boolean(
        string="Sign-Off Required",
        help="The task's gate stays red until a Go-Live Manager signs it off.",
    )
    verification = fields.Text()
    verification_mode = fields.Selection(
        VERIFICATION_MODES,
        default="manual",
        required=True,
    )
    check_codes = fields.Char()
    runbook = fields.Char()
    target = fields.Char()
    mitigation = fields.Char()
    frequency = fields.Char()
    notes = fields.Text()

    def _prepare_task_vals(self, checklist, phase):
        self.ensure_one()
        return {
            **{column: self[column] for column in TASK_COLUMNS},
            "checklist_id": checklist.id,
            "phase_id": phase.id,
        }
