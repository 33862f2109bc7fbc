# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveDeadlines(GoliveCase):
    def test_phase_windows_on_both_anchors(self):
        self.assertEqual(self.phase_kickoff.date_start, date(2026, 1, 5))
        self.assertEqual(self.phase_kickoff.date_end, date(2026, 1, 7))
        self.assertEqual(self.phase_golive.date_start, date(2026, 2, 16))
        self.assertEqual(self.phase_golive.date_end, date(2026, 2, 16))
        self.assertEqual(self.phase_post.date_start, date(2026, 2, 17))
        self.assertEqual(self.phase_post.date_end, date(2026, 3, 2))

    def test_task_deadline_is_phase_end(self):
        self.assertEqual(self.task_plain.date_deadline, date(2026, 1, 7))
        self.assertEqual(self.gate_ci.date_deadline, date(2026, 2, 16))
        self.assertEqual(self.task_post.date_deadline, date(2026, 3, 2))

    def test_deadlines_follow_kickoff_only_on_kickoff_anchor(self):
        self.checklist.date_kickoff = date(2026, 1, 12)
        self.assertEqual(self.task_plain.date_deadline, date(2026, 1, 14))
        self.assertEqual(self.gate_ci.date_deadline, date(2026, 2, 16))

    def test_deadlines_follow_golive_only_on_golive_anchor(self):
        self.checklist.date_golive = date(2026, 3, 2)
        self.assertEqual(self.task_plain.date_deadline, date(2026, 1, 7))
        self.assertEqual(self.gate_ci.date_deadline, date(2026, 3, 2))
        self.assertEqual(self.task_post.date_deadline, date(2026, 3, 16))

    def test_closed_tasks_keep_their_deadline(self):
        self.gate_ci.state = "done"
        self.gate_backup.write({"state": "na", "na_reason": "No database yet"})
        self.task_post.state = "blocked"
        self.checklist.date_golive = date(2026, 3, 2)
        self.assertEqual(self.gate_ci.date_deadline, date(2026, 2, 16))
        self.assertEqual(self.gate_backup.date_deadline, date(2026, 2, 16))
        self.assertEqual(self.task_post.date_deadline, date(2026, 3, 16))

    def test_phase_offsets_move_deadlines(self):
        self.phase_kickoff.day_end = 5
        self.assertEqual(self.task_plain.date_deadline, date(2026, 1, 10))

    @freeze_time("2026-01-08")
    def test_overdue(self):
        Task = self.env["golive.task"]
        self.assertTrue(self.task_plain.is_overdue)
        self.assertFalse(self.gate_ci.is_overdue)
        overdue = Task.search(
            [("checklist_id", "=", self.checklist.id), ("is_overdue", "=", True)]
        )
        self.assertEqual(overdue, self.task_plain)
        not_overdue = Task.search(
            [("checklist_id", "=", self.checklist.id), ("is_overdue", "=", False)]
        )
        self.assertEqual(not_overdue, self.checklist.task_ids - self.task_plain)
        self.assertEqual(self.checklist.task_overdue_count, 1)
        self.task_plain.state = "done"
        self.assertFalse(self.task_plain.is_overdue)

    @freeze_time("2026-01-07")
    def test_due_today_is_not_overdue(self):
        self.assertFalse(self.task_plain.is_overdue)

    def test_golive_before_kickoff_refused(self):
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.checklist.write({"date_golive": date(2026, 1, 1)})
            self.env.flush_all()
