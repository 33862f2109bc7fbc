# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, mute_logger

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP


@tagged("post_install", "-at_install")
class TestGoliveTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            "golive_tour",
            groups=f"base.group_user,{MANAGER_GROUP}",
        )

    def test_golive_tour(self):
        """Create a checklist from the template, finish a task, try to go live."""
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

    def test_golive_tour_run_checks_then_go_live(self):
        """Gates bound to passing checks: Run Checks, then Go Live."""
        self.env["ir.config_parameter"].set_param("ir_attachment.location", "file")
        template = self.env["golive.checklist.template"].create(
            {
                "name": "Tour automated gates",
                "phase_ids": [
                    Command.create(
                        {"code": "8", "name": "Go-Live Execution", "anchor": "golive"}
                    )
                ],
            }
        )
        self.env["golive.checklist.template.line"].create(
            [
                {
                    "template_id": template.id,
                    "phase_id": template.phase_ids.id,
                    "name": name,
                    "is_gate": True,
                    "verification_mode": "automated",
                    "check_codes": codes,
                }
                for name, codes in (
                    ("Attachments in the filestore", "params.attachment_location"),
                    ("Database manager hidden", "config.list_db:list_db"),
                )
            ]
        )
        with patch.dict(config.options, {"list_db": False}):
            self.start_tour("/odoo", "ipai_golive_tour_automated", login="golive_tour")
        checklist = self.env["golive.checklist"].search(
            [("name", "=", "Tour automated go-live")]
        )
        self.assertEqual(checklist.state, "live")
        self.assertEqual(checklist.task_ids.mapped("state"), ["done", "done"])
        self.assertFalse(checklist.task_ids.signoff_user_id)
        self.assertEqual(checklist.check_run_id.trigger, "manual")
