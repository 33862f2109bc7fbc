# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from odoo.addons.ipai_golive_checks.models.golive_check_run import KEEP_LAST_RUNS

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveChecksBinding(GoliveCase):
    """Tasks bound to check codes show the status of the checklist's audit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_plain.check_codes = "config.list_db"
        cls.gate_ci.check_codes = "params.attachment_location, config.list_db"
        cls.gate_backup.check_codes = "params.attachment_location"
        cls.task_post.check_codes = "not_installed.anything"
        cls.env["ir.config_parameter"].set_param("ir_attachment.location", "file")

    def test_run_checks_sets_task_status(self):
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        run = self.checklist.check_run_id
        self.assertEqual(run.environment, "prod")
        self.assertEqual(
            set(run.sudo().result_ids.mapped("code")),
            {"config.list_db", "params.attachment_location"},
        )
        self.assertEqual(self.task_plain.check_status, "fail")
        self.assertEqual(self.gate_ci.check_status, "fail")  # the worst of both
        self.assertEqual(self.gate_backup.check_status, "pass")
        # bound to a check this database does not have: it did not run
        self.assertEqual(self.task_post.check_status, "not_run")
        # the audit sets the states: all pass -> done, a failure -> to do
        self.assertEqual(self.gate_backup.state, "done")
        self.assertEqual((self.task_plain | self.gate_ci).mapped("state"), ["todo"] * 2)
        self.assertEqual(self.task_post.state, "todo")
        self.assertIn("list_db", self.gate_ci.check_message)
        self.assertEqual(
            self.gate_backup.check_result_ids.mapped("code"),
            ["params.attachment_location"],
        )
        self.assertEqual(self.gate_backup.check_result_ids.run_id, run)
        message = self.checklist.message_ids[0].body
        self.assertIn("Ship manifest finalized", message)
        self.assertIn("not_installed.anything", message)
        failing = self.env["golive.task"].search(
            [("checklist_id", "=", self.checklist.id), ("check_status", "=", "fail")]
        )
        self.assertEqual(failing, self.task_plain | self.gate_ci)

    def test_next_run_replaces_status(self):
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.task_plain.check_status, "fail")
        with patch.dict(config.options, {"list_db": False}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.task_plain.check_status, "pass")
        self.assertEqual(self.gate_ci.check_status, "pass")

    def test_checklist_environment_judges(self):
        self.checklist.environment = "dev"
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        run = self.checklist.check_run_id
        self.assertEqual(run.environment, "dev")
        list_db = run.sudo().result_ids.filtered(lambda r: r.code == "config.list_db")
        self.assertEqual(list_db.severity, "info")

    def test_autovacuum_keeps_the_checklists_last_audit(self):
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        run = self.checklist.check_run_id
        Run = self.env["golive.check.run"]
        run_vals = {"trigger": "manual", "environment": "prod"}
        orphan = Run.create({**run_vals, "name": "orphan"})
        (run | orphan).date_start = "2000-01-01 00:00:00"
        recent = Run.create(
            [
                {**run_vals, "name": f"recent {i}", "date_start": "2099-01-01"}
                for i in range(KEEP_LAST_RUNS)
            ]
        )
        Run._gc_old_runs()
        self.assertFalse(orphan.exists())
        self.assertTrue(run.exists())
        self.assertEqual(recent.exists(), recent)
        self.assertEqual(self.checklist.check_run_id, run)
        self.assertEqual(self.task_plain.check_status, "fail")

    def test_run_checks_needs_manager(self):
        with self.assertUserError(
            "Only a Go-Live Manager can take this checklist there."
        ):
            self.checklist.with_user(self.user).action_run_checks()
        self.assertFalse(self.checklist.check_run_id)

    def test_nothing_bound(self):
        self.checklist.task_ids.check_codes = False
        with self.assertUserError(
            "No task of ACME v1.1.0 is bound to an enabled automated check."
        ):
            self.checklist.with_user(self.manager).action_run_checks()

    def test_user_reads_task_status(self):
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.env.invalidate_all()
        task = self.task_plain.with_user(self.user)
        self.assertEqual(task.read(["check_status"])[0]["check_status"], "fail")
        self.assertTrue(self.checklist.with_user(self.user).bound_check_score < 100)

    def test_template_codes_exist_in_the_engine(self):
        """Every check code the shipped template binds is a registered check."""
        template = self.env.ref("ipai_golive.template_kickoff_golive")
        bound = {
            code.strip()
            for codes in template.line_ids.mapped("check_codes")
            if codes
            for code in (entry.partition(":")[0] for entry in codes.split(","))
        }
        registered = set(self.env["golive.check.registry"]._golive_check_specs())
        self.assertTrue(bound)
        self.assertEqual(sorted(bound - registered), [])

    def test_object_binding_reads_its_own_finding(self):
        """``code:object_key`` binds a task to one object's finding only."""
        self.task_plain.check_codes = "modules.stuck:test_ipai_golive_checks"
        self.gate_ci.check_codes = "modules.stuck:web"
        self.gate_backup.check_codes = "modules.stuck"
        self.assertEqual(self.gate_ci._check_bindings(), [("modules.stuck", "web")])
        self.env["ir.module.module"].search(
            [("name", "=", "test_ipai_golive_checks")]
        ).state = "to upgrade"
        self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.task_plain.check_status, "fail")
        self.assertEqual(self.gate_backup.check_status, "fail")
        # no finding about web: its check did not run for it
        self.assertEqual(self.gate_ci.check_status, "not_run")
        self.assertEqual(self.gate_ci.state, "todo")

    def test_failing_automated_gate_stays_red(self):
        """A done gate whose bound checks fail keeps the go-live closed."""
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()
        self.gate_backup.check_codes = "config.list_db"
        (self.gate_ci | self.gate_backup).state = "done"
        # ticked by hand, never audited: a bound gate is not green
        self.assertEqual(self.gate_backup.check_status, "not_run")
        self.assertEqual(self.checklist.gate_status, "red")
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.gate_backup.check_status, "fail")
        self.assertEqual(self.gate_backup.state, "todo")
        self.assertEqual(self.checklist.gate_status, "red")
        self.assertFalse(self.gate_backup.is_green)
        with self.assertUserError(
            "Cannot go live while 2 gate(s) are not green (done or waived):"
        ) as refusal:
            self.checklist.with_user(self.manager).action_go_live()
        self.assertIn("Backup taken right before cutover", str(refusal.exception))
        self.assertIn("Fail", str(refusal.exception))
        red = self.env["golive.task"].search(
            self.checklist.action_view_red_gates()["domain"]
        )
        self.assertEqual(red, self.gate_ci | self.gate_backup)
        # A manager may waive it; then it is green.
        self.gate_backup.with_user(self.manager)._waive("Accepted: list_db off at T-0")
        self.gate_ci.with_user(self.manager)._waive("Accepted")
        self._decide_go()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")
