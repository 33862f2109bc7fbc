# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveSelfAudit(GoliveCase):
    """The scheduled self-audit keeps the open checklists' tasks truthful and
    speaks on change only. Driven by the real cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("ipai_golive_checks.ir_cron_golive_self_audit")
        # the network checks call this very server, which does not answer
        # while the test holds the database (each call waits for its timeout)
        cls.env["golive.check"].search([("tags", "ilike", "network")]).enabled = False
        # only this test's checklists are open
        cls.env["golive.checklist"].search(
            [("id", "!=", cls.checklist.id)]
        ).active = False
        cls.env["ir.config_parameter"].set_param("ir_attachment.location", "file")
        cls.recipient = cls.env["res.partner"].create(
            {"name": "Ops on call", "email": "oncall@example.com"}
        )
        cls.env.company.golive_alert_partner_ids = cls.recipient
        cls.checklist.with_user(cls.user).action_start()
        cls.task_plain.write({"check_codes": "config.list_db", "user_id": cls.user.id})
        cls.gate_ci.check_codes = "params.attachment_location"

    def _trigger(self, list_db):
        with patch.dict(config.options, {"list_db": list_db}):
            self.cron.method_direct_trigger()

    def _alert_mails(self, checklist=None):
        checklist = checklist or self.checklist
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", self.recipient.ids),
                ("model", "=", "golive.checklist"),
                ("res_id", "=", checklist.id),
            ]
        )

    def _activities(self, task):
        return self.env["mail.activity"].search(
            [("res_model", "=", "golive.task"), ("res_id", "=", task.id)]
        )

    def _messages(self, text, checklist=None):
        checklist = checklist or self.checklist
        return checklist.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_two_failing_runs_alert_once(self):
        runs_before = self.env["golive.check.run"].search_count([])
        self._trigger(list_db=True)
        self._trigger(list_db=True)
        # one run per cron call: the checklist's checks ran with the catalogue
        self.assertEqual(self.env["golive.check.run"].search_count([]), runs_before + 2)
        mails = self._alert_mails()
        self.assertEqual(len(mails), 1)
        self.assertIn("config.list_db [list_db]", mails.body_html)
        activities = self._activities(self.task_plain)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user)
        self.assertIn("list_db is on", activities.note)
        self.assertFalse(self._activities(self.gate_ci))
        self.assertEqual(len(self._messages("New findings")), 1)
        self.assertEqual(self.task_plain.state, "todo")
        self.assertEqual(self.gate_ci.state, "done")
        # the cron audits the checklist in its environment, and never signs off
        self.assertEqual(self.checklist.check_run_id.trigger, "cron")
        self.assertFalse(self.gate_ci.signoff_user_id)

    def test_recovery_posts_one_note(self):
        self._trigger(list_db=True)
        self._trigger(list_db=False)
        self._trigger(list_db=False)
        notes = self._messages("Recovered")
        self.assertEqual(len(notes), 1)
        self.assertIn("config.list_db [list_db]", notes.body)
        self.assertFalse(notes.partner_ids)
        # the recovery sends no email; the failure sent one
        self.assertEqual(len(self._alert_mails()), 1)
        self.assertEqual(self.task_plain.state, "done")

    def test_passing_from_the_start_is_silent(self):
        self._trigger(list_db=False)
        self.assertFalse(self._alert_mails())
        self.assertFalse(self._messages("Recovered"))
        self.assertEqual((self.task_plain | self.gate_ci).mapped("state"), ["done"] * 2)

    def test_each_check_runs_once_in_its_environment(self):
        dev = self.env["golive.checklist"].create(
            {
                "name": "Dev rehearsal",
                "environment": "dev",
                "date_kickoff": date(2026, 1, 5),
                "date_golive": date(2026, 2, 16),
                "phase_ids": [Command.create({"code": "1", "name": "Kickoff"})],
            }
        )
        dev.action_start()
        dev_task = self.env["golive.task"].create(
            {
                "phase_id": dev.phase_ids.id,
                "name": "proxy",
                "check_codes": "config.proxy_mode,config.list_db",
            }
        )
        runs_before = self.env["golive.check.run"].search([])
        self._trigger(list_db=True)
        runs = self.env["golive.check.run"].search([]) - runs_before
        self.assertEqual(len(runs), 2)
        dev_run = runs.filtered(lambda r: r.environment == "dev")
        prod_run = runs - dev_run
        self.assertEqual(dev.check_run_id, dev_run)
        self.assertEqual(self.checklist.check_run_id, prod_run)
        codes = {run: set(run.sudo().result_ids.mapped("code")) for run in runs}
        self.assertEqual(codes[dev_run], {"config.proxy_mode", "config.list_db"})
        # list_db is bound in prod too: it runs there as well, proxy_mode not
        self.assertIn("config.list_db", codes[prod_run])
        self.assertNotIn("config.proxy_mode", codes[prod_run])
        self.assertIn("params.attachment_location", codes[prod_run])
        # the rest of the catalogue ran once, in the server's environment
        enabled = set(
            self.env["golive.check"].search([("enabled", "=", True)]).mapped("code")
        )
        self.assertEqual(enabled - codes[dev_run] - codes[prod_run], set())
        # judged in each checklist's environment: list_db on is info in dev
        severity = {
            run: run.sudo()
            .result_ids.filtered(lambda r: r.code == "config.list_db")
            .severity
            for run in runs
        }
        self.assertEqual(severity[dev_run], "info")
        self.assertEqual(severity[prod_run], "critical")
        # the dev checklist's checks are a partial run; the rest of the
        # catalogue, with them, is the server's complete audit: its score
        self.assertEqual(dev_run.scope, "partial")
        self.assertEqual(prod_run.scope, "complete")
        self.assertEqual(self.env["golive.check.run"]._latest_complete(), prod_run)
        self.assertEqual(dev_task.check_status, "fail")
        self.assertIn("proxy_mode is off", dev_task.check_message)

    def test_stabilizing_digest(self):
        stabilizing = self.env["golive.checklist"].create(
            {
                "name": "Hypercare",
                "state": "stabilizing",
                "date_kickoff": date(2025, 1, 5),
                "date_golive": date(2025, 2, 16),
                "phase_ids": [
                    Command.create(
                        {
                            "code": "9",
                            "name": "Post Go-Live",
                            "anchor": "golive",
                            "day_start": 1,
                            "day_end": 14,
                        }
                    )
                ],
            }
        )
        routine, error_rate = self.env["golive.task"].create(
            [
                {
                    "phase_id": stabilizing.phase_ids.id,
                    "name": "Daily health review",
                    "frequency": "Daily",
                },
                {
                    "phase_id": stabilizing.phase_ids.id,
                    "name": "Error rate monitoring",
                    "frequency": "Daily",
                    "check_codes": "config.list_db",
                },
            ]
        )
        self._trigger(list_db=True)
        digest = self._messages("Daily digest", stabilizing)
        self.assertEqual(len(digest), 1)
        self.assertIn("1 new failure(s)", digest.body)
        self.assertIn("Daily health review", digest.body)
        self.assertIn("config.list_db [list_db]", digest.body)
        self.assertIn(f"audit score {stabilizing.check_run_id.score:.1f}", digest.body)
        self.assertEqual(error_rate.state, "todo")
        self.assertEqual(routine.state, "todo")
        # the next day: no new failure, a digest again
        self._trigger(list_db=True)
        digests = self._messages("Daily digest", stabilizing)
        self.assertEqual(len(digests), 2)
        self.assertIn("0 new failure(s)", digests[0].body)
        # an open checklist that is not stabilizing gets no digest
        self.assertFalse(self._messages("Daily digest"))
