# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import GoliveCase, field_spec

# Queries of one web_read of the checklist form, whatever its number of tasks
# (two of them read its releases: their count and their list; one finds the
# latest complete audit, whose score is the database's; one reads its
# rollbacks, in the Rollback tab; two read its phases and their figures, for
# the Tasks tab's table of phases).
FORM_READ_QUERIES = 20


@tagged("post_install", "-at_install")
class TestGoliveProgress(GoliveCase):
    def test_progress_math(self):
        checklist = self.checklist
        self.assertEqual(checklist.task_count, 4)
        self.assertEqual(checklist.progress, 0)
        self.assertEqual(checklist.gate_status, "red")
        self.assertEqual(checklist.gate_red_count, 2)
        self.task_plain.state = "done"
        self.assertEqual(checklist.progress, 25)
        # n/a leaves the denominator: 1 done of 3 applicable.
        self.task_post.write({"state": "na", "na_reason": "No hypercare here"})
        self.assertAlmostEqual(checklist.progress, 100 / 3)
        self.gate_ci.state = "done"
        self.gate_backup.with_user(self.manager)._waive("PITR backups")
        self.assertEqual(checklist.progress, 100)
        self.assertEqual(checklist.task_closed_count, 3)
        self.assertEqual(checklist.gate_status, "green")
        self.assertEqual(checklist.gate_red_count, 0)
        # In progress and blocked tasks do not count.
        self.task_plain.state = "in_progress"
        self.gate_ci.state = "blocked"
        self.assertAlmostEqual(checklist.progress, 100 / 3)
        self.assertEqual(checklist.gate_status, "red")

    def test_no_tasks_no_gates(self):
        empty = self.env["golive.checklist"].create(
            {"name": "Empty", "date_golive": "2030-01-01"}
        )
        self.assertEqual(empty.progress, 0)
        self.assertEqual(empty.gate_status, "none")

    def test_progress_of_several_checklists_at_once(self):
        other = self.checklist.copy({"name": "Other"})
        self._create_task(other.phase_ids[0], "Only task", state="done")
        checklists = self.checklist | other
        checklists.invalidate_recordset()
        self.assertEqual(checklists.mapped("progress"), [0, 100])

    def _checklist_with_tasks(self, count):
        checklist = self.checklist.copy({"name": f"{count} tasks"})
        phases = checklist.phase_ids
        self.env["golive.task"].create(
            [
                {
                    "phase_id": phases[i % len(phases)].id,
                    "name": f"Task {i}",
                    "is_gate": not i % 3,
                    "state": ("todo", "done", "blocked", "waived", "na")[i % 5],
                    # an N/A task says why, on creation as on edition
                    "na_reason": i % 5 == 4 and "Does not apply",
                    "user_id": (self.user, self.manager)[i % 2].id,
                }
                for i in range(count)
            ]
        )
        return checklist.with_user(self.user)

    def _read_form(self, checklist, spec):
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        result = checklist.web_read(spec)
        return self.cr.sql_log_count - before, result

    def test_form_read_query_count_is_flat(self):
        """Reading the form costs the same queries at 10 and at 200 tasks."""
        Checklist = self.env["golive.checklist"].with_user(self.user)
        arch = Checklist.get_views([(False, "form")])["views"]["form"]["arch"]
        spec = field_spec(Checklist, arch)
        self.assertIn("gate_status", spec)
        self.assertIn("phase_id", spec["task_ids"]["fields"])
        small = self._checklist_with_tasks(10)
        large = self._checklist_with_tasks(200)
        self._read_form(self.checklist.with_user(self.user), spec)  # warm caches
        small_count, small_result = self._read_form(small, spec)
        large_count, large_result = self._read_form(large, spec)
        self.assertEqual(len(small_result[0]["task_ids"]), 10)
        self.assertEqual(len(large_result[0]["task_ids"]), 200)
        self.assertEqual(small_count, large_count)
        for checklist in (small, large):
            self.env.invalidate_all()
            with self.assertQueryCount(FORM_READ_QUERIES):
                checklist.web_read(spec)
