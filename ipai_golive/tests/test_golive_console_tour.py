# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP, USER_GROUP


@tagged("post_install", "-at_install")
class TestGoliveConsoleTour(HttpCase):
    """The main path as a Go-Live Manager and as a Go-Live User."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "golive_console_manager", groups=f"base.group_user,{MANAGER_GROUP}"
        )
        cls.user = new_test_user(
            cls.env, "golive_console_user", groups=f"base.group_user,{USER_GROUP}"
        )
        cls.env["ir.config_parameter"].set_param("ir_attachment.location", "file")
        cls.checklist = cls.env["golive.checklist"].create(
            {
                "name": "Tour console",
                "environment": "staging",
                "date_golive": "2030-12-31",
                "phase_ids": [
                    Command.create({"sequence": 1, "code": "1", "name": "Kickoff"}),
                    Command.create(
                        {
                            "sequence": 8,
                            "code": "8",
                            "name": "Go-Live Execution",
                            "anchor": "golive",
                        }
                    ),
                ],
            }
        )
        kickoff, golive = cls.checklist.phase_ids
        cls.gate, cls.blocked = cls.env["golive.task"].create(
            [
                {
                    "phase_id": golive.id,
                    "name": "Attachments in the filestore",
                    "is_gate": True,
                    "verification_mode": "automated",
                    "check_codes": "params.attachment_location",
                    "user_id": cls.user.id,
                },
                {
                    "phase_id": golive.id,
                    "name": "Data migration rehearsed",
                    "state": "blocked",
                },
            ]
        )
        cls.env["golive.task"].create(
            {"phase_id": kickoff.id, "name": "Kickoff meeting", "state": "done"}
        )

    def test_manager_tour(self):
        self.checklist.action_start()
        self.checklist.action_ready()
        self.start_tour(
            f"/odoo/action-ipai_golive.golive_checklist_action/{self.checklist.id}",
            "ipai_golive_manager_tour",
            login="golive_console_manager",
        )
        self.assertEqual(self.gate.state, "done")
        self.assertEqual(self.gate.check_status, "pass")
        self.assertEqual(self.checklist.decision_id.decision, "go")
        self.assertEqual(self.checklist.decision_id.user_id, self.manager)

    def test_user_tour(self):
        self.checklist.action_start()
        self.start_tour(
            "/odoo/golive-my-tasks",
            "ipai_golive_user_tour",
            login="golive_console_user",
        )
        self.assertEqual(self.gate.state, "done")
        self.assertEqual(self.gate.check_status, "pass")
        # one task's checks: the checklist's audit is left as it was
        self.assertFalse(self.checklist.check_run_id)
