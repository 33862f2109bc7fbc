# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class GoliveChecklistAbort(models.TransientModel):
    _name = "golive.checklist.abort"
    _description = "Abort or Roll Back a Go-Live"

    checklist_ids = fields.Many2many("golive.checklist", required=True)
    reason = fields.Text(required=True)
    previous_id = fields.Many2one(
        "golive.checklist",
        string="Previous Live Release",
        compute="_compute_rollback",
        store=True,
        readonly=False,
        help="The go-live that was in production before: what the rollback returns to.",
    )
    previous_release_ref = fields.Char(
        string="Roll Back To Tag",
        compute="_compute_rollback",
        store=True,
        readonly=False,
    )
    backup_id = fields.Many2one(
        "golive.backup",
        string="Restore From",
        compute="_compute_rollback",
        store=True,
        readonly=False,
        domain="[('state', '=', 'done')]",
        help="The backup to restore the database and filestore from.",
    )

    @api.depends("checklist_ids")
    def _compute_rollback(self):
        for wizard in self:
            checklist = wizard.checklist_ids[:1]
            previous = checklist and checklist._golive_previous_live()
            wizard.previous_id = previous
            wizard.previous_release_ref = previous and previous.release_tag
            wizard.backup_id = checklist.backup_ids.filtered(
                lambda b: b.state == "done"
            ).sorted("id")[-1:]

    def action_confirm(self):
        # write() checks the move, the manager and the reason
        self.checklist_ids.write({"state": "aborted", "abort_reason": self.reason})
        self.checklist_ids.sudo().write(
            {
                "rollback_previous_id": self.previous_id.id,
                "rollback_release_ref": self.previous_release_ref,
                "rollback_backup_id": self.backup_id.id,
            }
        )
        return {"type": "ir.actions.act_window_close"}
