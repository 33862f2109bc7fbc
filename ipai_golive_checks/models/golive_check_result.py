# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models

from ..tools.labels import object_labels
from ..tools.vocabulary import CATEGORIES, SEVERITIES, STATUSES


class GoliveCheckResult(models.Model):
    """One finding of one check in one run; message and evidence are masked."""

    _name = "golive.check.result"
    _description = "Go-Live Check Result"
    _order = "run_id desc, sequence, id"

    run_id = fields.Many2one(
        "golive.check.run", required=True, ondelete="cascade", index=True
    )
    check_id = fields.Many2one(
        "golive.check", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    code = fields.Char(required=True)
    title = fields.Char()
    category = fields.Selection(CATEGORIES)
    severity = fields.Selection(SEVERITIES, required=True)
    status = fields.Selection(STATUSES, required=True, index=True)
    object_key = fields.Char()
    object_label = fields.Char(
        string="Object",
        compute="_compute_object_label",
        help="The object of the finding as people name it: a record's model "
        "and name rather than its key (res.company,1).",
    )
    message = fields.Text()
    evidence = fields.Json()
    evidence_text = fields.Text(compute="_compute_evidence_text", string="Evidence ")
    tags = fields.Char()
    duration_ms = fields.Float(string="Duration (ms)", digits=(16, 1))
    query_count = fields.Integer(string="SQL Queries")
    waived = fields.Boolean(index=True)
    waiver_id = fields.Many2one("golive.waiver", ondelete="set null")
    environment = fields.Selection(related="run_id.environment")
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    date = fields.Datetime(related="run_id.date_start")

    @api.depends("evidence")
    def _compute_evidence_text(self):
        for result in self:
            result.evidence_text = (
                json.dumps(result.evidence, indent=2, sort_keys=True, default=str)
                if result.evidence
                else ""
            )

    @api.depends("object_key")
    def _compute_object_label(self):
        labels = object_labels(self.env, set(self.mapped("object_key")))
        for result in self:
            result.object_label = labels[result.object_key]

    @api.depends("code", "object_key")
    def _compute_display_name(self):
        for result in self:
            result.display_name = (
                f"{result.code} [{result.object_key}]"
                if result.object_key
                else result.code
            )

    def action_waive(self):
        """Open a waiver for this one finding."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive"),
            "res_model": "golive.waiver",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_check_id": self.check_id.id,
                "default_object_key": self.object_key,
            },
        }

    def _to_report_dict(self):
        self.ensure_one()
        return {
            "code": self.code,
            "title": self.title or "",
            "category": self.category or "",
            "severity": self.severity,
            "status": self.status,
            "message": self.message or "",
            "evidence": self.evidence or {},
            "object": self.object_key or "",
            "tags": [
                tag.strip() for tag in (self.tags or "").split(",") if tag.strip()
            ],
            "duration_ms": round(self.duration_ms, 1),
            "query_count": self.query_count,
            "waived": self.waived,
            "waiver": (
                {
                    "reason": self.waiver_id.reason,
                    "approver": self.waiver_id.approver_id.name,
                    "expiry_date": str(self.waiver_id.expiry_date),
                }
                if self.waiver_id
                else None
            ),
        }
