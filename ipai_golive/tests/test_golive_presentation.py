# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
import importlib.util
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGolivePresentation(GoliveCase):
    """What people see of an audit and of the checklist's screens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_plain.check_codes = "config.list_db"
        cls.gate_ci.check_codes = "params.attachment_location, config.list_db"
        cls.env["ir.config_parameter"].set_param("ir_attachment.location", "file")

    def run_checks(self, list_db):
        with patch.dict(config.options, {"list_db": list_db}):
            return self.checklist.with_user(self.manager).action_run_checks()

    def test_run_checks_notifies_what_changed(self):
        action = self.run_checks(list_db=False)
        self.assertEqual(action["tag"], "display_notification")
        score = f"{self.checklist.check_run_id.score:.1f}"
        self.assertEqual(action["params"]["message"], f"Score {score}: 2 tasks done.")
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        action = self.run_checks(list_db=True)
        self.assertRegex(
            action["params"]["message"],
            r"^Score [\d.]+: 2 reopened, 1 findings failing\.$",
        )
        self.assertEqual(action["params"]["type"], "warning")
        # the chatter alert links to the run and its failing findings
        self.assertIn(
            f'href="/odoo/golive.check.run/{self.checklist.check_run_id.id}"',
            self.checklist.message_ids[0].body,
        )

    def test_audit_changes_tracked_on_the_task(self):
        self.run_checks(list_db=False)
        message = self.task_plain.message_ids[0]
        tracking = message.sudo().tracking_value_ids
        self.assertEqual(tracking.field_id.name, "state")
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char), ("To Do", "Done")
        )
        self.assertIn("pass", message.body)
        self.run_checks(list_db=True)
        tracking = self.task_plain.message_ids[0].sudo().tracking_value_ids
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char), ("Done", "To Do")
        )
        # an unchanged task gets no message
        self.assertFalse(self.task_post.message_ids.tracking_value_ids)

    def test_tracking_keeps_a_constant_query_count(self):
        """Tracking the audit's changes on the tasks costs the same number of
        queries for 2 tasks changed as for 20."""

        def sync_queries():
            self.run_checks(list_db=True)
            results = self.checklist.check_run_id.sudo().result_ids
            results.write({"status": "pass"})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            done, _reopened = self.checklist.sudo()._sync_tasks_with_audit()
            self.env.flush_all()
            return len(done), self.env.cr.sql_log_count - before

        self.run_checks(list_db=True)  # warm-up
        few = sync_queries()
        for index in range(18):
            self._create_task(
                self.phase_golive, f"Bound {index}"
            ).check_codes = "config.list_db"
        many = sync_queries()
        self.assertEqual((few[0], many[0]), (2, 20))
        self.assertEqual(few[1], many[1])

    def test_activity_closes_on_recovery(self):
        self.run_checks(list_db=True)
        self.task_plain.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Automated checks fail",
            user_id=self.manager.id,
        )
        self.assertTrue(self.task_plain.activity_ids)
        self.run_checks(list_db=False)
        self.assertEqual(self.task_plain.state, "done")
        self.assertFalse(self.task_plain.activity_ids)

    def test_tasks_tab_reads_phase_by_phase(self):
        """A sequence handle in the Tasks tab sorted the rows by task sequence
        over the phases (0, 1, ... 9, 0, 1, ...): the rows keep the order
        of the model, phase first, and a page holds a whole checklist."""
        arch = etree.fromstring(
            self.env["golive.checklist"].get_view(view_type="form")["arch"]
        )
        (tasks_list,) = arch.xpath("//field[@name='task_ids']/list")
        self.assertFalse(tasks_list.xpath(".//field[@widget='handle']"))
        self.assertGreaterEqual(int(tasks_list.get("limit")), 200)
        self.assertEqual(tasks_list.xpath("./field/@name")[0], "phase_id")
        self.assertTrue(
            self.env["golive.task"]._order.startswith("checklist_id, phase_sequence")
        )

    def test_code_editors_use_modes_odoo_ships(self):
        """A code widget in a mode Odoo 18 does not ship (shell, yaml) makes
        every form load request a missing mode-*.js (404) and log a WARNING."""
        ace = Path(get_module_path("web"), "static", "lib", "ace")
        shipped = {path.stem.removeprefix("mode-") for path in ace.glob("mode-*.js")}
        views = self.env["ir.ui.view"].search(
            [
                ("model", "like", "golive.%"),
                ("type", "in", ("form", "list")),
            ]
        )
        self.assertTrue(views)
        for view in views:
            arch = etree.fromstring(
                self.env[view.model].get_view(view.id, view.type)["arch"]
            )
            for node in arch.xpath("//field[@widget='code' or @widget='ace']"):
                options = ast.literal_eval(node.get("options") or "{}")
                mode = options.get("mode", "qweb")
                self.assertIn(mode, shipped, f"{view.xml_id}: {node.get('name')}")

    def test_labels_for_people(self):
        self.assertEqual(self.checklist.gate_red_count, 2)
        self.assertEqual(self.checklist.gate_red_label, "2 red gates")
        self.gate_ci.write({"state": "waived", "waive_reason": "Accepted"})
        self.assertEqual(self.checklist.gate_red_label, "1 red gate")
        self.assertEqual(self.checklist.audit_age_label, "never audited")
        self.run_checks(list_db=False)
        start = self.checklist.check_run_date
        for delta, label in (
            (timedelta(seconds=20), "just now"),
            (timedelta(minutes=15), "15 min ago"),
            (timedelta(hours=3, minutes=59), "3 h ago"),
            (timedelta(days=4), "4 days ago"),
        ):
            with freeze_time(start + delta):
                self.checklist.invalidate_recordset(["audit_age_label"])
                self.assertEqual(self.checklist.audit_age_label, label)

    def test_task_names_without_markdown(self):
        """The seed's `code` marks are left out of the template's task names,
        and the migration takes them out of the tasks made before."""
        lines = self.env["golive.checklist.template.line"].search([])
        self.assertTrue(lines)
        self.assertFalse(lines.filtered(lambda line: "`" in line.name))
        self.assertIn("proxy_mode = True configured", lines.mapped("name"))
        self.task_plain.name = "`proxy_mode = True` configured"
        self.env.flush_all()
        migration = Path(
            get_module_path("ipai_golive"),
            "migrations",
            "18.0.1.1.0",
            "post-migrate.py",
        )
        spec = importlib.util.spec_from_file_location("golive_migration", migration)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.task_plain.invalidate_recordset(["name"])
        self.assertEqual(self.task_plain.name, "proxy_mode = True configured")

    def test_actions_have_readable_paths(self):
        """The app's menus open readable URLs (/odoo/golive-tasks), not
        /odoo/action-163."""
        menus = self.env["ir.ui.menu"].search(
            [("id", "child_of", self.env.ref("ipai_golive_checks.menu_golive_root").id)]
        )
        actions = [
            menu.action
            for menu in menus
            if menu.action
            and menu.action._name == "ir.actions.act_window"
            and menu.action.target != "new"  # dialogs keep the page's URL
        ]
        self.assertGreater(len(actions), 10)
        for action in actions:
            self.assertTrue(action.path, action.name)
        self.assertEqual(
            self.env.ref("ipai_golive.golive_task_action").path, "golive-tasks"
        )

    def test_new_on_the_overview_opens_the_template_wizard(self):
        for xmlid in (
            "ipai_golive.golive_overview_action",
            "ipai_golive.golive_checklist_action",
        ):
            action = self.env.ref(xmlid)
            kanban = next(view for view in action.views if view[1] == "kanban")[0]
            arch = etree.fromstring(
                self.env["golive.checklist"].get_view(kanban, "kanban")["arch"]
            )
            self.assertEqual(
                arch.get("on_create"), "ipai_golive.golive_checklist_create_action"
            )
        arch = etree.fromstring(
            self.env["golive.checklist"].get_view(view_type="form")["arch"]
        )
        for name in ("action_run_checks", "action_import_manifest"):
            (button,) = arch.xpath(f"//header/button[@name='{name}']")
            self.assertTrue(button.get("invisible").startswith("not id"), name)

    def test_release_pdf_skips_the_document_layout_wizard(self):
        """The release PDFs use no company layout: the first print by an
        administrator prints, without "Configure your document layout"."""
        self.env.company.external_report_layout_id = False
        for xmlid in (
            "ipai_golive.action_report_what_shipped",
            "ipai_golive.action_report_go_live_manifest",
        ):
            action = self.env.ref(xmlid).report_action([1])
            self.assertEqual(action["type"], "ir.actions.report", xmlid)
        # other reports keep Odoo's behaviour
        action = self.env.ref("web.action_report_externalpreview").report_action([1])
        self.assertNotEqual(action["type"], "ir.actions.report")

    def test_waive_sign_off_and_backup_say_what_changed(self):
        wizard = (
            self.env["golive.task.waive"]
            .with_user(self.manager)
            .create({"task_ids": [self.gate_ci.id], "reason": " Covered by staging "})
        )
        action = wizard.action_confirm()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"],
            f"Waived: {self.gate_ci.name}. Reason: Covered by staging",
        )
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        action = self.gate_ci.with_user(self.manager).action_sign_off()
        self.assertEqual(
            action["params"]["message"],
            f"Signed off by {self.manager.name}: {self.gate_ci.name}",
        )
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        self.assertEqual(self.gate_ci.signoff_user_id, self.manager)

    def test_back_up_now_says_the_backup_is_queued(self):
        directory = tempfile.mkdtemp(prefix="golive_t24_backup_")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        with patch.dict(config.options, {"golive_backup_dir": directory}):
            action = self.checklist.with_user(self.manager).action_backup()
        backup = self.checklist.backup_id
        self.assertEqual(backup.state, "queued")
        self.assertEqual(
            action["params"]["message"],
            f"Backup {backup.display_name} queued: it runs in the background "
            "and shows here when done.",
        )
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
