# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import GoliveCase, field_spec

ACTIONS = (
    "ipai_golive.golive_checklist_action",
    "ipai_golive.golive_task_action",
    "ipai_golive.golive_task_action_my",
    "ipai_golive.golive_checklist_template_action",
)


@tagged("post_install", "-at_install")
class TestGoliveViews(GoliveCase):
    """Every view of the app loads and reads for a Go-Live User."""

    def test_views_load_and_read_for_user(self):
        for xmlid in ACTIONS:
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].with_user(self.user)
            modes = action.view_mode.split(",")
            views = model.get_views(
                [(False, mode) for mode in modes] + [(False, "search")]
            )
            for mode in modes:
                with self.subTest(action=xmlid, view=mode):
                    arch = views["views"][mode]["arch"]
                    spec = field_spec(model, arch)
                    if mode == "form":
                        records = model.search([], limit=1)
                        self.assertTrue(records.web_read(spec))
                    elif mode in ("list", "kanban"):
                        result = model.web_search_read([], spec, limit=80)
                        self.assertTrue(result["length"])

    def test_smart_buttons_for_user(self):
        checklist = self.checklist.with_user(self.user)
        for method in (
            checklist.action_view_tasks,
            checklist.action_view_overdue_tasks,
            checklist.action_view_red_gates,
        ):
            action = method()
            tasks = (
                self.env["golive.task"].with_user(self.user).search(action["domain"])
            )
            self.assertTrue(tasks <= self.checklist.task_ids)
        red_action = checklist.action_view_red_gates()
        red = self.env["golive.task"].search(red_action["domain"])
        self.assertEqual(red, self.gate_ci | self.gate_backup)

    def test_task_grouped_by_phase_for_user(self):
        groups = (
            self.env["golive.task"]
            .with_user(self.user)
            .web_read_group(
                [("checklist_id", "=", self.checklist.id)], ["state"], ["phase_id"]
            )
        )
        self.assertEqual(
            [g["phase_id"][1] for g in groups["groups"]],
            ["1) Kickoff", "8) Go-Live Execution", "9) Post Go-Live"],
        )
