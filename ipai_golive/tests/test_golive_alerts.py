# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveAlerts(GoliveCase):
    """The company's alert recipients hear of red gates and failing audits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recipient = cls.env["res.partner"].create(
            {"name": "Ops on call", "email": "oncall@example.com"}
        )
        cls.env.company.golive_alert_partner_ids = cls.recipient

    def _alerts(self):
        return self.checklist.message_ids.filtered(
            lambda m: self.recipient in m.partner_ids
        )

    def test_gate_turning_red_alerts(self):
        self.gate_ci.state = "done"
        self.gate_backup.state = "done"
        self.assertEqual(self.checklist.gate_status, "green")
        self.assertFalse(self._alerts())
        self.gate_backup.with_user(self.user).action_todo()
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertIn("Backup taken right before cutover", alert.body)
        self.assertNotIn("CI gates green", alert.body)
        # Already red: no second alert.
        self.gate_ci.with_user(self.user).action_block()
        self.assertEqual(len(self._alerts()), 1)

    def test_red_from_the_start_is_no_news(self):
        self.gate_ci.with_user(self.user).action_block()
        self.assertFalse(self._alerts())

    def test_failing_audit_alerts_passing_does_not(self):
        self.task_plain.check_codes = "config.list_db"
        with patch.dict(config.options, {"list_db": False}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertFalse(self._alerts())
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertIn("Ship manifest finalized", alert.body)

    def test_settings_edit_recipients(self):
        other = self.env["res.partner"].create({"name": "CFO"})
        settings = self.env["res.config.settings"].create(
            {"golive_alert_partner_ids": [(6, 0, other.ids)]}
        )
        settings.execute()
        self.assertEqual(self.env.company.golive_alert_partner_ids, other)
