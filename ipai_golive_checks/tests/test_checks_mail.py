# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ._net_servers import CertFactory, SmtpRecorder, free_port, start_smtp
from .common import GoliveCase

SMTP_PASSWORD = "Zq7-smtp-Secret-4711"


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestChecksMail(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.mail_server"].search([]).active = False
        cls.checks = cls.env["golive.check"]._sync_registry()

    def setUp(self):
        super().setUp()
        self.controllers = []
        self.enterContext(mute_logger("mail.log"))
        self.addCleanup(self._stop_controllers)

    def _stop_controllers(self):
        for controller in self.controllers:
            controller.stop()

    def smtp(self, login=None, password=None, **kwargs):
        recorder = SmtpRecorder(login, password)
        controller = start_smtp(recorder, **kwargs)
        self.controllers.append(controller)
        return recorder, controller.port

    def mail_server(self, port, **values):
        return self.env["ir.mail_server"].create(
            dict(
                {
                    "name": "Loopback relay",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": port,
                    "smtp_encryption": "none",
                    "smtp_authentication": "login",
                },
                **values,
            )
        )

    def set_params(self, code, **params):
        self.checks[code].parameters = json.dumps(params)

    def test_outgoing_server(self):
        with patch.dict(config.options, {"smtp_server": "localhost", "smtp_port": 25}):
            run = self.run_checks(["mail.outgoing_server"])
            self.assertFinding(
                run,
                "mail.outgoing_server",
                "fail",
                "No active outgoing mail server: Odoo would try localhost:25.",
                "ir.mail_server",
                smtp_server="localhost",
            )
        # an explicit local server (a local MTA relaying out): warn, the
        # smtp_probe decides
        for host in ("127.0.0.1", "0.0.0.0", "relay.local"):
            with patch.dict(config.options, {"smtp_server": host, "smtp_port": 2525}):
                run = self.run_checks(["mail.outgoing_server"])
                self.assertFinding(
                    run,
                    "mail.outgoing_server",
                    "warn",
                    "No outgoing mail server record; the server options send "
                    f"through the local server {host}:2525: make sure it relays "
                    "out (see mail.smtp_probe).",
                    "ir.mail_server",
                    smtp_server=host,
                    smtp_port=2525,
                )
        with patch.dict(config.options, {"smtp_server": "smtp.example.net"}):
            run = self.run_checks(["mail.outgoing_server"])
            self.assertStatus(run, "mail.outgoing_server", "pass")
        self.mail_server(25)
        with patch.dict(config.options, {"smtp_server": "localhost"}):
            run = self.run_checks(["mail.outgoing_server"])
        self.assertStatus(run, "mail.outgoing_server", "pass")
        self.assertEqual(
            self.results(run).evidence["servers"][0]["name"], "Loopback relay"
        )

    def test_smtp_probe_without_auth(self):
        recorder, port = self.smtp()
        self.mail_server(port)
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "pass", "Loopback relay")
        self.assertEqual(recorder.commands, ["EHLO", "QUIT"])
        self.assertEqual(recorder.auth, [])
        evidence = self.results(run).evidence
        self.assertEqual(evidence["steps"], ["connect", "ehlo", "quit"])
        self.assertFalse(evidence["login"])

    def test_smtp_probe_with_auth(self):
        recorder, port = self.smtp("relay-user", SMTP_PASSWORD)
        server = self.mail_server(port, smtp_user="relay-user", smtp_pass=SMTP_PASSWORD)
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "pass", "Loopback relay")
        self.assertEqual(recorder.commands, ["EHLO", "AUTH", "QUIT"])
        self.assertEqual(recorder.auth[0]["login"], "relay-user")
        self.assertTrue(recorder.auth[0]["ok"])
        self.assertIn("login", self.results(run).evidence["steps"])

        server.smtp_pass = "not-the-password"
        recorder.commands.clear()
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "fail", "Loopback relay")
        result = self.results(run)
        self.assertEqual(result.evidence["failed_step"], "login")
        self.assertIn("535", result.message)
        self.assertFalse(recorder.auth[-1]["ok"])
        self.assertEqual(recorder.commands, ["EHLO", "AUTH"])

    def test_smtp_probe_starttls(self):
        certs = CertFactory()
        self.addCleanup(certs.cleanup)
        recorder, port = self.smtp(tls_context=certs.server_context("smtp"))
        self.mail_server(port, smtp_host="localhost", smtp_encryption="starttls")
        self.set_params("mail.smtp_probe", ca_file=certs.ca_file)
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "pass", "Loopback relay")
        evidence = self.results(run).evidence
        self.assertTrue(evidence["tls_verified"])
        self.assertIn("starttls", evidence["steps"])
        self.assertEqual(recorder.ehlo_tls, [False, True])
        # Not trusted by the system store: the session still completes (Odoo
        # does not verify the SMTP certificate), flagged as a warning.
        self.set_params("mail.smtp_probe")
        recorder.commands.clear()
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "warn", "Loopback relay")
        self.assertIn("certificate", self.results(run).evidence["tls_error"])
        self.assertEqual(recorder.commands[-1], "QUIT")

    def test_smtp_probe_unreachable(self):
        self.mail_server(free_port())
        run = self.run_checks(["mail.smtp_probe"])
        self.assertStatus(run, "mail.smtp_probe", "fail", "Loopback relay")
        self.assertEqual(self.results(run).evidence["failed_step"], "connect")

    def test_exceptions(self):
        self.env["mail.mail"].search([("state", "=", "exception")]).unlink()
        run = self.run_checks(["mail.exceptions"])
        self.assertStatus(run, "mail.exceptions", "pass")
        mail = self.env["mail.mail"].create(
            {
                "subject": "Invoice",
                "email_to": "customer@example.com",
                "state": "exception",
                "failure_type": "mail_smtp",
                "failure_reason": "Connection refused",
            }
        )
        run = self.run_checks(["mail.exceptions"])
        self.assertStatus(run, "mail.exceptions", "warn")
        evidence = self.results(run).evidence
        self.assertEqual(evidence["count"], 1)
        self.assertEqual(evidence["latest"][0]["id"], mail.id)
        self.assertEqual(evidence["types"], {"mail_smtp": 1})
        self.set_params("mail.exceptions", fail_count=1)
        run = self.run_checks(["mail.exceptions"])
        self.assertStatus(run, "mail.exceptions", "fail")
        # Older than the window: not counted.
        self.env.cr.execute(
            "UPDATE mail_mail SET write_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=30), mail.id),
        )
        mail.invalidate_recordset()
        run = self.run_checks(["mail.exceptions"])
        self.assertStatus(run, "mail.exceptions", "pass")

    def test_alias_domain(self):
        company = self.env.company
        domain = self.env["mail.alias.domain"].create({"name": "acme-erp.eu"})
        self.env["res.company"].search([]).alias_domain_id = domain
        run = self.run_checks(["mail.alias_domain"])
        self.assertStatus(run, "mail.alias_domain", "pass", company.name)
        result = self.results(run).filtered(lambda r: r.object_key == company.name)
        self.assertEqual(result.evidence["catchall"], "catchall@acme-erp.eu")
        self.assertEqual(result.evidence["default_from"], "notifications@acme-erp.eu")

        domain.default_from = False
        run = self.run_checks(["mail.alias_domain"])
        self.assertStatus(run, "mail.alias_domain", "fail", company.name)
        self.assertIn("default from", self.results(run)[0].message)

        domain.write({"default_from": "notifications", "name": "example.com"})
        run = self.run_checks(["mail.alias_domain"])
        self.assertStatus(run, "mail.alias_domain", "fail", company.name)

        company.alias_domain_id = False
        run = self.run_checks(["mail.alias_domain"])
        self.assertStatus(run, "mail.alias_domain", "fail", company.name)

    def test_test_send(self):
        self.assertFalse(self.checks["mail.test_send"].enabled)
        recorder, port = self.smtp("relay-user", SMTP_PASSWORD)
        self.mail_server(port, smtp_user="relay-user", smtp_pass=SMTP_PASSWORD)
        run = self.run_checks(["mail.test_send"])
        self.assertStatus(run, "mail.test_send", "skipped")
        self.assertEqual(recorder.commands, [])

        self.set_params(
            "mail.test_send",
            recipient="ops@acme-erp.eu",
            email_from="erp@acme-erp.eu",
        )
        run = self.run_checks(["mail.test_send"])
        self.assertStatus(run, "mail.test_send", "pass", "ops@acme-erp.eu")
        self.assertEqual(len(recorder.messages), 1)
        received = recorder.messages[0]
        self.assertEqual(received["rcpt_tos"], ["ops@acme-erp.eu"])
        self.assertEqual(received["mail_from"], "erp@acme-erp.eu")
        self.assertIn("X-Golive-Check: mail.test_send", received["content"])
        evidence = self.results(run).evidence
        self.assertIn(evidence["message_id"], received["content"])

        recorder.reject.add("nobody@acme-erp.eu")
        self.set_params("mail.test_send", recipient="nobody@acme-erp.eu")
        run = self.run_checks(["mail.test_send"])
        self.assertStatus(run, "mail.test_send", "fail", "nobody@acme-erp.eu")
        self.assertIn("550", self.results(run).message)
        self.assertEqual(len(recorder.messages), 1)

    def test_test_send_server_choice(self):
        """The server Odoo would use for this sender (from_filter), and the
        Message-Id domain of a "Name <address>" sender."""
        recorder, port = self.smtp()
        other, other_port = self.smtp()
        # first in sequence, but for another domain: Odoo does not pick it
        self.mail_server(
            other_port, name="Other relay", sequence=1, from_filter="other.example.eu"
        )
        self.mail_server(port, name="Acme relay", sequence=2, from_filter="acme-erp.eu")
        self.set_params(
            "mail.test_send",
            recipient="ops@acme-erp.eu",
            email_from="ERP <erp@acme-erp.eu>",
        )
        run = self.run_checks(["mail.test_send"])
        self.assertStatus(run, "mail.test_send", "pass", "ops@acme-erp.eu")
        evidence = self.results(run).evidence
        self.assertEqual(evidence["server"], "Acme relay")
        self.assertEqual(evidence["envelope_from"], "erp@acme-erp.eu")
        self.assertTrue(evidence["message_id"].endswith("@acme-erp.eu>"))
        self.assertEqual(other.messages, [])
        self.assertEqual(len(recorder.messages), 1)
        self.assertEqual(recorder.messages[0]["mail_from"], "erp@acme-erp.eu")
        # an explicit server threshold wins over Odoo's choice
        self.set_params(
            "mail.test_send",
            recipient="ops@acme-erp.eu",
            email_from="ERP <erp@acme-erp.eu>",
            server="Other relay",
        )
        run = self.run_checks(["mail.test_send"])
        self.assertStatus(run, "mail.test_send", "pass", "ops@acme-erp.eu")
        self.assertEqual(len(other.messages), 1)

    def test_secrets_never_stored_nor_logged(self):
        recorder, port = self.smtp("relay-user", SMTP_PASSWORD)
        server = self.mail_server(port, smtp_user="relay-user", smtp_pass=SMTP_PASSWORD)
        self.set_params("mail.test_send", recipient="ops@acme-erp.eu")
        collector = _LogCollector()
        root = logging.getLogger()
        root.addHandler(collector)
        # Logger levels filter records before any handler sees them: our
        # loggers' INFO and DEBUG lines must reach the collector too.
        ours = logging.getLogger("odoo.addons.ipai_golive_checks")
        self.addCleanup(ours.setLevel, ours.level)
        ours.setLevel(logging.DEBUG)
        try:
            runs = self.run_checks(["mail.smtp_probe", "mail.test_send"])
            server.smtp_pass = SMTP_PASSWORD + "-wrong"
            runs |= self.run_checks(["mail.smtp_probe", "mail.test_send"])
        finally:
            root.removeHandler(collector)
        self.assertEqual(len(recorder.auth), 4)
        results = self.results(runs[0]) | self.results(runs[1])
        statuses = results.mapped("status")
        self.assertIn("pass", statuses)
        self.assertIn("fail", statuses)
        for result in results:
            stored = json.dumps(
                [result.message, result.object_key, result.evidence], default=str
            )
            self.assertNotIn(SMTP_PASSWORD, stored)
        for run in runs:
            report = json.dumps(run._golive_report_data(), default=str)
            self.assertNotIn(SMTP_PASSWORD, report)
        self.assertFalse([line for line in collector.lines if SMTP_PASSWORD in line])
