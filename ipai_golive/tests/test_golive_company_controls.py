# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Controls below a manager: a task created in N/A, the pre-flight's backup
error, and the engine's records kept to their company."""

import importlib.util

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open, file_path

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

from .common import GoliveCase

NA_REASON = "Setting a task to N/A needs a reason (Why N/A)"
MANIFEST_FILE = "ipai_golive_checks/tests/data/aiux_ship_manifest.fixed.yml"
BACKUP_ERROR = "pg_dump: error: could not open /srv/secret/pgpass: Permission denied"


@tagged("post_install", "-at_install")
class TestGoliveTaskNaOnCreate(GoliveCase):
    def test_task_created_in_na_needs_a_reason(self):
        for user in (self.user, self.manager):
            for reason in (False, "", "   "):
                with (
                    self.subTest(user=user.login, reason=reason),
                    self.assertUserError(NA_REASON),
                ):
                    self.env["golive.task"].with_user(user).create(
                        {
                            "phase_id": self.phase_kickoff.id,
                            "name": "Payroll cutover",
                            "state": "na",
                            "na_reason": reason,
                        }
                    )
        self.assertFalse(
            self.env["golive.task"].search([("name", "=", "Payroll cutover")])
        )

    def test_task_created_in_na_keeps_its_reason(self):
        task = (
            self.env["golive.task"]
            .with_user(self.user)
            .create(
                {
                    "phase_id": self.phase_kickoff.id,
                    "name": "Payroll cutover",
                    "state": "na",
                    "na_reason": "No payroll in this company",
                }
            )
        )
        self.assertEqual(task.state, "na")
        self.assertEqual(task.na_reason, "No payroll in this company")

    def test_gate_created_in_na_is_a_managers_decision(self):
        vals = {
            "phase_id": self.phase_golive.id,
            "name": "Payment provider live",
            "is_gate": True,
            "state": "na",
            "na_reason": "No online payment",
        }
        with self.assertUserError("Only a Go-Live Manager can set a gate to N/A"):
            self.env["golive.task"].with_user(self.user).create(vals)
        # the gate flag from a default is judged as given
        without_flag = {key: value for key, value in vals.items() if key != "is_gate"}
        with self.assertUserError("Only a Go-Live Manager can set a gate to N/A"):
            self.env["golive.task"].with_user(self.user).with_context(
                default_is_gate=True
            ).create(without_flag)
        gate = self.env["golive.task"].with_user(self.manager).create(vals)
        self.assertEqual((gate.state, gate.na_reason), ("na", "No online payment"))
        with self.assertUserError(NA_REASON):
            self.env["golive.task"].with_user(self.manager).create(
                dict(vals, na_reason="  ")
            )

    def test_blank_reason_on_write_is_refused(self):
        with self.assertUserError(NA_REASON):
            self.task_plain.with_user(self.user).write(
                {"state": "na", "na_reason": " "}
            )
        self.assertEqual(self.task_plain.state, "todo")


