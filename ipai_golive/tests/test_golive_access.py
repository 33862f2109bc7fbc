# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import USER_GROUP, GoliveCase

MODELS = (
    "golive.checklist",
    "golive.phase",
    "golive.task",
    "golive.checklist.template",
    "golive.checklist.template.phase",
    "golive.checklist.template.line",
    "golive.checklist.abort",
    "golive.task.waive",
    "golive.checklist.create",
)
FULL = ("read", "write", "create", "unlink")
# Expected model-level rights per profile.
MATRIX = {
    "user": {
        "golive.checklist": ("read", "write", "create"),
        "golive.phase": ("read", "write", "create"),
        "golive.task": ("read", "write", "create"),
        "golive.checklist.template": ("read",),
        "golive.checklist.template.phase": ("read",),
        "golive.checklist.template.line": ("read",),
        "golive.checklist.abort": (),
        # the reason wizard of a waiver (refused to users) and of an N/A
        "golive.task.waive": ("read", "write", "create"),
        "golive.checklist.create": ("read", "write", "create"),
    },
    "manager": {
        "golive.checklist": FULL,
        "golive.phase": FULL,
        "golive.task": FULL,
        "golive.checklist.template": FULL,
        "golive.checklist.template.phase": FULL,
        "golive.checklist.template.line": FULL,
        "golive.checklist.abort": ("read", "write", "create"),
        "golive.task.waive": ("read", "write", "create"),
        "golive.checklist.create": ("read", "write", "create"),
    },
    "employee": dict.fromkeys(MODELS, ()),
    "portal": dict.fromkeys(MODELS, ()),
}


@tagged("post_install", "-at_install")
class TestGoliveAccess(GoliveCase):
    def test_access_matrix(self):
        for profile, rights in MATRIX.items():
            user = getattr(self, profile)
            for model, allowed in rights.items():
                for operation in FULL:
                    with self.subTest(
                        profile=profile, model=model, operation=operation
                    ):
                        self.assertEqual(
                            self.env[model].with_user(user).has_access(operation),
                            operation in allowed,
                        )

    def test_portal_and_employee_read_nothing(self):
        for user in (self.portal, self.employee):
            with self.assertRaises(AccessError):
                self.checklist.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.gate_ci.with_user(user).read(["name"])

    def test_user_works_on_tasks_but_cannot_delete(self):
        task = self.task_plain.with_user(self.user)
        task.write({"state": "done", "evidence_url": "https://ci.example.com/run/42"})
        self.assertEqual(task.state, "done")
        with self.assertRaises(AccessError):
            task.unlink()
        with self.assertRaises(AccessError):
            self.checklist.with_user(self.user).unlink()

    def test_manager_deletes(self):
        self.task_plain.with_user(self.manager).unlink()
        self.checklist.with_user(self.manager).unlink()
        self.assertFalse(self.gate_ci.exists())

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_user = new_test_user(
            self.env,
            "golive_other",
            groups=f"base.group_user,{USER_GROUP}",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        Checklist = self.env["golive.checklist"]
        self.assertNotIn(self.checklist, Checklist.with_user(other_user).search([]))
        with self.assertRaises(AccessError):
            self.checklist.with_user(other_user).read(["name"])
        with self.assertRaises(AccessError):
            self.gate_ci.with_user(other_user).read(["name"])
        own = Checklist.with_user(other_user).create(
            {"name": "Other go-live", "date_golive": date(2030, 1, 1)}
        )
        self.assertEqual(own.company_id, other_company)
        self.assertNotIn(own, Checklist.with_user(self.user).search([]))
