# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestChecksParams(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()

    def test_base_url(self):
        self.icp.set_param("web.base.url", "https://erp.example.com")
        run = self.run_checks(["params.base_url"])
        self.assertStatus(run, "params.base_url", "pass", "web.base.url")
        for url in (
            "http://erp.example.com",
            "https://localhost:8069",
            "https://127.0.0.1",
        ):
            self.icp.set_param("web.base.url", url)
            run = self.run_checks(["params.base_url"])
            self.assertStatus(run, "params.base_url", "fail", "web.base.url")
        # not judged as hard in dev
        run = self.run_checks(["params.base_url"], environment="dev")
        self.assertEqual(self.results(run).severity, "info")

    def test_base_url_freeze(self):
        self.icp.set_param("web.base.url.freeze", "True")
        self.assertStatus(
            self.run_checks(["params.base_url_freeze"]),
            "params.base_url_freeze",
            "pass",
        )
        for value, stored in ((False, False), ("0", "0")):  # absent, or false
            self.icp.set_param("web.base.url.freeze", value)
            self.assertFinding(
                self.run_checks(["params.base_url_freeze"]),
                "params.base_url_freeze",
                "fail",
                "web.base.url is not frozen: the next administrator login rewrites it.",
                "web.base.url.freeze",
                value=stored,
            )

    def test_attachment_location(self):
        self.icp.set_param("ir_attachment.location", False)
        code = "params.attachment_location"
        self.assertStatus(self.run_checks([code]), code, "pass")
        self.icp.set_param("ir_attachment.location", "file")
        self.assertStatus(self.run_checks([code]), code, "pass")
        self.icp.set_param("ir_attachment.location", "db")
        run = self.run_checks([code])
        self.assertStatus(run, code, "fail")
        self.assertEqual(self.results(run).evidence, {"location": "db"})

    def test_no_enterprise_params(self):
        code = "params.no_enterprise_params"
        self.assertStatus(self.run_checks([code]), code, "pass")
        self.icp.set_param("database.expiration_date", "2026-12-31 00:00:00")
        self.icp.set_param("database.enterprise_code", "M123456789")
        run = self.run_checks([code])
        self.assertEqual(
            self.statuses(run, code),
            {"database.expiration_date": "fail", "database.enterprise_code": "fail"},
        )

    def test_neutralized(self):
        code = "params.neutralized"
        self.icp.set_param("database.is_neutralized", False)
        self.assertStatus(self.run_checks([code], environment="prod"), code, "pass")
        self.assertFinding(
            self.run_checks([code], environment="staging"),
            code,
            "fail",
            "This staging database is not neutralized: it may send mail and call "
            "external services as production.",
            "database.is_neutralized",
            neutralized=False,
            environment="staging",
        )
        self.icp.set_param("database.is_neutralized", True)
        self.assertStatus(self.run_checks([code], environment="staging"), code, "pass")
        run = self.run_checks([code], environment="prod")
        self.assertFinding(
            run,
            code,
            "fail",
            "The production database is neutralized: mail and crons are disabled.",
            "database.is_neutralized",
            neutralized=True,
            environment="prod",
        )
        self.assertEqual(self.results(run).severity, "critical")
