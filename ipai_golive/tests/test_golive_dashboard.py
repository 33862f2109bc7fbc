# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase, field_spec


@tagged("post_install", "-at_install")
class TestGoliveDashboard(GoliveCase):
    """The Go-Live overview and the engine's dashboard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("ir_attachment.location", "file")
        # the dashboard reads every run: start from none (demo data runs the
        # demo manifest's drift check)
        cls.env["golive.check.run"].search([]).unlink()
        cls.task_plain.check_codes = "config.list_db"
        cls.gate_ci.check_codes = "params.attachment_location"
        cls.quiet = cls.env["golive.checklist"].create(
            {
                "name": "Quiet release",
                "date_kickoff": date(2026, 1, 5),
                "date_golive": date(2026, 1, 20),
            }
        )

    def _run(self, list_db):
        with patch.dict(config.options, {"list_db": list_db}):
            self.checklist.with_user(self.manager).action_run_checks()
        return self.checklist.check_run_id

    def _overview(self, user=None):
        action = self.env.ref("ipai_golive.golive_overview_action")
        model = self.env["golive.checklist"].with_user(user or self.user)
        arch = model.get_views([(action.view_ids[0].view_id.id, "kanban")])["views"][
            "kanban"
        ]["arch"]
        return action, model, arch

    def test_overview_is_the_landing_page(self):
        """The web client opens an app on its first (sub)menu with an action."""
        root = self.env.ref("ipai_golive_checks.menu_golive_root")
        menus = self.env["ir.ui.menu"].with_user(self.user).load_web_menus(False)
        self.assertEqual(
            menus[root.id]["actionID"],
            self.env.ref("ipai_golive.golive_overview_action").id,
        )

    def test_overview_criticals_first(self):
        self._run(list_db=True)
        self.assertEqual(self.checklist.audit_critical_count, 1)
        self.assertEqual(self.quiet.audit_critical_count, 0)
        action, model, arch = self._overview()
        self.assertIn('default_order="audit_critical_count desc', arch)
        result = model.web_search_read(
            eval(action.domain),  # noqa: S307 pylint: disable=eval-used
            field_spec(model, arch),
            order="audit_critical_count desc, gate_red_count desc, date_golive",
        )
        names = [record["name"] for record in result["records"]]
        self.assertLess(names.index("ACME v1.1.0"), names.index("Quiet release"))
        acme = next(r for r in result["records"] if r["name"] == "ACME v1.1.0")
        self.assertEqual(acme["audit_age_hours"], 0)
        # the passing gate was done by the audit, the other one is red
        self.assertEqual(acme["gate_red_count"], 1)
        self.assertIn("1) Kickoff", acme["phase_readiness"])
        self.assertIn("8) Go-Live Execution", acme["phase_readiness"])
        # a waiver takes the critical off the overview
        self._run(list_db=False)
        self.assertEqual(self.checklist.audit_critical_count, 0)

    def test_phase_readiness_and_audit_age(self):
        self.task_plain.state = "done"
        readiness = self.checklist.phase_readiness
        self.assertIn("1) Kickoff", readiness)
        self.assertIn("100%", readiness)  # the kickoff phase has one task, done
        self.assertIn("0%", readiness)
        run = self._run(list_db=False)
        run.date_start = fields.Datetime.now() - timedelta(hours=5)
        self.assertEqual(self.checklist.audit_age_hours, 5)
        self.assertFalse(self.checklist.audit_stale)
        self.assertFalse(self.quiet.audit_age_hours)
        self.assertTrue(self.quiet.audit_stale)  # never audited
        self.env["ir.config_parameter"].set_param("ipai_golive.audit_max_age_hours", 4)
        self.checklist.invalidate_recordset(["audit_stale"])
        self.assertTrue(self.checklist.audit_stale)

    def test_overview_queries_do_not_grow_with_checklists(self):
        run = self._run(list_db=True)
        _action, model, arch = self._overview()
        spec = field_spec(model, arch)
        template = self.env.ref("ipai_golive.template_kickoff_golive")
        model.web_search_read([], spec)  # warm the caches of the first read
        counts = []
        for extra in (1, 3):
            for i in range(extra):
                checklist = template._create_checklist(
                    {
                        "name": f"From template {extra}.{i}",
                        "date_kickoff": date(2026, 1, 5),
                        "date_golive": date(2026, 2, 16),
                    }
                )
                checklist.check_run_id = run
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = model.web_search_read([], spec)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertGreaterEqual(result["length"], extra + 2)
        self.assertEqual(counts[0], counts[1], counts)

    def test_findings_fail_now_and_changes(self):
        first = self._run(list_db=False)
        second = self._run(list_db=True)
        self.assertNotEqual(first, second)
        Finding = self.env["golive.check.finding"].with_user(self.manager)
        failing = Finding.search([("failing", "=", True)])
        self.assertEqual(failing.mapped("code"), ["config.list_db"])
        self.assertEqual(failing.severity, "critical")
        self.assertEqual(failing.run_id, second)
        changed = Finding.search([("changed", "=", True)])
        self.assertEqual(changed, failing)
        self.assertEqual(changed.previous_status, "pass")
        self.assertEqual(changed.status, "fail")
        # the attachment check did not change: not listed
        unchanged = Finding.search([("code", "=", "params.attachment_location")])
        self.assertEqual(unchanged.previous_status, "pass")
        self.assertFalse(unchanged.changed)
        # Waive, one click away
        action = failing.action_waive()
        self.assertEqual(action["res_model"], "golive.waiver")
        self.assertEqual(action["context"]["default_object_key"], "list_db")
        self.assertEqual(
            failing.action_open_result()["res_id"],
            second.sudo().result_ids.filtered(lambda r: r.code == "config.list_db").id,
        )

    def test_findings_most_severe_first(self):
        self.task_plain.check_codes = "config.list_db,config.proxy_mode"
        self._run(list_db=True)
        failing = self.env["golive.check.finding"].search([("failing", "=", True)])
        self.assertEqual(failing.mapped("severity")[0], "critical")
        ranks = failing.mapped("severity_rank")
        self.assertEqual(ranks, sorted(ranks, reverse=True))

    def test_findings_managers_only(self):
        self._run(list_db=True)
        with self.assertRaises(AccessError):
            self.env["golive.check.finding"].with_user(self.user).search([])

    def test_dashboard_views_load(self):
        for xmlid, user in (
            ("ipai_golive.golive_check_run_action_trend", self.user),
            ("ipai_golive.golive_check_finding_action_failing", self.manager),
            ("ipai_golive.golive_check_finding_action_changed", self.manager),
            ("ipai_golive.golive_check_finding_action_counts", self.manager),
            ("ipai_golive.golive_overview_action", self.user),
        ):
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].with_user(user)
            modes = action.view_mode.split(",")
            views = model.get_views(
                [(False, mode) for mode in modes] + [(False, "search")]
            )
            self.assertEqual(set(views["views"]), {*modes, "search"}, xmlid)
        self._run(list_db=True)
        groups = (
            self.env["golive.check.run"]
            .with_user(self.user)
            .read_group([], ["score:avg"], ["date_start:day"])
        )
        self.assertTrue(groups)
        counts = (
            self.env["golive.check.finding"]
            .with_user(self.manager)
            .read_group(
                [("failing", "=", True)],
                ["severity"],
                ["severity", "category"],
                lazy=False,
            )
        )
        self.assertEqual(
            [(g["severity"], g["category"], g["__count"]) for g in counts],
            [("critical", "config", 1)],
        )

    def test_tasks_group_by_checklist_first(self):
        action = self.env.ref("ipai_golive.golive_task_action")
        context = eval(action.context)  # noqa: S307 pylint: disable=eval-used
        self.assertEqual(context["search_default_group_checklist"], 1)
        self.assertEqual(context["search_default_group_phase"], 2)
        groups = (
            self.env["golive.task"]
            .with_user(self.user)
            .web_read_group([], ["state"], ["checklist_id", "phase_id"], lazy=False)
        )
        labels = {(g["checklist_id"][1], g["phase_id"][1]) for g in groups["groups"]}
        self.assertIn(("ACME v1.1.0", "8) Go-Live Execution"), labels)
