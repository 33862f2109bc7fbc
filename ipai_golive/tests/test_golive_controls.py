# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Controls nobody below a manager can bend: the probes of issue 19, each as
the person who tried it."""

import html
import importlib.util
import json
from unittest.mock import patch
from urllib.parse import quote as url_quote

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import config, file_path, mute_logger

from odoo.addons.ipai_golive_checks.tools.secrets import MASK, mask_text

from .common import GoliveCase

LIVE_STATE = {"golive_live_state": True}
MD_REPORT = "ipai_golive.report_what_shipped_md"


@tagged("post_install", "-at_install")
class TestGoliveControls(GoliveCase):
    def test_live_state_report_is_for_the_superuser_only(self):
        data = dict(LIVE_STATE, checklist_id=self.checklist.id)
        Report = self.env["ir.actions.report"]
        for user in (self.employee, self.user, self.manager):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(AccessError, "command line only"),
            ):
                Report.with_user(user)._render_qweb_text(MD_REPORT, [], data=data)
        # the command line (superuser) still renders it
        text, _fmt = Report.sudo()._render_qweb_text(MD_REPORT, [], data=data)
        self.assertTrue(text.decode().startswith("# WHAT_SHIPPED"))

    def test_user_cannot_appoint_the_approver(self):
        checklist = self.checklist.with_user(self.user)
        with self.assertUserError("Only a Go-Live Manager can change Approver."):
            checklist.approver_id = self.user
        self.assertFalse(self.checklist.approver_id)
        with self.assertUserError("Only a Go-Live Manager can change Approver."):
            self.env["golive.checklist"].with_user(self.user).create(
                {
                    "name": "Self-approved",
                    "date_kickoff": "2026-02-02",
                    "date_golive": "2026-03-02",
                    "approver_id": self.user.id,
                }
            )
        # a user's new checklist with the defaults is fine
        created = (
            self.env["golive.checklist"]
            .with_user(self.user)
            .create(
                {
                    "name": "Defaults",
                    "date_kickoff": "2026-02-02",
                    "date_golive": "2026-03-02",
                    "freeze_days": 2,
                }
            )
        )
        self.assertFalse(created.approver_id)

    def test_new_approver_voids_the_go_decision(self):
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()
        (self.gate_ci | self.gate_backup).write({"state": "done"})
        self._decide_go()
        self.assertEqual(self.checklist.decision_status, "go")
        self.checklist.with_user(self.manager).approver_id = self.manager
        self.assertEqual(self.checklist.decision_status, "stale")

    def test_user_cannot_end_the_freeze(self):
        with self.assertUserError("Only a Go-Live Manager can change Freeze Days."):
            self.checklist.with_user(self.user).freeze_days = 0
        self.assertEqual(self.checklist.freeze_days, 2)
        self.checklist.with_user(self.manager).freeze_days = 0
        self.assertEqual(self.checklist.freeze_days, 0)

    def test_user_cannot_unbind_a_gate_and_unbinding_is_a_gate_change(self):
        self.gate_ci.check_codes = "config.list_db"
        with self.assertUserError("Only a Go-Live Manager can change Check Codes."):
            self.gate_ci.with_user(self.user).check_codes = False
        self.assertEqual(self.gate_ci.check_codes, "config.list_db")
        version = self.checklist.gate_version
        self.gate_ci.with_user(self.manager).check_codes = False
        self.assertEqual(self.checklist.gate_version, version + 1)

    def test_gate_na_is_a_managers_decision_with_a_reason(self):
        with self.assertUserError("Only a Go-Live Manager can set a gate to N/A"):
            self.gate_backup.with_user(self.user).write(
                {"state": "na", "na_reason": "No database"}
            )
        with self.assertUserError("Only a Go-Live Manager can set a gate to N/A"):
            self.gate_backup.with_user(self.user).action_not_applicable()
        self.assertEqual(self.gate_backup.state, "todo")
        with self.assertUserError("Setting a task to N/A needs a reason"):
            self.gate_backup.with_user(self.manager).state = "na"
        action = self.gate_backup.with_user(self.manager).action_not_applicable()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Restored from the staging copy instead"})
        )
        wizard.action_confirm()
        self.assertEqual(self.gate_backup.state, "na")
        self.assertEqual(
            self.gate_backup.na_reason, "Restored from the staging copy instead"
        )
        # a plain task: a user may, with a reason; the reason goes with the state
        action = self.task_plain.with_user(self.user).action_not_applicable()
        self.env[action["res_model"]].with_user(self.user).with_context(
            **action["context"]
        ).create({"reason": "No manifest in this project"}).action_confirm()
        self.assertEqual(self.task_plain.na_reason, "No manifest in this project")
        self.task_plain.with_user(self.user).action_todo()
        self.assertFalse(self.task_plain.na_reason)

    def test_audit_never_unblocks_a_task(self):
        self.gate_ci.check_codes = "config.list_db"
        self.gate_ci.with_user(self.user).action_block()
        self.gate_ci.notes = "repo-structure.yml fails"
        with patch.dict(config.options, {"list_db": False}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.gate_ci.check_status, "pass")
        self.assertEqual(self.gate_ci.state, "blocked")
        self.assertIn("still Blocked", self.checklist.message_ids[0].body)
        self.assertIn(self.gate_ci, self.checklist._golive_red_gates())

    def test_go_with_red_gates_is_refused(self):
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()
        self.gate_ci.state = "done"
        with self.assertUserError(
            "ACME v1.1.0 cannot be decided Go while 1 gates are red: "
            "Backup taken right before cutover."
        ):
            self._decide_go()
        self.assertFalse(self.checklist.decision_id)
        # No-Go is always recordable
        self.checklist.with_user(self.manager)._record_decision("nogo", "Not yet")
        self.assertEqual(self.checklist.decision_status, "nogo")

    def test_migration_gives_old_na_tasks_a_reason(self):
        self.env.cr.execute(
            "UPDATE golive_task SET state = 'na', na_reason = NULL WHERE id = %s",
            [self.task_post.id],
        )
        path = file_path("ipai_golive/migrations/18.0.1.1.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("golive_post_migrate", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.task_post.invalidate_recordset()
        self.assertIn("before a reason was required", self.task_post.na_reason)
        self.assertFalse(self.task_plain.na_reason)

    def test_evidence_links_are_web_links(self):
        for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x"):
            with (
                self.subTest(url=url),
                self.assertRaisesRegex(ValidationError, "must start with http"),
            ):
                self.gate_ci.with_user(self.user).evidence_url = url
        self.gate_ci.with_user(self.user).evidence_url = "https://ci.example/run/42"
        self.assertEqual(self.gate_ci.evidence_url, "https://ci.example/run/42")

    def test_masking_covers_http_credentials(self):
        for text, secret in (
            ("Authorization: Bearer abcdef123456", "abcdef123456"),
            ('{"Authorization": "Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz"),
            ("Cookie: session_id=0a1b2c3d4e; frontend_lang=en", "0a1b2c3d4e"),
            ("curl -H 'bearer tok3n-value' https://x", "tok3n-value"),
        ):
            with self.subTest(text=text):
                masked = mask_text(text)
                self.assertNotIn(secret, masked)
                self.assertIn(MASK, masked)
        self.assertEqual(mask_text("Status: pass"), "Status: pass")
        with patch.dict(config.options, {"golive_metrics_token": "m3trics-T0ken"}):
            secrets = self.env["golive.check.run"]._golive_known_secrets()
        self.assertIn("m3trics-T0ken", secrets)


@tagged("post_install", "-at_install")
class TestGoliveReportRoutes(GoliveCase, HttpCase):
    """The live state over every report route: refused to anyone logged in."""

    def test_live_state_over_http_is_refused(self):
        options = url_quote(
            json.dumps(dict(LIVE_STATE, checklist_id=self.checklist.id))
        )
        for login in (self.employee.login, self.user.login, self.manager.login):
            self.authenticate(login, login)
            for url in (
                f"/report/text/{MD_REPORT}?options={options}",
                f"/report/html/ipai_golive.report_what_shipped?options={options}",
                f"/report/pdf/ipai_golive.report_what_shipped?options={options}",
                # answers 200 with the error as JSON, as Odoo's download does
                "/report/download?data="
                + url_quote(
                    json.dumps(
                        [f"/report/text/{MD_REPORT}?options={options}", "qweb-text"]
                    )
                ),
            ):
                with (
                    self.subTest(login=login, url=url),
                    mute_logger("odoo.http", "odoo.addons.web.controllers.report"),
                ):
                    response = self.url_open(url)
                    self.assertNotIn(b"# WHAT_SHIPPED", response.content)
                    if url.startswith("/report/download"):
                        error = json.loads(html.unescape(response.text))
                        self.assertEqual(
                            error["data"]["name"], "odoo.exceptions.AccessError"
                        )
                    else:
                        self.assertEqual(response.status_code, 403)
