# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged
from odoo.tools import config, mute_logger

from ..models.golive_check_run import GoliveCheckRunLocked
from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestEngine(GoliveCase):
    def test_run_counts_score_and_timing(self):
        with patch.dict(config.options, {"list_db": True, "proxy_mode": True}):
            run = self.run_checks(["config.list_db", "config.proxy_mode"])
        self.assertEqual(run.trigger, "manual")
        self.assertEqual(run.environment, "prod")
        self.assertEqual(run.check_count, 2)
        self.assertEqual((run.count_pass, run.count_fail), (1, 1))
        # list_db critical (15) failed, proxy_mode high (7) passed
        self.assertAlmostEqual(run.score, round(100 * (1 - 15 / 22), 1))
        self.assertGreater(run.duration_ms, 0)
        self.assertTrue(run.date_start and run.date_end)
        check = self.env["golive.check"].search([("code", "=", "config.list_db")])
        self.assertEqual(check.last_status, "fail")
        self.assertEqual(check.last_run_id, run)
        data = run._golive_report_data()
        self.assertEqual(data["summary"]["counts"]["fail"], 1)
        self.assertEqual(len(data["results"]), 2)
        self.assertEqual(run._blocking_results("critical").code, "config.list_db")
        self.assertFalse(run._blocking_results("critical").waived)

    def test_severity_per_environment(self):
        with patch.dict(config.options, {"list_db": True}):
            dev = self.run_checks(["config.list_db"], environment="dev")
            prod = self.run_checks(["config.list_db"], environment="prod")
        self.assertEqual(self.results(dev).severity, "info")
        self.assertEqual(self.results(prod).severity, "critical")
        self.assertFalse(dev._blocking_results("low"))
        self.assertTrue(prod._blocking_results("high"))
        # score: an info finding weighs nothing
        self.assertEqual(dev.score, 100.0)
        self.assertEqual(prod.score, 0.0)

    def test_environment_resolution_order(self):
        registry = self.env["golive.check.registry"]
        icp = self.env["ir.config_parameter"].sudo()
        icp.search([("key", "=", "ipai_golive.environment")]).unlink()
        with patch.dict(config.options, {"golive_environment": False}):
            self.assertEqual(
                registry._golive_resolve_environment(), ("prod", "default")
            )
            icp.set_param("ipai_golive.environment", "Staging")
            self.assertEqual(
                registry._golive_resolve_environment(),
                ("staging", "system parameter"),
            )
        with patch.dict(config.options, {"golive_environment": "development"}):
            self.assertEqual(
                registry._golive_resolve_environment(), ("dev", "server option")
            )
            self.assertEqual(
                registry._golive_resolve_environment("prod"), ("prod", "argument")
            )
            run = self.Run._run_checks(codes=["config.list_db"])
            self.assertEqual(run.environment, "dev")
            self.assertEqual(run.environment_source, "server option")
        with patch.dict(config.options, {"golive_environment": "moon"}):
            with self.assertRaisesRegex(Exception, "Unknown environment"):
                registry._golive_resolve_environment()

    def test_crash_becomes_error_and_run_continues(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "test_ipai_golive_checks.flag", "ok"
        )
        run = self.run_checks(["test.crash", "test.flag_param"])
        crash = self.results(run, "test.crash")
        self.assertEqual(crash.status, "error")
        self.assertIn("boom from test.crash", crash.message)
        self.assertIn("RuntimeError", crash.evidence["traceback"])
        # the savepoint undid what the crashing check wrote
        self.assertEqual(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("test_ipai_golive_checks.flag"),
            "ok",
        )
        self.assertStatus(run, "test.flag_param", "pass")
        self.assertEqual(run.count_error, 1)

    def test_sql_timeout_isolated_and_reset(self):
        cr = self.env.cr
        cr.execute("SET LOCAL statement_timeout = '12345ms'")
        with mute_logger("odoo.sql_db"):
            run = self.run_checks(["test.sql_timeout", "config.list_db"])
        result = self.results(run, "test.sql_timeout")
        self.assertEqual(result.status, "error")
        self.assertIn("statement timeout", result.message)
        self.assertLess(result.duration_ms, 1500)
        self.assertEqual(len(self.results(run, "config.list_db")), 1)
        cr.execute("SHOW statement_timeout")
        self.assertEqual(cr.fetchone()[0], "12345ms")

    def test_second_run_refused_by_advisory_lock(self):
        # a run holds the lock of this database until its transaction ends
        self.run_checks(["config.list_db"])
        other_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            other_cr.execute("SET statement_timeout = '5s'")
            other_env = self.env(cr=other_cr)
            with self.assertRaisesRegex(GoliveCheckRunLocked, "already running"):
                other_env["golive.check.run"]._run_checks(codes=["config.list_db"])
            other_cr.rollback()
        finally:
            other_cr.close()

    def test_run_refused_while_another_connection_runs(self):
        other_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            other_cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", (0x474F4C56, 1)
            )
            self.assertTrue(other_cr.fetchone()[0])
            with self.assertRaisesRegex(GoliveCheckRunLocked, "already running"):
                self.run_checks(["config.list_db"])
            other_cr.rollback()
        finally:
            other_cr.close()
        self.assertTrue(self.run_checks(["config.list_db"]))

    def test_waivers_whole_check_one_finding_and_expiry(self):
        check = self.env["golive.check"].search([("code", "=", "config.workers")])
        with patch.dict(config.options, {"workers": 0, "max_cron_threads": 0}):
            run = self.run_checks(["config.workers"])
            self.assertEqual(run.count_fail, 2)
            waiver = (
                self.env["golive.waiver"]
                .with_user(self.manager)
                .create(
                    {
                        "check_id": check.id,
                        "object_key": "workers",
                        "reason": "Single-process staging box",
                        "expiry_date": fields.Date.today() + timedelta(days=3),
                    }
                )
            )
            self.assertEqual(waiver.state, "active")
            self.assertEqual(waiver.approver_id, self.manager)
            run = self.run_checks(["config.workers"])
            self.assertEqual((run.count_fail, run.count_waived), (1, 1))
            self.assertEqual(run.sudo().waived_result_ids.object_key, "workers")
            self.assertEqual(run.sudo().waived_result_ids.waiver_id, waiver)
            self.assertEqual(run.sudo().result_ids.object_key, "max_cron_threads")
            data = run._golive_report_data()
            self.assertEqual([r["object"] for r in data["waived"]], ["workers"])
            self.assertEqual(data["waived"][0]["waiver"]["reason"], waiver.reason)
            # whole-check waiver
            self.env["golive.waiver"].create(
                {
                    "check_id": check.id,
                    "reason": "Accepted",
                    "expiry_date": "2999-01-01",
                }
            )
            run = self.run_checks(["config.workers"])
            self.assertEqual((run.count_fail, run.count_waived), (0, 2))
            self.assertEqual(run.score, 100.0)
            self.assertEqual(check.last_status, "pass")
            # expired waivers stop applying by themselves
            later = datetime.now() + timedelta(days=5)
            with freeze_time(later):
                self.env["golive.waiver"].search(
                    [("check_id", "=", check.id)]
                ).filtered(lambda w: not w.object_key).unlink()
                self.assertEqual(waiver.state, "expired")
                self.assertIn(
                    waiver,
                    self.env["golive.waiver"].search([("state", "=", "expired")]),
                )
                run = self.run_checks(["config.workers"])
                self.assertEqual((run.count_fail, run.count_waived), (2, 0))

    def test_results_actions(self):
        with patch.dict(config.options, {"list_db": True}):
            run = self.run_checks(["config.list_db"])
        result = self.results(run)
        action = result.with_user(self.manager).action_waive()
        self.assertEqual(action["res_model"], "golive.waiver")
        self.assertEqual(action["context"]["default_object_key"], "list_db")
        self.assertEqual(run._get_form_action()["res_id"], run.id)
        check = result.check_id.with_user(self.manager)
        action = check.action_run_now()
        new_run = self.env["golive.check.run"].browse(action["res_id"])
        self.assertEqual(self.results(new_run).code, "config.list_db")
        self.assertEqual(check.action_waive()["context"]["default_check_id"], check.id)

    def test_access_rights(self):
        user = new_test_user(
            self.env, login="golive_user", groups="ipai_golive_checks.group_golive_user"
        )
        run = self.run_checks(["config.list_db"])
        # a Go-Live user reads the summary...
        summary = run.with_user(user).read(["score", "count_fail", "environment"])
        self.assertEqual(summary[0]["score"], run.score)
        # ...but not the results and their evidence
        with self.assertRaises(AccessError):
            self.results(run).with_user(user).read(["evidence"])
        with self.assertRaises(AccessError):
            run.with_user(user).read(["result_ids"])
        with self.assertRaises(AccessError):
            self.env["golive.check.run"].with_user(user)._run_checks()
        with self.assertRaises(AccessError):
            self.env["golive.waiver"].with_user(user).create(
                {"check_id": self.results(run).check_id.id, "reason": "no"}
            )
        # a manager reads the evidence
        self.assertTrue(self.results(run).with_user(self.manager).read(["evidence"]))

    def test_findings_capped(self):
        cron = self.env.ref("ipai_golive_checks.ir_cron_golive_self_audit")
        crons = self.env["ir.cron"].create(
            [
                {
                    "name": f"Failing job {i}",
                    "model_id": cron.model_id.id,
                    "state": "code",
                    "code": "model",
                    "interval_type": "days",
                    "failure_count": 2,
                }
                for i in range(105)
            ]
        )
        run = self.run_checks(["crons.failing"])
        results = self.results(run)
        self.assertEqual(len(results), 100)
        self.assertEqual(results[-1].object_key, "...")
        self.assertGreaterEqual(results[-1].evidence["count"], 6)
        self.assertEqual(run.count_fail, 100)
        self.assertTrue(crons)

    def test_cron_self_audit(self):
        cron = self.env.ref("ipai_golive_checks.ir_cron_golive_self_audit")
        self.assertEqual(cron.interval_type, "days")
        self.assertTrue(cron.active)
        before = self.env["golive.check.run"].search_count([("trigger", "=", "cron")])
        cron.method_direct_trigger()
        runs = self.env["golive.check.run"].search([("trigger", "=", "cron")])
        self.assertEqual(len(runs), before + 1)
        self.assertGreaterEqual(runs[0].check_count, 23)
        # opt-in checks (the test addon's crashing ones) did not run
        self.assertFalse(self.results(runs[0], "test.crash"))
        # process checks run in the server process
        self.assertStatus(runs[0], "test.process", "pass")

    def test_autovacuum_old_runs(self):
        runs = self.env["golive.check.run"]
        for _i in range(12):
            runs |= self.run_checks(["config.list_db"])
        self.env["golive.check.run"].search([]).write(
            {"date_start": fields.Datetime.now() - timedelta(days=200)}
        )
        recent = self.run_checks(["config.list_db"])
        removed = self.env["golive.check.run"]._gc_old_runs()
        self.assertGreater(removed, 0)
        remaining = self.env["golive.check.run"].search([])
        self.assertIn(recent, remaining)
        self.assertEqual(len(remaining), 10)
        self.assertFalse(
            self.env["golive.check.result"].search(
                [("run_id", "not in", remaining.ids)]
            )
        )
