# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase, field_spec


@tagged("post_install", "-at_install")
class TestGoliveAuditTruth(GoliveCase):
    """Tasks bound to checks take their state from the checklist's audit, and
    going live needs a fresh audit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("ir_attachment.location", "file")
        cls.task_plain.check_codes = "config.list_db"
        cls.gate_ci.check_codes = "params.attachment_location"
        cls.gate_backup.check_codes = "config.list_db"

    def _run(self, list_db=False):
        with patch.dict(config.options, {"list_db": list_db}):
            self.checklist.with_user(self.manager).action_run_checks()
        return self.checklist.check_run_id

    def _ready(self):
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()

    def test_passing_checks_do_the_tasks(self):
        run = self._run(list_db=False)
        bound = self.task_plain | self.gate_ci | self.gate_backup
        self.assertEqual(bound.mapped("state"), ["done"] * 3)
        self.assertEqual(bound.mapped("check_status"), ["pass"] * 3)
        self.assertFalse(self.gate_ci.check_message)
        # the evidence: the run and its findings
        self.assertEqual(self.gate_backup.check_run_id, run)
        self.assertEqual(
            self.gate_backup.check_result_ids.mapped("code"), ["config.list_db"]
        )
        self.assertEqual(self.gate_backup.check_result_ids.run_id, run)
        # a manual task is left alone
        self.assertEqual(self.task_post.state, "todo")
        self.assertFalse(self.task_post.check_status)
        self.assertEqual(self.checklist.gate_status, "green")
        self.assertIn(
            "Tasks done by their passing checks", self.checklist.message_ids[0].body
        )

    def test_user_reads_the_audited_task(self):
        """A Go-Live User opens an audited task: state, status, message, run."""
        self._run(list_db=True)
        task = self.task_plain.with_user(self.user)
        arch = task.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("check_result_ids", arch)
        values = task.web_read(field_spec(task, arch))[0]
        self.assertEqual(values["state"], "todo")
        self.assertEqual(values["check_status"], "fail")
        self.assertIn("list_db is on", values["check_message"])
        self.assertEqual(values["check_run_id"]["id"], self.checklist.check_run_id.id)
        manager_arch = self.task_plain.with_user(self.manager).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn("check_result_ids", manager_arch)

    def test_failing_check_reopens_the_task_with_its_message(self):
        self._run(list_db=False)
        self.gate_backup.with_user(self.manager).action_sign_off()
        self.assertTrue(self.gate_backup.signoff_user_id)
        self._run(list_db=True)
        self.assertEqual(
            (self.task_plain | self.gate_backup).mapped("state"), ["todo"] * 2
        )
        self.assertEqual(self.gate_ci.state, "done")
        self.assertIn(
            "config.list_db [list_db]: list_db is on", self.gate_backup.check_message
        )
        # the sign-off held for the done state only
        self.assertFalse(self.gate_backup.signoff_user_id)
        self.assertEqual(self.checklist.gate_status, "red")

    def test_nothing_ran_leaves_the_task_and_reddens_the_gate(self):
        self.gate_backup.check_codes = "http.endpoint:OCR Service"
        self.gate_backup.state = "done"
        self._run(list_db=False)
        # the run had no finding about that endpoint (none is configured)
        self.assertEqual(self.gate_backup.check_status, "not_run")
        self.assertEqual(self.gate_backup.state, "done")
        self.assertFalse(self.gate_backup.is_green)
        red = self.env["golive.task"].search(
            self.checklist.action_view_red_gates()["domain"]
        )
        self.assertEqual(red, self.gate_backup)

    def test_warning_leaves_the_state(self):
        self.task_plain.check_codes = "config.limits:limit_time"
        self.task_plain.state = "in_progress"
        limits = {"limit_time_cpu": 60, "limit_time_real": 900}
        with patch.dict(config.options, limits):
            self._run()
        self.assertEqual(self.task_plain.check_status, "warn")
        self.assertEqual(self.task_plain.state, "in_progress")

    def test_waived_task_and_waived_finding(self):
        self.gate_backup.with_user(self.manager)._waive("list_db stays on until T-0")
        self._run(list_db=True)
        self.assertEqual(self.gate_backup.state, "waived")
        self.assertTrue(self.gate_backup.is_green)
        # a waiver of the finding counts as passing
        check = self.env["golive.check"].search([("code", "=", "config.list_db")])
        self.env["golive.waiver"].create(
            {
                "check_id": check.id,
                "reason": "Behind a VPN",
                "expiry_date": fields.Date.today() + timedelta(days=7),
            }
        )
        self._run(list_db=True)
        self.assertEqual(self.task_plain.check_status, "pass")
        self.assertEqual(self.task_plain.state, "done")

    def test_signoff_still_required(self):
        self.gate_ci.with_user(self.manager).signoff_required = True
        with self.assertRaisesRegex(UserError, "Sign-Off Required"):
            self.gate_backup.with_user(self.user).signoff_required = True
        self._run(list_db=False)
        self.assertEqual(self.gate_ci.state, "done")
        self.assertFalse(self.gate_ci.signoff_user_id)
        self.assertFalse(self.gate_ci.is_green)
        self._ready()
        with self.assertRaisesRegex(UserError, "sign-off missing"):
            self.checklist.with_user(self.manager).action_go_live()
        self.gate_ci.with_user(self.manager).action_sign_off()
        self.assertTrue(self.gate_ci.is_green)
        self._decide_go()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_run_checks_then_go_live(self):
        """Nobody ticks the bound gates: the audit does."""
        self._ready()
        with self.assertRaisesRegex(
            UserError, "ACME v1.1.0 has gates bound to automated checks and no audit"
        ):
            self.checklist.with_user(self.manager).action_go_live()
        self._run(list_db=False)
        self._decide_go()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_stale_audit_refused(self):
        self._ready()
        run = self._run(list_db=False)
        run.date_start = fields.Datetime.now() - timedelta(hours=30)
        self._decide_go()
        with self.assertRaisesRegex(
            UserError, "last audit of ACME v1.1.0 is 30 hours old"
        ):
            self.checklist.with_user(self.manager).action_go_live()
        self.env["res.config.settings"].create(
            {"golive_audit_max_age_hours": 48}
        ).execute()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_no_bound_gate_needs_no_audit(self):
        (self.gate_ci | self.gate_backup).check_codes = False
        (self.gate_ci | self.gate_backup).state = "done"
        self._ready()
        self._decide_go()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")

    def _bound_checklist(self, count):
        checklist = self.env["golive.checklist"].create(
            {
                "name": f"Scale {count}",
                "date_kickoff": "2026-01-05",
                "date_golive": "2026-02-16",
                "phase_ids": [Command.create({"code": "8", "name": "T-0"})],
            }
        )
        self.env["golive.task"].create(
            [
                {
                    "phase_id": checklist.phase_ids.id,
                    "name": f"Task {i}",
                    "is_gate": bool(i % 2),
                    "check_codes": "config.list_db"
                    if i % 3
                    else "config.list_db:list_db,params.attachment_location",
                }
                for i in range(count)
            ]
        )
        with patch.dict(config.options, {"list_db": False}):
            run = self.env["golive.check.run"]._run_checks(
                codes=["config.list_db", "params.attachment_location"]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        return checklist, run

    def test_task_update_costs_constant_queries(self):
        for count in (10, 200):
            checklist, run = self._bound_checklist(count)
            # 12: one more to see whether the audit changed a gate (Go/No-Go);
            # the policy's verdict (is_red_gate) is written in the same UPDATE
            with self.subTest(tasks=count), self.assertQueryCount(12):
                checklist._set_audit(run)
                self.env.flush_all()
            self.assertEqual(set(checklist.task_ids.mapped("state")), {"done"})
            self.assertEqual(checklist.gate_status, "green")
