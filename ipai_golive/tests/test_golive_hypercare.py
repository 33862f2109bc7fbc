# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveHypercare(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_post.write({"frequency": "Daily", "user_id": cls.user.id})
        cls.task_errors = cls._create_task(
            cls.phase_post, "Error rate monitoring", frequency="daily"
        )
        cls.task_once = cls._create_task(
            cls.phase_post, 'Close "known issues" from staging', frequency="Once"
        )
        cls.checklist.ops_user_id = cls.manager
        cls.hypercare = cls.env.ref("ipai_golive.mail_activity_type_hypercare")

    def _go_live(self, checklist=None):
        checklist = checklist or self.checklist
        checklist.with_user(self.user).action_start()
        checklist.with_user(self.user).action_ready()
        checklist.task_ids.filtered("is_gate").write({"state": "done"})
        self._decide_go(checklist)
        checklist.with_user(self.manager).action_go_live()

    def _activities(self, task):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "golive.task"),
                ("res_id", "=", task.id),
                ("activity_type_id", "=", self.hypercare.id),
            ],
            order="date_deadline",
        )

    def test_daily_routines_get_one_activity_a_day_from_t1_to_t14(self):
        self._go_live()
        activities = self._activities(self.task_post)
        start = fields.Date.to_date(self.checklist.date_live)
        self.assertEqual(
            activities.mapped("date_deadline"),
            [start + timedelta(days=day) for day in range(1, 15)],
        )
        self.assertEqual(activities.user_id, self.user)
        self.assertEqual(activities[0].summary, "Daily health review (T+1)")
        self.assertEqual(activities[-1].summary, "Daily health review (T+14)")
        # no responsible: the ops of the checklist
        self.assertEqual(len(self._activities(self.task_errors)), 14)
        self.assertEqual(self._activities(self.task_errors).user_id, self.manager)
        self.assertFalse(self._activities(self.task_once))
        self.assertFalse(self._activities(self.gate_ci))

    def test_closing_stops_the_routines(self):
        self._go_live()
        other = self.task_post.activity_schedule(
            "mail.mail_activity_data_todo", summary="Not hypercare"
        )
        self.checklist.with_user(self.user).action_stabilize()
        self.assertEqual(len(self._activities(self.task_post)), 14)
        self.checklist.with_user(self.manager).action_close()
        self.assertFalse(self._activities(self.task_post))
        self.assertFalse(self._activities(self.task_errors))
        self.assertTrue(other.exists(), "other activities stay")

    def test_abort_stops_the_routines_and_records_the_rollback(self):
        # staging: the demo's production go-lives stay out of the way
        self.checklist.environment = "staging"
        previous = self.env["golive.checklist"].create(
            {
                "name": "ACME v1.0.0",
                "release_tag": "v1.0.0",
                "environment": "staging",
                "date_kickoff": "2025-10-01",
                "date_golive": "2025-12-01",
            }
        )
        self._go_live(previous)
        previous.date_live -= timedelta(days=60)
        previous.with_user(self.manager).action_close()
        self._go_live()
        backup = (
            self.env["golive.backup"]
            .sudo()
            .create(
                {
                    "checklist_id": self.checklist.id,
                    "state": "done",
                    "name": "acme-20260216",
                    "dump_path": "/backups/acme-20260216.dump",
                }
            )
        )
        action = self.checklist.with_user(self.manager).action_abort()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Invoices fail to post: rolled back"})
        )
        self.assertEqual(wizard.previous_id, previous)
        self.assertEqual(wizard.previous_release_ref, "v1.0.0")
        self.assertEqual(wizard.backup_id, backup)
        wizard.action_confirm()
        self.assertEqual(self.checklist.state, "aborted")
        self.assertEqual(
            self.checklist.abort_reason, "Invoices fail to post: rolled back"
        )
        self.assertEqual(self.checklist.rollback_previous_id, previous)
        self.assertEqual(self.checklist.rollback_release_ref, "v1.0.0")
        self.assertEqual(self.checklist.rollback_backup_id, backup)
        self.assertFalse(self._activities(self.task_post))
        # back to draft, the rollback record is cleared with the reason
        self.checklist.with_user(self.manager).action_reset_draft()
        self.assertFalse(self.checklist.rollback_previous_id)
        self.assertFalse(self.checklist.rollback_backup_id)
