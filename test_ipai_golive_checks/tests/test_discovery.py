# Copyright 2026 IPAI
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDiscovery(TransactionCase):
    def test_checks_added_by_inheritance(self):
        specs = self.env["golive.check.registry"]._golive_check_specs()
        self.assertIn("test.flag_param", specs)
        self.assertEqual(specs["test.flag_param"].category, "other")
        # synced at install: a record exists with the code's metadata
        check = self.env["golive.check"].search([("code", "=", "test.flag_param")])
        self.assertEqual(check.severity, "high")
        self.assertTrue(check.enabled)
        self.assertFalse(
            self.env["golive.check"].search([("code", "=", "test.crash")]).enabled
        )

    def test_added_check_runs(self):
        icp = self.env["ir.config_parameter"].sudo()
        run_model = self.env["golive.check.run"]
        icp.set_param("test_ipai_golive_checks.flag", "nope")
        run = run_model._run_checks(codes=["test.flag_param"], environment="prod")
        self.assertEqual(run.result_ids.status, "fail")
        self.assertEqual(run.result_ids.object_key, "test_ipai_golive_checks.flag")
        icp.set_param("test_ipai_golive_checks.flag", "ok")
        run = run_model._run_checks(codes=["test.flag_param"], environment="prod")
        self.assertEqual(run.result_ids.status, "pass")
        self.assertEqual(run.score, 100.0)