@tagged("post_install", "-at_install")
class TestGolivePreflightBackupError(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backup = (
            cls.env["golive.backup"]
            .sudo()
            .create(
                {
                    "checklist_id": cls.checklist.id,
                    "company_id": cls.checklist.company_id.id,
                    "user_id": cls.manager.id,
                    "database": cls.env.cr.dbname,
                    "state": "failed",
                    "error": BACKUP_ERROR,
                }
            )
        )

    def test_user_never_reads_the_backup_error(self):
        with self.assertRaises(AccessError):
            self.backup.with_user(self.user).read(["error"])
        summary = self.checklist.with_user(self.user)._golive_preflight_html()
        self.assertIn("Failed", summary)
        self.assertNotIn("pgpass", summary)
        self.assertIn("for Go-Live Managers to read", summary)
        wizard = (
            self.env["golive.checklist.decide"]
            .with_user(self.user)
            .create(
                {"checklist_id": self.checklist.id, "decision": "nogo", "comment": "-"}
            )
        )
        self.assertNotIn("pgpass", wizard.preflight_html)

    def test_manager_reads_it_but_the_decision_keeps_none(self):
        self.checklist.write({"state": "in_progress"})
        self.checklist.write({"state": "ready"})
        self.assertIn(
            BACKUP_ERROR,
            self.checklist.with_user(self.manager)._golive_preflight_html(),
        )
        decision = self.checklist.with_user(self.manager)._record_decision(
            "nogo", "The backup failed"
        )
        # the stored summary is read by every Go-Live User
        stored = decision.with_user(self.user).preflight_html
        self.assertNotIn("pgpass", stored)
        self.assertIn("for Go-Live Managers to read", stored)


@tagged("post_install", "-at_install")
class TestGoliveEngineCompany(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.checklist.company_id
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_manager = new_test_user(
            cls.env,
            "golive_other_manager",
            groups=f"base.group_user,{MANAGER_GROUP}",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.check = cls.env["golive.check"].sudo()._sync_registry()["config.list_db"]

    def _as(self, user):
        return self.env(
            user=user,
            context=dict(self.env.context, allowed_company_ids=user.company_ids.ids),
        )

    def test_manual_run_is_its_company_a_scheduled_one_shared(self):
        other = self._as(self.other_manager)
        run = other["golive.check.run"]._run_checks(codes=[self.check.code])
        self.assertEqual(run.company_id, self.other_company)
        self.assertEqual(run.sudo().result_ids.mapped("company_id"), self.other_company)
        findings = other["golive.check.finding"].search([("run_id", "=", run.id)])
        self.assertTrue(findings)
        self.assertEqual(findings.mapped("company_id"), self.other_company)
        mine = self._as(self.manager)
        for model in (
            "golive.check.run",
            "golive.check.result",
            "golive.check.finding",
        ):
            with self.subTest(model=model):
                self.assertFalse(
                    mine[model].search([("company_id", "=", self.other_company.id)])
                )
        with self.assertRaises(AccessError):
            run.with_env(mine).check_access("read")
        # the scheduled audit (as the command line's) is the database's
        cron_run = (
            self.env["golive.check.run"]
            .sudo()
            ._run_checks(trigger="cron", codes=[self.check.code])
        )
        self.assertFalse(cron_run.company_id)
        for env in (mine, other, self._as(self.user)):
            with self.subTest(user=env.user.login):
                self.assertEqual(
                    env["golive.check.run"].search([("id", "=", cron_run.id)]),
                    cron_run,
                )

    def test_checklist_audit_is_the_checklists_company(self):
        self.manager.write(
            {
                "company_ids": [Command.link(self.other_company.id)],
                "company_id": self.other_company.id,
            }
        )
        self.task_plain.check_codes = self.check.code
        env = self.env(
            user=self.manager,
            context=dict(
                self.env.context,
                allowed_company_ids=[self.other_company.id, self.company.id],
            ),
        )
        self.assertEqual(env.company, self.other_company)
        self.checklist.with_env(env).action_run_checks()
        self.assertEqual(self.checklist.check_run_id.company_id, self.company)

    def test_waivers_manifests_endpoints_are_their_company(self):
        other = self._as(self.other_manager)
        waiver = other["golive.waiver"].create(
            {"check_id": self.check.id, "reason": "Accepted in Other Co"}
        )
        manifest = (
            other["golive.manifest"]
            .sudo()
            .create(
                {"bundle_name": "other", "bundle_version": "1.0.0", "sha256": "1" * 64}
            )
        )
        # endpoint URLs are a system administrator's (the server's network)
        endpoint = (
            self.env["golive.check.endpoint"]
            .with_company(self.other_company)
            .create({"name": "Other shop", "url": "https://shop.example.com/health"})
        )
        mine = self._as(self.manager)
        for record in (waiver, manifest, endpoint):
            with self.subTest(model=record._name):
                self.assertEqual(record.company_id, self.other_company)
                self.assertEqual(
                    other[record._name].search([("id", "=", record.id)]), record
                )
                self.assertFalse(mine[record._name].search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    record.with_env(mine).check_access("read")

    def test_migration_gives_existing_records_their_company(self):
        run = (
            self.env["golive.check.run"]
            .sudo()
            ._run_checks(trigger="manual", codes=[self.check.code])
        )
        cron_run = (
            self.env["golive.check.run"]
            .sudo()
            ._run_checks(trigger="cron", codes=[self.check.code])
        )
        waiver = self.env["golive.waiver"].create(
            {
                "check_id": self.check.id,
                "reason": "Accepted",
                "approver_id": self.other_manager.id,
            }
        )
        self.env.flush_all()
        for table in ("golive_check_run", "golive_check_result", "golive_waiver"):
            self.env.cr.execute(f"UPDATE {table} SET company_id = NULL")  # noqa: S608
        path = file_path("ipai_golive_checks/migrations/18.0.1.2.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("golive_checks_migrate", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(run.company_id, run.user_id.company_id)
        self.assertTrue(run.company_id)
        self.assertEqual(run.sudo().result_ids.mapped("company_id"), run.company_id)
        self.assertFalse(cron_run.company_id)
        self.assertFalse(cron_run.sudo().result_ids.mapped("company_id"))
        self.assertEqual(waiver.company_id, self.other_company)

    def test_each_company_imports_its_manifest(self):
        with file_open(MANIFEST_FILE, "rb") as manifest_file:
            source = manifest_file.read()
        mine = self._as(self.manager)["golive.manifest"]._import_manifest(source)
        theirs = self._as(self.other_manager)["golive.manifest"]._import_manifest(
            source
        )
        self.assertNotEqual(mine, theirs)
        self.assertEqual(mine.sha256, theirs.sha256)
        self.assertEqual(
            (mine.company_id, theirs.company_id), (self.company, self.other_company)
        )
        # the same file again in a company: its own record
        self.assertEqual(
            self._as(self.manager)["golive.manifest"]._import_manifest(source), mine
        )
