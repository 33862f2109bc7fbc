# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checklist's figures as people read them on cards and banners."""

from odoo import api, fields, models

from ..tools.labels import human_age


class GoliveChecklist(models.Model):
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    gate_red_label = fields.Char(
        string="Red Gates Label", compute="_compute_gate_red_label"
    )
    audit_age_label = fields.Char(
        string="Audit Age", compute="_compute_audit_age_label"
    )

    @api.depends("gate_red_count")
    def _compute_gate_red_label(self):
        for checklist in self:
            count = checklist.gate_red_count
            checklist.gate_red_label = (
                self.env._("1 red gate")
                if count == 1
                else self.env._("%(count)s red gates", count=count)
            )

    @api.depends("check_run_date")
    def _compute_audit_age_label(self):
        now = fields.Datetime.now()
        for checklist in self:
            checklist.audit_age_label = (
                human_age(self.env, now - checklist.check_run_date)
                if checklist.check_run_date
                else self.env._("never audited")
            )
