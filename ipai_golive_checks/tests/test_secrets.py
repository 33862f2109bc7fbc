# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from ..tools.report_formats import render
from ..tools.secrets import MASK, mask, mask_text
from ..tools.vocabulary import FORMATS
from .common import GoliveCase

SMTP_PASSWORD = "Smtp-Pa55-Planted-7f3"
ADMIN_PASSWD = "Master-Plain-Planted-9k2"
DB_PASSWORD = "Db-Pa55-Planted-4q8"
URL_TOKEN = "UrlToken-Planted-1x9"
URL_PASSWORD = "UrlPass-Planted-5m6"
API_KEY = "ApiKey-Planted-3z7"
SECRETS = (SMTP_PASSWORD, ADMIN_PASSWD, DB_PASSWORD, URL_TOKEN, URL_PASSWORD, API_KEY)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestSecrets(GoliveCase):
    def test_mask_function(self):
        self.assertEqual(
            mask({"smtp_pass": "x1", "ok": True}), {"smtp_pass": MASK, "ok": True}
        )
        self.assertEqual(
            mask_text("https://bob:hunter2@example.com/x?token=abc&page=2"),
            f"https://bob:{MASK}@example.com/x?token={MASK}&page=2",
        )
        self.assertEqual(mask_text("api_key=abc123 size=4"), f"api_key={MASK} size=4")
        self.assertEqual(
            mask_text("the value Zebra-42 leaks", ["Zebra-42"]),
            f"the value {MASK} leaks",
        )
        # common words are not "known secrets": messages stay readable
        self.assertEqual(
            mask_text("admin_passwd is admin", ["admin"]), "admin_passwd is admin"
        )
        nested = mask({"servers": [{"user": "u", "password": "p1"}], "n": 3})
        self.assertEqual(nested, {"servers": [{"user": "u", "password": MASK}], "n": 3})

    def test_planted_secrets_never_reach_outputs(self):
        self.env["ir.mail_server"].create(
            {
                "name": "Planted SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": 2525,
                "smtp_user": "mailer",
                "smtp_pass": SMTP_PASSWORD,
            }
        )
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("test_ipai_golive_checks.api_key", API_KEY)
        icp.set_param(
            "web.base.url",
            f"https://ops:{URL_PASSWORD}@erp.example.com/web?token={URL_TOKEN}",
        )
        # The HTTP checks call this very server, which cannot answer requests
        # while the test transaction holds its locks; the mail checks stay (the
        # SMTP probe meets a closed port on loopback with the planted password).
        self.env["golive.check"].search(
            [("category", "=", "http"), ("tags", "ilike", "network")]
        ).enabled = False
        collector = _Collect()
        root = logging.getLogger()
        root.addHandler(collector)
        # Whatever the runner's log level (odoo-bin, pytest-odoo), our
        # loggers' INFO and DEBUG lines must reach the collector too.
        ours = logging.getLogger("odoo.addons.ipai_golive_checks")
        self.addCleanup(ours.setLevel, ours.level)
        ours.setLevel(logging.DEBUG)
        try:
            with patch.dict(
                config.options,
                {"admin_passwd": ADMIN_PASSWD, "db_password": DB_PASSWORD},
            ):
                run = self.run_checks(
                    ["test.leaky", "params.base_url", "config.admin_passwd"]
                )
                cron_run = self.Run._cron_self_audit()
                data = run._golive_report_data()
                rendered = {fmt: render(data, fmt) for fmt in FORMATS}
                waiver = self.env["golive.waiver"].create(
                    {
                        "check_id": self.results(run, "test.leaky").check_id.id,
                        "object_key": self.results(run, "test.leaky").object_key,
                        "reason": "Accepted for the test",
                    }
                )
                waiver.reason = "Changed reason"
                self.env.flush_all()
        finally:
            root.removeHandler(collector)
        leaky = self.results(run, "test.leaky")
        # the check did try: its evidence has the masked shape of the secrets
        self.assertEqual(leaky.evidence["options"]["admin_passwd"], MASK)
        self.assertEqual(leaky.evidence["smtp"][0]["password"], MASK)
        self.assertEqual(leaky.evidence["smtp"][0]["user"], "mailer")
        self.assertIn("erp.example.com", leaky.evidence["url"])
        outputs = {
            "results": json.dumps(
                self.results(run).read(["message", "evidence", "object_key"]),
                default=str,
            ),
            "cron results": json.dumps(
                self.results(cron_run).read(["message", "evidence"]), default=str
            ),
            "run": json.dumps(run.read(), default=str),
            "logs": "\n".join(collector.lines),
            "chatter": json.dumps(
                waiver.message_ids.read(["body", "tracking_value_ids"]), default=str
            )
            + json.dumps(
                waiver.message_ids.tracking_value_ids.read(
                    ["old_value_char", "new_value_char"]
                ),
                default=str,
            ),
            **rendered,
        }
        for name, text in outputs.items():
            self.assertTrue(text.strip(), f"{name} is empty")
            for secret in SECRETS:
                self.assertNotIn(secret, text, f"a planted secret leaked in {name}")
        self.assertIn("erp.example.com", rendered["json"])
        self.assertIn(MASK, rendered["text"])
