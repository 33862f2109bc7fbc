# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo.exceptions import RedirectWarning, UserError
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUP, GoliveCase

# What core Odoo raises from _button_immediate_function inside tests: seeing
# it proves that our guard let the operation through (module operations
# commit and reload the registry, which a test may not do).
IMMEDIATE_IN_TESTS = "Module operations inside tests are not transactional"
FROZEN = (
    r"Module changes are frozen until .* after the go-live of ACME v1\.1\.0: only "
    r"a Go-Live Manager can install, upgrade or uninstall modules, with a hotfix "
    r"reason\."
)


@tagged("post_install", "-at_install")
class TestGoliveFreeze(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # module operations need an administrator
        cls.admin = new_test_user(
            cls.env, "golive_sysadmin", groups="base.group_user,base.group_system"
        )
        cls.admin_manager = new_test_user(
            cls.env,
            "golive_sysadmin_manager",
            groups=f"base.group_user,base.group_system,{MANAGER_GROUP}",
        )
        cls.Module = cls.env["ir.module.module"]
        cls.installed = cls.Module.search([("name", "=", "ipai_golive")])
        cls.uninstalled = cls.Module.search(
            [("state", "=", "uninstalled"), ("name", "=", "hr")]
        )

    def setUp(self):
        super().setUp()
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()
        (self.gate_ci | self.gate_backup).state = "done"
        self._decide_go()
        self.checklist.with_user(self.manager).action_go_live()

    def _end_freeze(self):
        self.checklist.sudo().date_live -= timedelta(
            days=self.checklist.freeze_days, minutes=1
        )

    def test_the_freeze_runs_from_go_live_to_its_end(self):
        frozen = self.env["golive.checklist"]._golive_frozen_checklists()
        self.assertIn(self.checklist, frozen)
        self.assertTrue(self.checklist.is_frozen)
        self._end_freeze()
        self.assertFalse(self.checklist.is_frozen)
        self.assertNotIn(
            self.checklist, self.env["golive.checklist"]._golive_frozen_checklists()
        )
        # after the freeze, nothing is refused
        self.installed.with_user(self.admin)._golive_check_freeze("upgrade")

    def test_ui_module_operations_are_refused_to_non_managers(self):
        operations = {
            "install": lambda: self.uninstalled.with_user(
                self.admin
            ).button_immediate_install(),
            "upgrade": lambda: self.installed.with_user(
                self.admin
            ).button_immediate_upgrade(),
            "uninstall": lambda: self.installed.with_user(
                self.admin
            ).button_immediate_uninstall(),
            "scheduled": lambda: self.env["base.module.upgrade"]
            .with_user(self.admin)
            .create({})
            .upgrade_module(),
        }
        self.installed.button_upgrade()  # something scheduled for the batch
        for name, operation in operations.items():
            with self.subTest(operation=name):
                with self.assertRaisesRegex(UserError, FROZEN):
                    operation()

    def test_a_manager_is_asked_for_a_hotfix_reason(self):
        with self.assertRaises(RedirectWarning) as redirect:
            self.installed.with_user(self.admin_manager).button_immediate_upgrade()
        message, action_id, button, context = redirect.exception.args
        self.assertRegex(
            message,
            r"Module changes are frozen until .* after the go-live of ACME "
            r"v1\.1\.0\. Record the reason of this hotfix to go on\.",
        )
        self.assertEqual(
            action_id, self.env.ref("ipai_golive.golive_freeze_hotfix_action").id
        )
        self.assertEqual(button, "Record a Hotfix")
        self.assertEqual(
            context,
            {
                "default_checklist_id": self.checklist.id,
                "default_operation": "upgrade",
                "default_module_ids": self.installed.ids,
            },
        )

    def test_override_with_a_reason_is_recorded(self):
        with self.assertRaises(RedirectWarning) as redirect:
            self.installed.with_user(self.admin_manager).button_immediate_upgrade()
        context = redirect.exception.args[3]
        Wizard = (
            self.env["golive.freeze.hotfix"]
            .with_user(self.admin_manager)
            .with_context(**context)
        )
        with self.assertRaisesRegex(UserError, "needs a reason"):
            Wizard.create({"reason": "  "}).action_confirm()
        wizard = Wizard.create({"reason": "INC-42: invoices fail to post"})
        with self.assertRaisesRegex(RuntimeError, IMMEDIATE_IN_TESTS):
            wizard.action_confirm()
        hotfix = self.checklist.hotfix_ids
        self.assertEqual(len(hotfix), 1)
        self.assertEqual(hotfix.reason, "INC-42: invoices fail to post")
        self.assertEqual(hotfix.user_id, self.admin_manager)
        self.assertEqual(hotfix.operation, "upgrade")
        self.assertEqual(hotfix.module_names, "ipai_golive")
        self.assertTrue(hotfix.used)
        body = self.checklist.message_ids[:1].body
        self.assertIn("Hotfix during the freeze", body)
        self.assertIn("INC-42", body)
        # a hotfix allows one operation
        with self.assertRaises(RedirectWarning):
            self.installed.with_user(self.admin_manager).with_context(
                golive_hotfix_id=hotfix.id
            ).button_immediate_upgrade()

    def test_a_hotfix_is_personal_and_for_its_modules(self):
        hotfix = (
            self.env["golive.hotfix"]
            .sudo()
            .create(
                {
                    "checklist_id": self.checklist.id,
                    "user_id": self.manager.id,
                    "operation": "upgrade",
                    "module_names": "ipai_golive",
                    "reason": "INC-43",
                }
            )
        )
        other_module = self.Module.search([("name", "=", "ipai_golive_checks")])
        for module, operation in (
            (other_module, "upgrade"),
            (self.installed, "uninstall"),
        ):
            with self.subTest(module=module.name, operation=operation):
                with self.assertRaises(RedirectWarning):
                    module.with_user(self.admin_manager).with_context(
                        golive_hotfix_id=hotfix.id
                    )._golive_check_freeze(operation)
        # someone else's hotfix
        with self.assertRaises(RedirectWarning):
            self.installed.with_user(self.admin_manager).with_context(
                golive_hotfix_id=hotfix.id
            )._golive_check_freeze("upgrade")
        self.assertFalse(hotfix.used)

    def test_cli_path_is_untouched(self):
        """``odoo-bin -i/-u`` marks modules with button_install/button_upgrade
        while loading: not guarded, whoever runs them during the freeze."""
        self.uninstalled.with_user(self.admin).button_install()
        self.assertEqual(self.uninstalled.state, "to install")
        self.installed.with_user(self.admin).button_upgrade()
        self.assertEqual(self.installed.state, "to upgrade")

    def test_cli_changes_show_as_module_drift(self):
        snapshot = json.loads(self.checklist.module_versions)
        self.assertEqual(snapshot["ipai_golive"], self.installed.latest_version)
        self.assertNotIn("hr", snapshot)
        self.assertFalse(self.checklist.module_drift)
        # what `odoo-bin -u ipai_golive -i hr` would leave behind
        before = self.installed.latest_version
        self.installed.latest_version = "18.0.9.9.9"
        self.uninstalled.write({"state": "installed", "latest_version": "18.0.1.1"})
        self.checklist.invalidate_recordset(["module_drift"])
        self.assertEqual(
            self.checklist.module_drift,
            f"hr 18.0.1.1 installed\nipai_golive {before} → 18.0.9.9.9",
        )
