# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The app as a consultant presents it: tasks phase by phase, technical
values in words, and the responsible of a task re-running its checks."""

from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import config

from odoo.addons.ipai_golive_checks.tools.labels import object_labels

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveConsole(GoliveCase):
    def _list_arch(self, model, view_xmlid):
        view = self.env.ref(view_xmlid)
        return etree.fromstring(self.env[model].get_view(view.id, "list")["arch"])

    # Tasks phase by phase

    def test_task_groups_show_progress_and_red_gates_per_phase(self):
        """The group row of a phase: share of its applicable tasks done or
        waived (N/A ones leave the average) and its red gates."""
        self.task_plain.state = "done"
        self.gate_ci.state = "done"
        self.task_post.write({"state": "na", "na_reason": "No hypercare here"})
        self._create_task(self.phase_post, "Close the war room", state="done")
        groups = (
            self.env["golive.task"]
            .with_user(self.user)
            .web_read_group(
                [("checklist_id", "=", self.checklist.id)],
                ["progress:avg", "red_gate_count:sum"],
                ["phase_id"],
            )["groups"]
        )
        self.assertEqual(
            [(g["phase_id"][1], g["progress"], g["red_gate_count"]) for g in groups],
            [
                ("1) Kickoff", 1.0, 0),
                ("8) Go-Live Execution", 0.5, 1),
                # 1 of 1 applicable task done, not 1 of 2
                ("9) Post Go-Live", 1.0, 0),
            ],
        )
        # the same figures on the checklist's Tasks tab, phase by phase
        board = self.checklist.with_user(self.user).phase_board_ids
        self.assertEqual(
            [(p.task_count, p.progress, p.red_gate_count) for p in board],
            [(1, 100.0, 0), (2, 50.0, 1), (2, 100.0, 0)],
        )

    def test_task_list_reads_phase_by_phase(self):
        """The Tasks menu: grouped by phase in phase order, every row with
        section, gate mark, owner, deadline, check badge and state; the group
        rows with the phase's progress and red gates."""
        action = self.env.ref("ipai_golive.golive_task_action")
        self.assertIn("search_default_group_phase", action.context)
        # all tasks: under the Open filter every phase would read 0 %
        self.assertNotIn("search_default_open", action.context)
        arch = self._list_arch("golive.task", "ipai_golive.golive_task_view_list")
        self.assertEqual(
            arch.get("default_order"), "checklist_id, phase_sequence, sequence, id"
        )
        columns = {
            node.get("name"): node
            for node in arch.xpath("field")
            if node.get("column_invisible") not in ("1", "True")
        }
        for name in (
            "section",
            "is_gate",
            "user_id",
            "date_deadline",
            "check_status",
            "state",
            "progress",
            "red_gate_count",
        ):
            self.assertIn(name, columns)
        self.assertEqual(columns["is_gate"].get("widget"), "boolean_icon")
        self.assertEqual(columns["check_status"].get("widget"), "badge")
        self.assertEqual(columns["progress"].get("widget"), "percentage")
        fields = self.env["golive.task"].fields_get(["progress", "red_gate_count"])
        self.assertEqual(fields["progress"]["aggregator"], "avg")
        self.assertEqual(fields["red_gate_count"]["aggregator"], "sum")
        form = etree.fromstring(
            self.env["golive.checklist"].get_view(view_type="form")["arch"]
        )
        (tab,) = form.xpath("//page[@name='tasks']")
        self.assertEqual(
            [f.get("name") for f in tab.xpath("field")],
            ["phase_board_ids", "task_ids"],
        )

    # Technical values in words

    def test_check_codes_as_tags(self):
        self.gate_ci.check_codes = (
            "config.list_db, params.attachment_location:x, not.a_check"
        )
        self.assertEqual(
            self.gate_ci.with_user(self.user).check_ids.mapped("code"),
            ["config.list_db", "params.attachment_location"],
        )
        form = etree.fromstring(
            self.env["golive.task"]
            .with_user(self.user)
            .get_view(view_type="form")["arch"]
        )
        (tags,) = form.xpath("//field[@name='check_ids']")
        self.assertEqual(tags.get("widget"), "many2many_tags")

    def test_objects_by_name(self):
        company = self.env.company
        labels = object_labels(
            self.env, {f"res.company,{company.id}", "ipai_theme_aiux", False}
        )
        self.assertEqual(
            labels[f"res.company,{company.id}"], f"Companies: {company.name}"
        )
        self.assertEqual(labels["ipai_theme_aiux"], "ipai_theme_aiux")
        self.assertEqual(labels[False], "")
        # a record that no longer exists keeps its key
        self.assertEqual(
            object_labels(self.env, {"res.company,999999"})["res.company,999999"],
            "res.company,999999",
        )
        for model, xmlid in (
            ("golive.check.result", "ipai_golive_checks.golive_check_result_view_list"),
            ("golive.check.finding", "ipai_golive.golive_check_finding_view_list"),
        ):
            arch = self._list_arch(model, xmlid)
            (obj,) = arch.xpath("field[@name='object_label']")
            (key,) = arch.xpath("field[@name='object_key']")
            self.assertEqual(key.get("optional"), "hide")
            # Code, Object and Category are not cut to "manifest.a…"
            for name in ("code", "object_label", "category"):
                (node,) = arch.xpath(f"field[@name='{name}']")
                self.assertTrue(node.get("width"), f"{model}.{name}")

    def test_object_label_of_a_finding(self):
        with patch.dict(config.options, {"list_db": False}):
            self.gate_ci.check_codes = "config.list_db"
            self.checklist.with_user(self.manager).action_run_checks()
        run = self.checklist.check_run_id
        result = run.result_ids[:1]
        company = self.env.company
        result.object_key = f"res.company,{company.id}"
        self.assertEqual(
            result.with_user(self.manager).object_label, f"Companies: {company.name}"
        )
        # the run was given the checklist's environment: said in words
        self.assertEqual(run.environment_source, "argument")
        self.assertEqual(run.environment_source_label, "Chosen for this run")
        arch = self.env["golive.check.run"].get_view(view_type="form")["arch"]
        self.assertNotIn('name="environment_source"', arch)

    def test_what_shipped_gate_checks_in_words(self):
        """WHAT_SHIPPED says "Not Run", not ``not_run`` (also for releases
        whose snapshot holds the raw status)."""
        self.gate_ci.check_codes = "config.list_db"
        self.assertEqual(self.gate_ci.check_status, "not_run")
        Release = self.env["golive.release"]
        gates = Release._release_gates(self.checklist)
        self.assertEqual(
            [Release._check_status_label(gate["checks"]) for gate in gates],
            ["Not Run", "-"],
        )
        # what both renderings of the report read (tools/release_report.py)
        source = Release.new({"gate_data": gates})._report_source()
        self.assertEqual([gate["checks"] for gate in source.gates], ["Not Run", "-"])

    # The responsible re-runs the checks of their task

    def _rerun(self, user, task, list_db):
        with patch.dict(config.options, {"list_db": list_db}):
            return task.with_user(user).action_rerun_checks()

    def test_responsible_reruns_the_checks_of_their_task(self):
        self.task_plain.write(
            {"user_id": self.user.id, "check_codes": "config.list_db"}
        )
        audit = self.checklist.check_run_id
        task = self.task_plain.with_user(self.user)
        self.assertTrue(task.can_rerun_checks)
        action = self._rerun(self.user, self.task_plain, list_db=True)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(task.check_status, "fail")
        self.assertEqual(task.state, "todo")
        self.assertIn("config.list_db", task.check_message)
        action = self._rerun(self.user, self.task_plain, list_db=False)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            action["params"]["message"],
            f"Checks re-run by {self.user.name}: Pass (score 100.0).",
        )
        # the verdict at the user's level: the task's status and state
        self.assertEqual(task.check_status, "pass")
        self.assertEqual(task.state, "done")
        self.assertFalse(task.check_message)
        self.assertIn("Checks re-run by", task.message_ids[:1].body)
        # the checklist's audit is not replaced by one task's checks
        self.assertEqual(self.checklist.check_run_id, audit)
        # the findings stay with Go-Live Managers
        with self.assertRaises(AccessError):
            self.env["golive.check.result"].with_user(self.user).search([])

    def test_rerun_refused_on_another_users_task(self):
        self.task_plain.write(
            {"user_id": self.manager.id, "check_codes": "config.list_db"}
        )
        self.assertFalse(self.task_plain.with_user(self.user).can_rerun_checks)
        runs = self.env["golive.check.run"].search_count([])
        with self.assertRaisesRegex(AccessError, "Only the task's responsible"):
            self._rerun(self.user, self.task_plain, list_db=False)
        self.assertEqual(self.env["golive.check.run"].search_count([]), runs)
        # a Go-Live Manager may
        self._rerun(self.manager, self.task_plain, list_db=False)
        self.assertEqual(self.task_plain.check_status, "pass")

    def test_rerun_refused_to_a_plain_employee(self):
        self.task_plain.write(
            {"user_id": self.employee.id, "check_codes": "config.list_db"}
        )
        with self.assertRaises(AccessError):
            self._rerun(self.employee, self.task_plain, list_db=False)
        self.assertFalse(self.task_plain.check_status == "pass")
