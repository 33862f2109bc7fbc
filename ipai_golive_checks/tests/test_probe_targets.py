# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the probes connect is a system administrator's to set; how long
they wait is bounded."""

import json

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.vocabulary import MANAGER_GROUP
from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestProbeTargets(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            login="golive_sysadmin",
            groups=f"base.group_system,{MANAGER_GROUP}",
        )
        cls.checks = cls.env["golive.check"]._sync_registry()
        cls.endpoint = cls.env["golive.check.endpoint"].create(
            {"name": "SMS gateway", "url": "https://sms.example.com/health"}
        )

    def test_endpoint_url_is_a_system_administrators(self):
        Endpoint = self.env["golive.check.endpoint"]
        as_manager = self.endpoint.with_user(self.manager)
        with self.assertRaisesRegex(AccessError, "Only a system administrator"):
            as_manager.write({"url": "http://169.254.169.254/latest/meta-data/"})
        with self.assertRaisesRegex(AccessError, "Only a system administrator"):
            Endpoint.with_user(self.manager).create(
                {"name": "Metadata", "url": "http://10.0.0.1/"}
            )
        # the rest stays the manager's
        as_manager.write({"name": "SMS", "timeout": 10.0})
        self.assertEqual(self.endpoint.name, "SMS")
        self.assertEqual(self.endpoint.sudo().url, "https://sms.example.com/health")
        self.endpoint.with_user(self.admin).write({"url": "https://sms.example.org/"})
        Endpoint.with_user(self.admin).create(
            {"name": "OCR", "url": "https://ocr.example.com/"}
        )
        self.assertEqual(self.endpoint.sudo().url, "https://sms.example.org/")

    def test_address_thresholds_are_a_system_administrators(self):
        health = self.checks["http.health"]
        as_manager = health.with_user(self.manager)
        for key, value in (
            ("base_url", "http://10.0.0.5:8080"),
            ("url", "http://127.0.0.1:5432"),
            ("host", "intranet.local"),
        ):
            with self.subTest(key=key), self.assertRaises(AccessError):
                as_manager.write({"parameters": json.dumps({key: value})})
        self.assertFalse(health.parameters)
        # other thresholds stay the manager's, and so does an unchanged address
        as_manager.write({"parameters": json.dumps({"network_timeout": 10})})
        health.with_user(self.admin).write(
            {"parameters": json.dumps({"base_url": "https://erp.example.com"})}
        )
        as_manager.write(
            {
                "parameters": json.dumps(
                    {"base_url": "https://erp.example.com", "network_timeout": 12}
                )
            }
        )
        with self.assertRaises(AccessError):
            as_manager.write({"parameters": json.dumps({"network_timeout": 12})})
        self.assertEqual(
            json.loads(health.parameters),
            {"base_url": "https://erp.example.com", "network_timeout": 12},
        )

    @mute_logger("odoo.sql_db")
    def test_timeouts_capped_at_30_seconds(self):
        health = self.checks["http.health"]
        with self.assertRaisesRegex(ValidationError, "at most 30 seconds"):
            health.write({"parameters": json.dumps({"network_timeout": 31})})
        health.write({"parameters": json.dumps({"network_timeout": 30})})
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.endpoint.write({"timeout": 30.5})
            self.env.flush_all()
