# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGoliveEngineHooks(TransactionCase):
    """The app plugs into the engine's extension points; the engine names
    none of the app's models."""

    def _tracking_result(self, models=None):
        check = self.env["golive.check"].search([("code", "=", "security.audit_trail")])
        if models is not None:
            check.parameters = json.dumps({"models": models})
        run = self.env["golive.check.run"]._run_checks(codes=["security.audit_trail"])
        return self.env["golive.check.result"].search(
            [("run_id", "=", run.id), ("object_key", "=", "tracking")]
        )

    def test_audit_trail_adds_the_app_models(self):
        result = self._tracking_result()
        self.assertEqual(result.status, "pass")
        self.assertIn("golive.checklist", result.evidence["tracked"])
        self.assertIn("golive.task", result.evidence["tracked"])
        # the threshold names business models only; the app adds its own
        result = self._tracking_result(["res.groups"])
        self.assertEqual(result.status, "fail")
        self.assertEqual(result.evidence["untracked"], ["res.groups"])
        self.assertEqual(
            sorted(result.evidence["tracked"]), ["golive.checklist", "golive.task"]
        )

    def test_run_checks_takes_the_manifest_by_keyword(self):
        run = self.env["golive.check.run"]._run_checks(
            codes=["manifest.modules_installed"], manifest=False
        )
        result = self.env["golive.check.result"].search([("run_id", "=", run.id)])
        self.assertEqual(result.status, "skipped")
        self.assertEqual(result.message, "The checklist links no ship manifest.")
