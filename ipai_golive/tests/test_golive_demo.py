# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGoliveDemo(TransactionCase):
    """The demo checklist shows every situation the app deals with."""

    def setUp(self):
        super().setUp()
        self.checklist = self.env.ref(
            "ipai_golive.demo_checklist_aiux", raise_if_not_found=False
        )
        if not self.checklist:
            self.skipTest("Allowed: the database was created without demo data")

    def test_demo_checklist(self):
        checklist = self.checklist
        tasks = checklist.task_ids
        self.assertEqual(checklist.state, "in_progress")
        self.assertEqual(len(tasks), checklist.template_id.line_count)
        done_phases = checklist.phase_ids.filtered(
            lambda p: all(t.state == "done" for t in p.task_ids)
        )
        self.assertEqual(done_phases.mapped("code"), ["0", "1", "2"])
        self.assertTrue(0 < checklist.progress < 100)
        self.assertTrue(checklist.task_overdue_count)
        self.assertEqual(checklist.gate_status, "red")
        blocked_gate = tasks.filtered(lambda t: t.is_gate and t.state == "blocked")
        self.assertEqual(len(blocked_gate), 1)
        waived_gate = tasks.filtered(lambda t: t.is_gate and t.state == "waived")
        self.assertEqual(len(waived_gate), 1)
        self.assertTrue(waived_gate.waive_reason)
        with_files = tasks.filtered("evidence_attachment_ids")
        self.assertEqual(
            with_files.evidence_attachment_ids.name, "aiux_ship_manifest.yml"
        )
        self.assertTrue(with_files.signoff_user_id)
        self.assertTrue(tasks.filtered("evidence_url"))

    def test_demo_manifest_drift(self):
        """The v1.1.0 checklist links the fixed AIUX manifest; its drift shows."""
        manifest = self.checklist.manifest_id
        self.assertEqual(manifest.display_label, "ipai-aiux-bundle 1.1.0")
        self.assertEqual(manifest.module_count, 24)
        results = manifest.check_run_id.result_ids
        theme = results.filtered(
            lambda r: r.code == "manifest.modules_installed"
            and r.object_key == "ipai_theme_aiux"
        )
        self.assertEqual(theme.status, "fail")
        self.assertIn(
            "web.assets_common does not exist in Odoo 18",
            " ".join(results.mapped("message")),
        )
        self.assertTrue(manifest.drift_count)
        row = self.checklist.task_ids.filtered(lambda t: t.name == "ipai_theme_aiux")
        self.assertEqual(
            row._check_bindings()[0], ("manifest.modules_installed", "ipai_theme_aiux")
        )

    def test_demo_other_releases(self):
        live = self.env.ref("ipai_golive.demo_checklist_aiux_100")
        self.assertEqual(live.state, "stabilizing")
        self.assertTrue(live.date_live)
        # ticked by hand, never audited here: only its gates bound to checks
        # are red, until the self-audit runs
        red = live.task_ids.filtered(lambda t: t._is_red_gate())
        self.assertTrue(red)
        self.assertEqual(set(red.mapped("check_status")), {"not_run"})
        self.assertEqual(set(red.mapped("state")), {"done"})
        draft = self.env.ref("ipai_golive.demo_checklist_aiux_120")
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.environment, "staging")
        self.assertEqual(len(draft.task_ids), 96)
