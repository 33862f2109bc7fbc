# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestGoliveTour(HttpCase):
    def test_golive_tour(self):
        """Create a checklist from the template, finish a task, try to go live."""
        new_test_user(
            self.env,
            "golive_tour",
            groups="base.group_user,ipai_golive_checks.group_golive_manager",
        )
        # The refusal is a UserError, which odoo.http logs as a warning.
        with mute_logger("odoo.http"):
            self.start_tour("/odoo", "ipai_golive_tour", login="golive_tour")
        checklist = self.env["golive.checklist"].search([("name", "=", "Tour go-live")])
        self.assertEqual(len(checklist), 1)
        self.assertEqual(checklist.state, "ready")
        self.assertEqual(len(checklist.task_ids), 96)
        self.assertEqual(checklist.task_closed_count, 1)
        self.assertAlmostEqual(checklist.progress, 100 / 96)
        self.assertEqual(checklist.gate_status, "red")
