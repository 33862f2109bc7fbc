# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models


class GoliveChecklist(models.Model):
    _inherit = "golive.checklist"

    rollback_ids = fields.One2many(
        "golive.rollback", "checklist_id", string="Rollbacks", readonly=True
    )
    restore_point_ids = fields.Many2many(
        "golive.backup",
        string="Restore Points",
        compute="_compute_restore_point_ids",
        help="Backups of this checklist whose restore test passed: what Roll "
        "Back and odoo-bin golive-restore can put back.",
    )

    @api.depends("backup_ids.state", "backup_ids.restore_state")
    def _compute_restore_point_ids(self):
        for checklist in self:
            checklist.restore_point_ids = checklist.backup_ids.filtered(
                lambda b: b._golive_restore_point().verified
            )

    def _golive_gate_tasks(self, gates):
        """The tasks that ``gates`` (section, start of the name) designate."""
        return self.task_ids.filtered(
            lambda t: any(
                t.section == section and (t.name or "").startswith(name)
                for section, name in gates
            )
        )

    def _golive_gate_evidence(self, gates, note):
        """Add ``note`` to the evidence and the chatter of the gate tasks that
        ``gates`` (section, start of the name) designate."""
        tasks = self._golive_gate_tasks(gates)
        for task in tasks.sudo():
            task.evidence_note = (task.evidence_note or Markup()) + Markup(
                "<p>%s</p>"
            ) % note
            task.message_post(body=note)
        return tasks

    @api.model
    def _golive_owner_of_update(self, checklist_id=None):
        """The checklist a guarded update records on: the one given, else the
        latest one still open (not closed or aborted)."""
        if checklist_id:
            return self.browse(checklist_id).exists()
        return self.search(
            [("state", "not in", ("closed", "aborted"))],
            order="id desc",
            limit=1,
        )
