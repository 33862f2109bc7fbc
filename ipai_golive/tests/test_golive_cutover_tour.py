# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import shutil
import tempfile
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, mute_logger


@tagged("post_install", "-at_install")
class TestGoliveCutoverTour(HttpCase):
    def test_golive_cutover_tour(self):
        """Go/No-Go, then Back Up Now, then Go Live, from the checklist form;
        then the queued backup runs as the background job would run it."""
        manager = new_test_user(
            self.env,
            "golive_cutover",
            groups="base.group_user,ipai_golive_checks.group_golive_manager",
        )
        checklist = self.env["golive.checklist"].create(
            {
                "name": "Tour cutover",
                "environment": "staging",
                "date_golive": "2030-12-31",
                "task_ids": [
                    (0, 0, {"name": "Cutover gate", "is_gate": True, "state": "done"})
                ],
            }
        )
        checklist.action_start()
        checklist.action_ready()
        directory = tempfile.mkdtemp(prefix="golive_t13_tour_")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        # the refusal before the decision is a UserError, logged by odoo.http
        with (
            patch.dict(config.options, {"golive_backup_dir": directory}),
            mute_logger("odoo.http"),
        ):
            self.start_tour(
                f"/odoo/action-ipai_golive.golive_checklist_action/{checklist.id}",
                "ipai_golive_cutover_tour",
                login="golive_cutover",
            )
            self.assertEqual(checklist.state, "live")
            decision = checklist.decision_id
            self.assertEqual(decision.decision, "go")
            self.assertEqual(decision.user_id, manager)
            self.assertEqual(decision.comment, "Gates green, rollback rehearsed: go.")
            backup = checklist.backup_id
            self.assertEqual(backup.state, "queued")
            self.assertEqual(backup.user_id, manager)
            self.assertTrue(backup._golive_execute())
        self.assertEqual(backup.state, "done", backup.error)
        self.assertEqual(backup.restore_state, "passed", backup.restore_message)
