# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hypercare: phase 9's daily routines as activities from T+1 to T+14."""

from datetime import timedelta

from odoo import fields, models


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    # Hypercare

    def _golive_hypercare_tasks(self):
        """Phase 9's routines: daily tasks of the phases after go-live."""
        return self.task_ids.filtered(
            lambda t: t.phase_id.anchor == "golive"
            and t.phase_id.day_start >= 1
            and (t.frequency or "").strip().lower() == "daily"
            and t.state not in ("na", "waived")
        )

    def _golive_schedule_hypercare(self):
        """One activity a day from T+1 to T+14 (the phase window) per routine,
        for its responsible (else the ops, else the owner)."""
        activity_type = self.env.ref("ipai_golive.mail_activity_type_hypercare")
        model_id = self.env["ir.model"]._get_id("golive.task")
        vals_list = []
        for checklist in self:
            start = fields.Date.to_date(checklist.date_live)
            for task in checklist._golive_hypercare_tasks():
                user = task.user_id or checklist.ops_user_id or checklist.user_id
                # followed first: a batch of activities would subscribe them
                # once per activity
                task.sudo().message_subscribe(partner_ids=user.partner_id.ids)
                for day in range(task.phase_id.day_start, task.phase_id.day_end + 1):
                    vals_list.append(
                        {
                            "res_model_id": model_id,
                            "res_id": task.id,
                            "activity_type_id": activity_type.id,
                            "summary": f"{task.name} (T+{day})",
                            "user_id": user.id,
                            "date_deadline": start + timedelta(days=day),
                        }
                    )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)

    def _golive_hypercare_activities(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "golive.task"),
                    ("res_id", "in", self.task_ids.ids),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref("ipai_golive.mail_activity_type_hypercare").id,
                    ),
                ]
            )
        )

    def _golive_stop_hypercare(self):
        self._golive_hypercare_activities().unlink()
