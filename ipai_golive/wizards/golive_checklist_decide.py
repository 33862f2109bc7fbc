# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.golive_decision import DECISIONS


class GoliveChecklistDecide(models.TransientModel):
    """The Go/No-Go decision: the counts that decide it on a banner at the
    top, the pre-flight details folded below, the decision and its comment."""

    _name = "golive.checklist.decide"
    _description = "Go/No-Go Decision"

    checklist_id = fields.Many2one("golive.checklist", required=True)
    preflight_html = fields.Html(
        string="Pre-Flight", compute="_compute_preflight_html", sanitize=False
    )
    red_gate_count = fields.Integer(string="Red Gates", compute="_compute_summary")
    blocked_count = fields.Integer(string="Blocked Tasks", compute="_compute_summary")
    drift_count = fields.Integer(string="Drift", compute="_compute_summary")
    audit_label = fields.Char(string="Last Audit", compute="_compute_summary")
    audit_stale = fields.Boolean(compute="_compute_summary")
    backup_label = fields.Char(string="Backup", compute="_compute_summary")
    backup_ok = fields.Boolean(compute="_compute_summary")
    ready_for_go = fields.Boolean(compute="_compute_summary")
    decision = fields.Selection(DECISIONS, required=True)
    comment = fields.Text(required=True)

    @api.depends("checklist_id")
    def _compute_preflight_html(self):
        for wizard in self:
            wizard.preflight_html = (
                wizard.checklist_id
                and wizard.checklist_id._golive_preflight_html(banner=False)
            )

    @api.depends("checklist_id")
    def _compute_summary(self):
        for wizard in self:
            checklist = wizard.checklist_id
            if not checklist:
                wizard.update(
                    {
                        "red_gate_count": 0,
                        "blocked_count": 0,
                        "drift_count": 0,
                        "audit_label": False,
                        "audit_stale": False,
                        "backup_label": False,
                        "backup_ok": False,
                        "ready_for_go": False,
                    }
                )
                continue
            values = checklist._golive_preflight_values()
            run, backup = values["run"], values["backup"]
            if run:
                audit_label = self.env._(
                    "score %(score)s, %(age)s",
                    score=format(run.score, ".1f"),
                    age=values["age_label"],
                )
            else:
                audit_label = self.env._("never audited")
            if backup:
                backup_label = dict(
                    backup._fields["state"]._description_selection(self.env)
                )[backup.state]
            else:
                backup_label = self.env._("none taken")
            wizard.update(
                {
                    "red_gate_count": len(values["red_gates"]),
                    "blocked_count": len(values["blocked"]),
                    "drift_count": len(values["drift"]),
                    "audit_label": audit_label,
                    "audit_stale": bool(run) and checklist.audit_stale,
                    "backup_label": backup_label,
                    "backup_ok": backup.state == "done",
                    "ready_for_go": not values["red_gates"] and not values["blocked"],
                }
            )

    def action_view_red_gates(self):
        return self.checklist_id.action_view_red_gates()

    def action_view_blocked(self):
        self.ensure_one()
        return self.checklist_id._action_open_tasks(
            [("state", "=", "blocked")], self.env._("Blocked Tasks")
        )

    def action_view_drift(self):
        return self.checklist_id.action_view_manifest_drift()

    def action_confirm(self):
        self.ensure_one()
        self.checklist_id._record_decision(self.decision, self.comment)
        return {"type": "ir.actions.act_window_close"}
