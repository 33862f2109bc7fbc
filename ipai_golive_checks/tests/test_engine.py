# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket
import threading
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged
from odoo.tools import config, file_path, mute_logger

from ..models.golive_check_run import (
    LOCK_KEY,
    GoliveCheckRunLocked,
    GoliveCheckSelectionEmpty,
)
from ..tools.secrets import MASK, mask, mask_text
from ..tools.vocabulary import USER_GROUP
from .common import GoliveCase

PLANTED_TOKEN = "Planted-Tok-4j8q"  # test_ipai_golive_checks' test.masked_token


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

    def test_environment_parameter_migration(self):
        """18.0.1.1.0 renames ipai_golive.environment into the engine's namespace."""
        path = file_path("ipai_golive_checks/migrations/18.0.1.1.0/pre-migrate.py")
        migration = load_script(path, "ipai_golive_checks_pre_migrate_18_0_1_1_0")
        icp = self.env["ir.config_parameter"].sudo()
        icp.search([("key", "=", "ipai_golive_checks.environment")]).unlink()
        icp.set_param("ipai_golive.environment", "staging")
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(icp.get_param("ipai_golive_checks.environment"), "staging")
        self.assertFalse(icp.search([("key", "=", "ipai_golive.environment")]))
        # a value already set in the new key wins; the old key goes
        icp.set_param("ipai_golive.environment", "dev")
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(icp.get_param("ipai_golive_checks.environment"), "staging")
        self.assertFalse(icp.search([("key", "=", "ipai_golive.environment")]))

    def test_environment_resolution_order(self):
        registry = self.env["golive.check.registry"]
        icp = self.env["ir.config_parameter"].sudo()
        icp.search([("key", "=", "ipai_golive_checks.environment")]).unlink()
        with patch.dict(config.options, {"golive_environment": False}):
            self.assertEqual(
                registry._golive_resolve_environment(), ("prod", "default")
            )
            icp.set_param("ipai_golive_checks.environment", "Staging")
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
                other_env["golive.check.run"]._run_checks(
                    codes=["config.list_db"], lock_wait=0
                )
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
            with self.assertRaisesRegex(
                GoliveCheckRunLocked, "already running.*retry when it has finished"
            ):
                self.run_checks(["config.list_db"], lock_wait=0.5)
            other_cr.rollback()
        finally:
            other_cr.close()
        self.assertTrue(self.run_checks(["config.list_db"]))

    def test_run_waits_for_the_lock(self):
        """A run started while another one ends waits for it, then runs."""
        other_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            other_cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY)
            self.assertTrue(other_cr.fetchone()[0])
            # the other run ends (its transaction commits) after 1 second
            timer = threading.Timer(1.0, other_cr.commit)
            timer.start()
            try:
                run = self.run_checks(["config.list_db"], lock_wait=10)
            finally:
                timer.join()
        finally:
            other_cr.close()
        self.assertEqual(len(self.results(run)), 1)

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
        user = new_test_user(self.env, login="golive_user", groups=USER_GROUP)
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
        # every failing job is accounted for: 99 listed, the rest counted
        failing = self.env["ir.cron"].search([("failure_count", ">", 0)])
        self.assertFalse(crons - failing)
        self.assertEqual(results[-1].evidence["count"], len(failing) - 99)
        self.assertEqual(
            len(results[-1].evidence["objects"]), min(50, len(failing) - 99)
        )
        listed = set(results[:-1].mapped("object_key"))
        self.assertEqual(len(listed), 99)
        self.assertEqual(run.count_fail, 100)

    def test_cron_self_audit(self):
        cron = self.env.ref("ipai_golive_checks.ir_cron_golive_self_audit")
        self.assertEqual(cron.interval_type, "days")
        self.assertTrue(cron.active)
        # the network checks call this very server, which does not answer
        # while the test holds the database (each call waits for its timeout)
        self.env["golive.check"].search([("tags", "ilike", "network")]).enabled = False
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

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------
    def test_unknown_category_or_tag_refused(self):
        for kwargs, message in (
            ({"categories": ["confg"]}, "Unknown category.*: confg"),
            ({"tags": ["licencing"]}, "Unknown tag.*: licencing"),
            ({"exclude_tags": ["slw"]}, "Unknown excluded tag.*: slw"),
            ({"codes": ["no.such_check"]}, "Unknown check code.*: no.such_check"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.Run._run_checks(**kwargs)
        # known filters that select nothing
        with self.assertRaisesRegex(GoliveCheckSelectionEmpty, "No check matches"):
            self.run_checks(["config.list_db"], exclude_tags=["config"])
        run = self.Run._run_checks(categories=["config"], tags=["licensing", "config"])
        self.assertTrue(run.check_count)
        self.assertEqual(set(self.results(run).mapped("category")), {"config"})

    # ------------------------------------------------------------------
    # Thresholds and evidence
    # ------------------------------------------------------------------
    def _set_raw_parameters(self, code, parameters):
        """Store thresholds as a former version or a direct SQL edit could."""
        self.env.cr.execute(
            "UPDATE golive_check SET parameters = %s WHERE code = %s",
            (parameters, code),
        )
        self.env.invalidate_all()

    def test_bad_threshold_is_an_error_of_its_check_only(self):
        for parameters in ('{"network_timeout": null}', '{"network_timeout": "5s"}'):
            self._set_raw_parameters("test.network_probe", parameters)
            run = self.run_checks(["test.network_probe", "config.list_db"])
            probe = self.results(run, "test.network_probe")
            self.assertEqual(probe.status, "error")
            self.assertIn("network_timeout", probe.message)
            self.assertEqual(len(self.results(run, "config.list_db")), 1)
            self.assertNotEqual(self.results(run, "config.list_db").status, "error")

    def test_numeric_thresholds_validated(self):
        Check = self.env["golive.check"]
        probe = Check.search([("code", "=", "test.network_probe")])
        overdue = Check.search([("code", "=", "crons.overdue")])
        for check, parameters in (
            (probe, '{"network_timeout": "5s"}'),
            (probe, '{"network_timeout": null}'),
            (probe, '{"network_timeout": 0}'),
            (overdue, '{"tolerance_minutes": null}'),
            (overdue, '{"tolerance_minutes": "60"}'),
            (overdue, '{"tolerance_minutes": NaN}'),
            (overdue, '{"network_timeout": true}'),
        ):
            with self.assertRaises(ValidationError, msg=parameters):
                check.parameters = parameters
        overdue.parameters = '{"tolerance_minutes": 30, "note": "ok"}'
        probe.parameters = '{"network_timeout": 1.5}'
        run = self.run_checks(["test.network_probe"])
        self.assertEqual(
            self.results(run).evidence["network_timeout"],
            1.5,
            self.results(run).message,
        )

    def test_evidence_and_memory_not_json(self):
        check = self.env["golive.check"].search([("code", "=", "test.bad_memory")])
        check.memory = {"kept": 1}
        run = self.run_checks(
            ["test.bad_evidence", "test.bad_memory", "config.list_db"]
        )
        self.assertEqual(
            self.statuses(run, "test.bad_evidence"),
            {"nan": "error", "tuple": "error", "plain": "pass"},
        )
        nan = self.results(run, "test.bad_evidence").filtered(
            lambda r: r.object_key == "nan"
        )
        self.assertIn("cannot be stored as JSON", nan.message)
        self.assertIn("Not a number.", nan.message)
        plain = self.results(run, "test.bad_evidence").filtered(
            lambda r: r.object_key == "plain"
        )
        self.assertEqual(plain.evidence, {"mapping": {"3": "int keys are fine"}})
        # what the check found is kept, with the error of its memory
        self.assertEqual(
            self.statuses(run, "test.bad_memory"), {"memory": "pass", "": "error"}
        )
        self.assertEqual(check.memory, {"kept": 1})
        self.assertEqual(len(self.results(run, "config.list_db")), 1)
        self.env.flush_all()

    def test_network_timeout_is_not_process_wide(self):
        default = socket.getdefaulttimeout()
        run = self.run_checks(["test.network_probe"])
        evidence = self.results(run).evidence
        # the check gets its timeout; the process default stays untouched
        self.assertEqual(evidence["network_timeout"], 3.0)
        self.assertEqual(evidence["socket_default"], default)
        self.assertEqual(socket.getdefaulttimeout(), default)

    # ------------------------------------------------------------------
    # Last status, waivers, schema
    # ------------------------------------------------------------------
    def test_cli_skip_keeps_last_status_of_process_checks(self):
        check = self.env["golive.check"].search([("code", "=", "test.process")])
        server_run = self.run_checks(["test.process"])
        self.assertEqual(check.last_status, "pass")
        cli_run = self.Run._run_checks(trigger="cli", codes=["test.process"])
        self.assertEqual(self.results(cli_run).status, "skipped")
        self.assertEqual(check.last_status, "pass")
        self.assertEqual(check.last_run_id, server_run)

    def test_waiver_without_expiry_date_is_expired(self):
        check = self.env["golive.check"].search([("code", "=", "config.workers")])
        waiver = self.env["golive.waiver"].new(
            {"check_id": check.id, "reason": "r", "expiry_date": False}
        )
        self.assertEqual(waiver.state, "expired")

    def test_waiver_on_a_masked_key_applies(self):
        run = self.run_checks(["test.masked_token"])
        result = self.results(run)
        self.assertEqual(result.object_key, f"https://ops:{MASK}@upstream.example.com")
        action = result.with_user(self.manager).action_waive()
        self.env["golive.waiver"].with_context(**action["context"]).create(
            {"reason": "Known upstream"}
        )
        run = self.run_checks(["test.masked_token"])
        self.assertEqual((run.count_warn, run.count_waived), (0, 1))

    def test_one_active_waiver_per_check_and_object(self):
        """A second waiver in force for the same check and object is refused
        with a clear error (it used to be accepted, the latest one silently
        winning); an expired one does not count."""
        check = self.env["golive.check"].search([("code", "=", "config.workers")])
        today = fields.Date.today()
        Waiver = self.env["golive.waiver"]
        Waiver.create(
            {
                "check_id": check.id,
                "object_key": "workers",
                "reason": "expired",
                "expiry_date": today - timedelta(days=3),
            }
        )
        waiver = Waiver.create(
            {
                "check_id": check.id,
                "object_key": "workers",
                "reason": "in force",
                "expiry_date": today + timedelta(days=30),
            }
        )
        with self.assertRaises(ValidationError) as caught:
            Waiver.create(
                {
                    "check_id": check.id,
                    "object_key": "workers",
                    "reason": "again",
                    "expiry_date": today + timedelta(days=300),
                }
            )
        self.assertIn(
            "config.workers [workers] is already waived", str(caught.exception)
        )
        # the whole check, or another object, is another waiver
        Waiver.create({"check_id": check.id, "reason": "whole check"})
        Waiver.create(
            {"check_id": check.id, "object_key": "max_cron_threads", "reason": "r"}
        )
        with patch.dict(config.options, {"workers": 0, "max_cron_threads": 0}):
            run = self.run_checks(["config.workers"])
        waived = run.sudo().waived_result_ids
        self.assertEqual(
            waived.filtered(lambda r: r.object_key == "workers").waiver_id, waiver
        )

    def test_waived_finding_shows_waived_at_once(self):
        """Waiving a finding marks it waived in the latest run at once, not
        at the next run; the older runs keep what they recorded."""
        with patch.dict(config.options, {"workers": 0, "max_cron_threads": 0}):
            old_run = self.run_checks(["config.workers"])
            run = self.run_checks(["config.workers"])
        result = self.results(run).filtered(lambda r: r.object_key == "workers")
        action = result.with_user(self.manager).action_waive()
        waiver = (
            self.env["golive.waiver"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Single-process staging box"})
        )
        self.assertTrue(result.waived)
        self.assertEqual(result.waiver_id, waiver)
        other = self.results(run) - result
        self.assertEqual(other.mapped("waived"), [False])
        self.assertFalse(any(self.results(old_run).mapped("waived")))
        self.assertEqual(run.sudo().waived_result_ids, result)

    def test_schema_of_results_and_checks(self):
        cr = self.env.cr
        cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'golive_check_result'"
        )
        self.assertTrue(
            any("(check_id)" in row[0] for row in cr.fetchall()),
            "golive_check_result.check_id has no index",
        )
        # title and remediation are code metadata: one plain value, no translations
        cr.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'golive_check' "
            "AND column_name IN ('title', 'remediation')"
        )
        self.assertEqual(
            dict(cr.fetchall()),
            {"title": "character varying", "remediation": "text"},
        )


@tagged("post_install", "-at_install")
class TestSecretMasking(GoliveCase):
    def test_everything_beneath_a_secret_key(self):
        self.assertEqual(
            mask({"tokens": ["ghp_abc1234"], "api_keys": {"github": "ghp_def5678"}}),
            {"tokens": [MASK], "api_keys": {"github": MASK}},
        )
        self.assertEqual(
            mask({"passwords": [{"user": "u", "nested": ["x1", 3]}], "ok": [1, True]}),
            {"passwords": [{"user": MASK, "nested": [MASK, MASK]}], "ok": [1, True]},
        )

    def test_status_counts_are_not_secrets(self):
        """ "pass" names a status; "smtp_pass" and "password" name credentials."""
        counts = {"pass": 26, "warn": 2, "fail": 13, "error": 0, "skipped": 4}
        self.assertEqual(mask({"counts": counts}), {"counts": counts})
        self.assertEqual(mask_text("pass: 26, fail: 13"), "pass: 26, fail: 13")
        self.assertEqual(
            mask({"smtp_pass": "hunter22", "password": "x1y2", "db_passwd": "z"}),
            {"smtp_pass": MASK, "password": MASK, "db_passwd": MASK},
        )
        self.assertEqual(mask_text("smtp_pass=hunter22"), f"smtp_pass={MASK}")

    def test_dict_keys_masked(self):
        self.assertEqual(
            mask(
                {"host Zebra-Xyz-42": "value", "https://bob:hunter2@example.com": 1},
                ["Zebra-Xyz-42"],
            ),
            {f"host {MASK}": "value", f"https://bob:{MASK}@example.com": 1},
        )

    def test_quoted_parameters(self):
        self.assertEqual(
            mask_text("""{'password': 'pw one', "api_key": "k2", 'token': ''}"""),
            f"""{{'password': '{MASK}', "api_key": "{MASK}", 'token': ''}}""",
        )
        self.assertEqual(mask_text('secret="abc def"'), f'secret="{MASK}"')

    def test_url_password_with_at_sign(self):
        self.assertEqual(
            mask_text("postgres://odoo:p@ss@w0rd@db.example.com:5432/prod"),
            f"postgres://odoo:{MASK}@db.example.com:5432/prod",
        )
        # an "@" after the host (a query) is not a credential
        self.assertEqual(
            mask_text("https://erp.example.com/web?login=a@b.example.com"),
            "https://erp.example.com/web?login=a@b.example.com",
        )

    def test_markup_around_a_masked_value_kept(self):
        self.assertEqual(
            mask_text("<system-out>WARNING token=abc</system-out>"),
            f"<system-out>WARNING token={MASK}</system-out>",
        )

    def test_fetchmail_and_iap_secrets_known(self):
        fetch_password = "Fetch-Pa55-Planted-2v7"
        self.env["fetchmail.server"].create(
            {
                "name": "Planted IMAP",
                "server": "imap.example.com",
                "server_type": "imap",
                "user": "inbox",
                "password": fetch_password,
            }
        )
        planted = {fetch_password}
        # iap is auto-installed with web and base_setup: always here
        iap_token = "Iap-Tok3n-Planted-8c1"
        service = self.env["iap.service"].create(
            {
                "name": "Go-Live test",
                "technical_name": "golive_test",
                "description": "test",
                "unit_name": "credits",
                "integer_balance": True,
            }
        )
        self.env["iap.account"].create(
            {"service_id": service.id, "account_token": iap_token}
        )
        planted.add(iap_token)
        known = self.env["golive.check.run"]._golive_known_secrets()
        self.assertLessEqual(planted, known)
        self.assertEqual(
            mask(f"x {fetch_password} y", known),
            f"x {MASK} y",
        )
