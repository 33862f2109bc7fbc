# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveTemplate(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["golive.checklist.template"].create(
            {
                "name": "Mini",
                "phase_ids": [
                    Command.create(
                        {"sequence": 1, "code": "1", "name": "Kickoff", "day_end": 2}
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "code": "8",
                            "name": "T-0",
                            "anchor": "golive",
                        }
                    ),
                ],
            }
        )
        kickoff, golive = cls.template.phase_ids
        cls.env["golive.checklist.template.line"].create(
            [
                {
                    "template_id": cls.template.id,
                    "phase_id": kickoff.id,
                    "section": "1.1",
                    "name": "Ship manifest finalized",
                    "verification": "cat aiux_ship_manifest.yml",
                },
                {
                    "template_id": cls.template.id,
                    "phase_id": golive.id,
                    "section": "8.1",
                    "name": "Backup taken right before cutover",
                    "is_gate": True,
                    "verification": "`pg_dump` timestamp",
                    "check_codes": "storage.backup",
                },
            ]
        )

    def test_create_checklist_from_template(self):
        checklist = self.template.with_user(self.user)._create_checklist(
            {
                "name": "From template",
                "date_kickoff": date(2026, 1, 5),
                "date_golive": date(2026, 2, 16),
            }
        )
        self.assertEqual(checklist.template_id, self.template)
        self.assertEqual(checklist.phase_ids.mapped("code"), ["1", "8"])
        tasks = checklist.task_ids.sorted()
        self.assertEqual(tasks.mapped("name"), self.template.line_ids.mapped("name"))
        self.assertEqual(tasks.mapped("phase_id.code"), ["1", "8"])
        self.assertEqual(tasks[1].verification, "`pg_dump` timestamp")
        self.assertEqual(tasks[1].check_codes, "storage.backup")
        self.assertTrue(tasks[1].is_gate)
        self.assertEqual(
            tasks.mapped("date_deadline"), [date(2026, 1, 7), date(2026, 2, 16)]
        )
        self.assertEqual(checklist.gate_status, "red")

    def test_wizard_creates_checklist_for_a_user(self):
        action = self.template.with_user(self.user).action_create_checklist()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user)
            .with_context(**action["context"])
            .create(
                {
                    "name": "Wizard go-live",
                    "environment": "staging",
                    "release_tag": "v2.0.0",
                    "date_golive": date(2030, 1, 1),
                    "architecture": "split",
                    "cutover_strategy": "phased",
                }
            )
        )
        self.assertEqual(wizard.template_id, self.template)
        result = wizard.action_create()
        checklist = self.env["golive.checklist"].browse(result["res_id"])
        self.assertEqual(checklist.name, "Wizard go-live")
        self.assertEqual(checklist.environment, "staging")
        self.assertEqual(checklist.architecture, "split")
        self.assertEqual(checklist.cutover_strategy, "phased")
        self.assertEqual(checklist.create_uid, self.user)
        self.assertEqual(len(checklist.task_ids), 2)

    def test_copy_keeps_phases_and_tasks(self):
        copy = self.template.copy({"name": "Mine"})
        self.assertEqual(copy.phase_ids.mapped("code"), ["1", "8"])
        self.assertEqual(
            copy.line_ids.mapped("name"), self.template.line_ids.mapped("name")
        )
        self.assertEqual(copy.line_ids.phase_id, copy.phase_ids)
        self.assertEqual(copy.line_ids[1].check_codes, "storage.backup")
        self.assertEqual(len(self.template.line_ids), 2)

    def test_template_without_phases_refused(self):
        empty = self.env["golive.checklist.template"].create({"name": "Empty"})
        with self.assertUserError("Template Empty has no phases."):
            empty._create_checklist({"name": "x", "date_golive": date(2026, 2, 16)})
        self.assertFalse(self.env["golive.checklist"].search([("name", "=", "x")]))

    def test_settings_defaults(self):
        settings = self.env["res.config.settings"].create(
            {"golive_default_environment": "staging", "golive_freeze_days": 5}
        )
        settings.execute()
        checklist = self.env["golive.checklist"].create(
            {"name": "Defaults", "date_golive": date(2030, 1, 1)}
        )
        self.assertEqual(checklist.environment, "staging")
        self.assertEqual(checklist.freeze_days, 5)
