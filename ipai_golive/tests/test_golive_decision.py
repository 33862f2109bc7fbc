# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveDecision(GoliveCase):
    def setUp(self):
        super().setUp()
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()
        self.gate_ci.state = "done"
        self.gate_backup.state = "done"

    def _open_wizard(self, user):
        action = self.checklist.with_user(user).action_open_decision()
        return (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"decision": "go", "comment": "Ship it"})
        )

    def _go_live(self):
        self.checklist.with_user(self.manager).action_go_live()

    def test_go_decision_is_recorded_and_opens_the_go_live(self):
        wizard = self._open_wizard(self.manager)
        summary = wizard.preflight_html
        self.assertIn("CI gates green on release tag", summary)
        self.assertIn("Backup taken right before cutover", summary)
        self.assertIn("No automated audit has run", summary)
        self.assertIn("No backup has been taken", summary)
        wizard.action_confirm()
        decision = self.checklist.decision_id
        self.assertEqual(decision.decision, "go")
        self.assertEqual(decision.user_id, self.manager)
        self.assertEqual(decision.comment, "Ship it")
        self.assertTrue(decision.date)
        self.assertEqual(decision.gate_version, self.checklist.gate_version)
        self.assertIn("CI gates green on release tag", decision.preflight_html)
        self.assertEqual(self.checklist.decision_status, "go")
        message = self.checklist.message_ids[:1]
        self.assertIn(f"Go decided by {self.manager.name}", message.body)
        self.assertIn("Ship it", message.body)
        self.assertEqual(message.author_id, self.manager.partner_id)
        self._go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_summary_names_blockers_audit_and_backup(self):
        self.task_plain.state = "blocked"
        with patch.dict(config.options, {"list_db": False}):
            self.gate_ci.check_codes = "config.list_db"
            self.checklist.with_user(self.manager).action_run_checks()
        summary = self.checklist._golive_preflight_html()
        self.assertIn("Blocked: ", summary)
        self.assertIn("Ship manifest finalized", summary)
        self.assertIn(self.checklist.check_run_id.name, summary)
        # a fresh audit's age as people say it, not "0.0 h old"
        self.assertIn("just now", summary)
        self.assertNotIn("h old", summary)

    def test_wizard_opens_on_the_summary_banner(self):
        """The counts that decide come first, with links; the details are
        folded below the decision."""
        self.task_plain.state = "blocked"
        with patch.dict(config.options, {"list_db": False}):
            self.gate_ci.check_codes = "config.list_db"
            self.checklist.with_user(self.manager).action_run_checks()
        self.gate_backup.state = "todo"
        wizard = self._open_wizard(self.manager)
        self.assertEqual(wizard.red_gate_count, 1)
        self.assertEqual(wizard.blocked_count, 1)
        self.assertEqual(wizard.drift_count, 0)
        run = self.checklist.check_run_id
        self.assertEqual(wizard.audit_label, f"score {run.score:.1f}, just now")
        self.assertEqual(wizard.backup_label, "none taken")
        self.assertFalse(wizard.ready_for_go)
        # the wizard's details do not repeat the banner; the decision keeps it
        self.assertNotIn("o_golive_preflight_banner", wizard.preflight_html)
        self.assertIn("<details", wizard.preflight_html)
        self.assertIn(
            "o_golive_preflight_banner", self.checklist._golive_preflight_html()
        )
        red = wizard.action_view_red_gates()
        self.assertEqual(
            self.env["golive.task"].search(red["domain"]), self.gate_backup
        )
        blocked = wizard.action_view_blocked()
        self.assertEqual(
            self.env["golive.task"].search(blocked["domain"]), self.task_plain
        )
        # the form: banner, then the decision, then the folded details
        arch = self.env["golive.checklist.decide"].get_view()["arch"]
        banner = arch.index("o_golive_decide_banner")
        self.assertLess(banner, arch.index('name="decision"'))
        self.assertLess(arch.index('name="decision"'), arch.index("<notebook"))
        self.assertLess(arch.index("<notebook"), arch.index('name="preflight_html"'))

    def test_refused_without_decision(self):
        with self.assertRaisesRegex(
            UserError,
            r"Cannot go live:\n- ACME v1\.1\.0 has no Go decision: the approver "
            r"records it with Go/No-Go\.",
        ):
            self._go_live()
        self.assertEqual(self.checklist.state, "ready")

    def test_refused_after_no_go(self):
        self.checklist.with_user(self.manager)._record_decision(
            "nogo", "Restore took 4 h: too slow"
        )
        self.assertEqual(self.checklist.decision_status, "nogo")
        with self.assertRaisesRegex(
            UserError,
            rf"ACME v1\.1\.0: the last decision is No-Go "
            rf"\({re.escape(self.manager.name)}, .*\): Restore took 4 h: too slow",
        ):
            self._go_live()
        self.assertEqual(self.checklist.state, "ready")

    def test_refused_when_a_gate_changed_after_go(self):
        self._decide_go()
        version = self.checklist.gate_version
        # a gate moved and moved back: still a change after the decision
        self.gate_ci.state = "in_progress"
        self.gate_ci.state = "done"
        self.assertEqual(self.checklist.gate_version, version + 2)
        self.assertEqual(self.checklist.decision_status, "stale")
        with self.assertRaisesRegex(
            UserError,
            r"ACME v1\.1\.0: a gate changed on .*, after the Go decision of .*: "
            r"the approver must decide again\.",
        ):
            self._go_live()
        self._decide_go()
        self._go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_back_to_draft_voids_the_decision(self):
        self._decide_go()
        self.checklist.with_user(self.manager).action_reset_draft()
        self.assertEqual(self.checklist.decision_status, "none")
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()
        with self.assertRaisesRegex(UserError, "has no Go decision"):
            self._go_live()
        self.assertEqual(len(self.checklist.decision_ids), 1, "the history stays")

    def test_new_gate_or_unmade_gate_voids_go(self):
        self._decide_go()
        self.task_plain.is_gate = True
        self.assertEqual(self.checklist.decision_status, "stale")
        # a Go needs every gate green, the new one too
        self.task_plain.state = "done"
        self._decide_go()
        self.task_plain.is_gate = False
        self.assertEqual(self.checklist.decision_status, "stale")

    def test_a_sign_off_is_a_gate_change(self):
        self.gate_ci.with_user(self.manager).signoff_required = True
        # waiting for its sign-off, the gate is red: no Go
        with self.assertUserError("ACME v1.1.0 cannot be decided Go while 1 gates"):
            self._decide_go()
        version = self.checklist.gate_version
        self.gate_ci.with_user(self.manager).action_sign_off()
        self.assertEqual(self.checklist.gate_version, version + 1)
        self._decide_go()
        self.assertEqual(self.checklist.decision_status, "go")

    def test_other_tasks_do_not_void_go(self):
        self._decide_go()
        self.task_plain.state = "done"
        self.task_post.write({"notes": "Dashboards ready"})
        self.gate_ci.write({"notes": "Evidence in CI run 42"})
        self.assertEqual(self.checklist.decision_status, "go")
        self._go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_audit_changing_a_gate_voids_go(self):
        self.gate_backup.check_codes = "config.list_db"
        with patch.dict(config.options, {"list_db": False}):
            self.checklist.with_user(self.manager).action_run_checks()
        self._decide_go()
        with patch.dict(config.options, {"list_db": False}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.checklist.decision_status, "go")
        with patch.dict(config.options, {"list_db": True}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.gate_backup.check_status, "fail")
        self.assertEqual(self.checklist.decision_status, "stale")

    def test_the_approver_decides(self):
        self.checklist.approver_id = self.user
        with self.assertRaisesRegex(
            UserError,
            rf"Only the approver of ACME v1\.1\.0, {re.escape(self.user.name)}, "
            r"can record its Go/No-Go decision\.",
        ):
            self._open_wizard(self.manager)
        with self.assertRaisesRegex(UserError, "Only the approver"):
            self.checklist.with_user(self.manager)._record_decision("go", "me")
        self._open_wizard(self.user).action_confirm()
        self.assertEqual(self.checklist.decision_id.user_id, self.user)
        # the approver decides; a manager still takes it live
        with self.assertRaisesRegex(UserError, "Only a Go-Live Manager"):
            self.checklist.with_user(self.user).action_go_live()
        self._go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_without_approver_a_manager_decides(self):
        with self.assertRaisesRegex(
            UserError,
            r"ACME v1\.1\.0 has no approver: only a Go-Live Manager can record "
            r"its Go/No-Go decision\.",
        ):
            self._open_wizard(self.user)

    def test_decision_only_when_ready_and_with_comment(self):
        with self.assertRaisesRegex(UserError, "A Go/No-Go decision needs a comment"):
            self.checklist.with_user(self.manager)._record_decision("go", "  ")
        self.checklist.with_user(self.manager).action_reset_draft()
        with self.assertRaisesRegex(
            UserError,
            r"ACME v1\.1\.0 is not ready: the Go/No-Go decision is taken in the "
            r"Ready state\.",
        ):
            self._open_wizard(self.manager)

    def test_decisions_cannot_be_forged(self):
        decision = self._decide_go()
        with self.assertRaisesRegex(UserError, "written by the go-live flow only"):
            self.checklist.with_user(self.manager).write({"gate_version": 99})
        with self.assertRaisesRegex(UserError, "written by the go-live flow only"):
            self.checklist.with_user(self.manager).write({"decision_id": False})
        with self.assertRaisesRegex(UserError, "with the Go/No-Go button"):
            self.env["golive.decision"].with_user(self.manager).create(
                {
                    "checklist_id": self.checklist.id,
                    "decision": "go",
                    "comment": "forged",
                    "user_id": self.manager.id,
                }
            )
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            decision.with_user(self.manager).write({"decision": "nogo"})

    def test_access_per_group(self):
        """Go-Live users read the cutover records; others do not."""
        decision = self._decide_go()
        backup = (
            self.env["golive.backup"]
            .sudo()
            .create({"checklist_id": self.checklist.id, "state": "failed"})
        )
        for record in (decision, backup):
            with self.subTest(model=record._name):
                self.assertTrue(record.with_user(self.user).read(["checklist_id"]))
                with self.assertRaises(AccessError):
                    record.with_user(self.employee).read(["checklist_id"])
                with self.assertRaises(AccessError):
                    record.with_user(self.manager).unlink()
        self.assertEqual(self.checklist.with_user(self.user).decision_status, "go")
