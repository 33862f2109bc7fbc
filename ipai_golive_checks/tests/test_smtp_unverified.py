# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""No password and no message over an SMTP connection whose certificate
failed verification (or was not verified)."""

import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from ._net_servers import CertFactory, SmtpRecorder, start_smtp
from .common import GoliveCase

SMTP_PASSWORD = "Zq7-smtp-Secret-4711"


@tagged("post_install", "-at_install")
class TestSmtpUnverified(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.mail_server"].search([]).active = False
        cls.checks = cls.env["golive.check"]._sync_registry()

    def setUp(self):
        super().setUp()
        self.enterContext(mute_logger("mail.log"))
        certs = CertFactory()
        self.addCleanup(certs.cleanup)
        self.certs = certs
        self.recorder = SmtpRecorder("relay-user", SMTP_PASSWORD)
        controller = start_smtp(self.recorder, tls_context=certs.server_context("smtp"))
        self.addCleanup(controller.stop)
        self.env["ir.mail_server"].create(
            {
                "name": "Loopback relay",
                "smtp_host": "localhost",
                "smtp_port": controller.port,
                "smtp_encryption": "starttls",
                "smtp_authentication": "login",
                "smtp_user": "relay-user",
                "smtp_pass": SMTP_PASSWORD,
            }
        )

    def set_params(self, code, **params):
        self.checks[code].parameters = json.dumps(params)

    def test_probe_never_logs_in_over_an_untrusted_certificate(self):
        # the test CA is not in the system store: verification fails
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "warn", "Loopback relay")
        result = self.results(run)
        self.assertEqual(self.recorder.auth, [])
        self.assertNotIn("AUTH", self.recorder.commands)
        self.assertEqual(result.evidence["withheld"], ["login"])
        self.assertFalse(result.evidence["tls_verified"])
        self.assertIn("login not sent over the unverified connection", result.message)
        # verify_tls off: not verified either, so no login
        self.set_params("mail.smtp_probe", verify_tls=False)
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "warn", "Loopback relay")
        self.assertIn("verify_tls is off", self.results(run).message)
        self.assertEqual(self.recorder.auth, [])
        # trusted (the CA given): the login is tested
        self.set_params("mail.smtp_probe", ca_file=self.certs.ca_file)
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "pass", "Loopback relay")
        self.assertEqual(len(self.recorder.auth), 1)
        self.assertTrue(self.recorder.auth[0]["ok"])

    def test_test_send_sends_nothing_over_an_untrusted_certificate(self):
        self.set_params(
            "mail.test_send", recipient="ops@acme-erp.eu", email_from="erp@acme-erp.eu"
        )
        run = self.run_checks(["mail.test_send"])
        self.assertStatus(run, "mail.test_send", "warn", "ops@acme-erp.eu")
        result = self.results(run)
        self.assertEqual(self.recorder.messages, [])
        self.assertEqual(self.recorder.auth, [])
        self.assertEqual(result.evidence["withheld"], ["login", "message"])
        self.assertIn(
            "login and message not sent over the unverified connection",
            result.message,
        )
