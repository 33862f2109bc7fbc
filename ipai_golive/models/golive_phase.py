# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

ANCHORS = [("kickoff", "Kickoff"), ("golive", "Go-Live (T-0)")]


class GolivePhase(models.Model):
    """A phase of a checklist, with a window anchored on kickoff or go-live.

    ``day_start`` and ``day_end`` are offsets in days from the anchor date:
    "Day 2-5" is kickoff +2..+5, "T+1 to T+14" is go-live +1..+14, and the
    readiness phase before T-0 has negative offsets on the go-live anchor.
    """

    _name = "golive.phase"
    _description = "Go-Live Phase"
    _order = "checklist_id, sequence, id"

    checklist_id = fields.Many2one(
        "golive.checklist", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="checklist_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(help="Phase number in the checklist, e.g. 3.")
    name = fields.Char(required=True)
    window_label = fields.Char(string="Window", help='As written, e.g. "Day 0-2".')
    anchor = fields.Selection(ANCHORS, required=True, default="kickoff")
    day_start = fields.Integer(help="First day of the window, from the anchor date.")
    day_end = fields.Integer(help="Last day of the window, from the anchor date.")
    date_start = fields.Date(compute="_compute_dates", store=True)
    date_end = fields.Date(compute="_compute_dates", store=True)
    task_ids = fields.One2many("golive.task", "phase_id")

    _sql_constraints = [
        (
            "window_coherent",
            "CHECK(day_end >= day_start)",
            "A phase cannot end before it starts.",
        ),
    ]

    @api.depends(
        "anchor",
        "day_start",
        "day_end",
        "checklist_id.date_kickoff",
        "checklist_id.date_golive",
    )
    def _compute_dates(self):
        for phase in self:
            anchor = (
                phase.checklist_id.date_kickoff
                if phase.anchor == "kickoff"
                else phase.checklist_id.date_golive
            )
            phase.date_start = anchor and anchor + timedelta(days=phase.day_start)
            phase.date_end = anchor and anchor + timedelta(days=phase.day_end)

    @api.model_create_multi
    def create(self, vals_list):
        phases = super().create(vals_list)
        phases.checklist_id._check_open_for_users()
        return phases

    def write(self, vals):
        self.checklist_id._check_open_for_users()
        if "checklist_id" in vals and self.filtered(
            lambda p: p.checklist_id.id != vals["checklist_id"]
        ):
            raise UserError(self.env._("A phase cannot move to another checklist."))
        return super().write(vals)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for phase in self:
            phase.display_name = (
                f"{phase.code}) {phase.name}" if phase.code else phase.name
            )
