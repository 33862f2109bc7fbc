# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The permission matrix of both addons: who may do what, as a table.

Rows are the models (enumerated from the registry: a model of the addons
without a row fails), the reports (enumerated from ``ir.actions.report``), the
routes (enumerated from the routing map) and the governance fields; columns
are the six people of a go-live. Each verdict is a real ORM call or a real
HTTP request.
"""

import json
from urllib.parse import quote as url_quote

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.ipai_golive_checks.checks.manifest import thread_database
from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

from .common import GoliveCase

ADDONS = ("ipai_golive", "ipai_golive_checks")
ROLES = ("public", "portal", "employee", "user", "manager", "other_manager")
NONE = "----"
READ = "r---"
RWC = "rwc-"
FULL = "rwcu"
# model: rights (read, write, create, unlink) of each role of ROLES; the
# manager of another company has the manager's model rights, the company
# rules (below) keep them off this company's records.
MODEL_RIGHTS = {
    "golive.backup": (NONE, NONE, NONE, READ, READ, READ),
    "golive.check": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.check.endpoint": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.check.finding": (NONE, NONE, NONE, NONE, READ, READ),
    "golive.check.result": (NONE, NONE, NONE, NONE, "r--u", "r--u"),
    "golive.check.run": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.checklist": (NONE, NONE, NONE, RWC, FULL, FULL),
    "golive.checklist.abort": (NONE, NONE, NONE, NONE, RWC, RWC),
    "golive.checklist.create": (NONE, NONE, NONE, RWC, RWC, RWC),
    "golive.checklist.decide": (NONE, NONE, NONE, RWC, RWC, RWC),
    "golive.checklist.template": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.checklist.template.line": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.checklist.template.phase": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.decision": (NONE, NONE, NONE, READ, READ, READ),
    "golive.freeze.hotfix": (NONE, NONE, NONE, NONE, RWC, RWC),
    "golive.hotfix": (NONE, NONE, NONE, READ, READ, READ),
    "golive.rollback": (NONE, NONE, NONE, READ, READ, READ),
    "golive.manifest": (NONE, NONE, NONE, READ, FULL, FULL),
    "golive.manifest.import": (NONE, NONE, NONE, NONE, RWC, RWC),
    "golive.phase": (NONE, NONE, NONE, RWC, FULL, FULL),
    "golive.release": (NONE, NONE, NONE, READ, RWC, RWC),
    "golive.task": (NONE, NONE, NONE, RWC, FULL, FULL),
    "golive.task.waive": (NONE, NONE, NONE, RWC, RWC, RWC),
    "golive.waiver": (NONE, NONE, NONE, READ, FULL, FULL),
}
# Models with no rights of their own (abstract: reached through others).
ABSTRACT = {
    "golive.check.registry",
    "golive.check.sandbox",
    "report.ipai_golive.report_go_live_manifest",
    "report.ipai_golive.report_go_live_manifest_md",
    "report.ipai_golive.report_what_shipped",
    "report.ipai_golive.report_what_shipped_md",
}
# Who reads one record of this company, per role (True: may read).
COMPANY_READERS = (False, False, False, True, True, False)
COMPANY_MODELS = (
    "golive.checklist",
    "golive.phase",
    "golive.task",
    "golive.decision",
    "golive.release",
    "golive.backup",
    "golive.hotfix",
    "golive.rollback",
)
# Stored models with no company: the engine audits the database as a whole
# (a run, its results and findings, a waiver, an endpoint, a ship manifest
# are of the database, which every company shares), and catalogues and
# templates are shared by design. Guarded by their groups (MODEL_RIGHTS).
DATABASE_WIDE = {
    "golive.check",
    "golive.check.endpoint",
    "golive.check.finding",
    "golive.check.result",
    "golive.check.run",
    "golive.checklist.template",
    "golive.checklist.template.line",
    "golive.checklist.template.phase",
    "golive.manifest",
    "golive.waiver",
}
# Reports of the addons: who renders a stored release of this company.
REPORTS = {
    "ipai_golive.report_what_shipped": COMPANY_READERS,
    "ipai_golive.report_what_shipped_md": COMPANY_READERS,
    "ipai_golive.report_go_live_manifest": COMPANY_READERS,
    "ipai_golive.report_go_live_manifest_md": COMPANY_READERS,
}
# Routes of the addons' controllers: the HTTP status per role, without a
# metrics token configured (off: 404 for everyone).
ROUTES = {
    "/golive/metrics": (404, 404, 404, 404, 404, 404),
    # the download of a stored release's Markdown (Odoo answers 200 with the
    # error in JSON when refused): True when the report comes back
    "/report/download": COMPANY_READERS,
}
# (model, field, value): governance, written by a Go-Live Manager only.
GOVERNANCE = (
    ("golive.checklist", "approver_id", "user"),
    ("golive.checklist", "freeze_days", 0),
    ("golive.task", "check_codes", "config.list_db"),
    ("golive.task", "is_gate", True),
    ("golive.task", "signoff_required", True),
    ("golive.task", "state", "na"),  # on a gate
)


class MatrixCase(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.public = cls.env.ref("base.public_user")
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_manager = new_test_user(
            cls.env,
            "golive_other_manager",
            groups=f"base.group_user,{MANAGER_GROUP}",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.release = cls.checklist._take_release("manual")
        cls.decision = cls.env["golive.decision"].create(
            {
                "checklist_id": cls.checklist.id,
                "decision": "nogo",
                "comment": "Not yet",
                "user_id": cls.manager.id,
            }
        )

    def _people(self):
        return [getattr(self, role) for role in ROLES]


@tagged("post_install", "-at_install")
class TestGolivePermissionMatrix(MatrixCase):
    def test_every_model_has_a_row(self):
        models = {
            name
            for name, model in self.env.registry.items()
            if model._original_module in ADDONS
        }
        self.assertEqual(models - set(MODEL_RIGHTS) - ABSTRACT, set())
        self.assertEqual(set(MODEL_RIGHTS) | ABSTRACT, models)

    def test_model_rights(self):
        Access = self.env["ir.model.access"]
        for model, rights in MODEL_RIGHTS.items():
            for role, user, expected in zip(ROLES, self._people(), rights, strict=True):
                for letter, operation in zip(
                    "rwcu", ("read", "write", "create", "unlink"), strict=True
                ):
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            Access.with_user(user).check(
                                model, operation, raise_exception=False
                            ),
                            letter in expected,
                        )

    def test_every_company_model_has_a_company_rule(self):
        """A stored model of the addons with a company has a multi-company
        rule and a row of COMPANY_MODELS; one without is DATABASE_WIDE (a new
        model, or a company_id added, fails here until classified)."""
        with_company = set()
        without = set()
        for name, model in self.env.registry.items():
            if model._original_module not in ADDONS or model._abstract:
                continue
            if model._transient:
                continue
            field = model._fields.get("company_id")
            if field is not None and field.store:
                with_company.add(name)
            else:
                without.add(name)
        self.assertEqual(with_company, set(COMPANY_MODELS))
        self.assertEqual(without, DATABASE_WIDE)
        Rule = self.env["ir.rule"]
        for model in COMPANY_MODELS:
            with self.subTest(model=model):
                rules = Rule.search(
                    [("model_id.model", "=", model), ("global", "=", True)]
                )
                self.assertIn(
                    "[('company_id', 'in', company_ids)]",
                    rules.mapped("domain_force"),
                )

    def test_company_records(self):
        backup = (
            self.env["golive.backup"]
            .sudo()
            .create(
                {
                    "checklist_id": self.checklist.id,
                    "company_id": self.checklist.company_id.id,
                    "user_id": self.manager.id,
                    "database": self.env.cr.dbname,
                }
            )
        )
        hotfix = (
            self.env["golive.hotfix"]
            .sudo()
            .create(
                {
                    "checklist_id": self.checklist.id,
                    "user_id": self.manager.id,
                    "operation": "upgrade",
                    "module_names": "ipai_golive",
                    "reason": "A fix during the freeze",
                }
            )
        )
        rollback = (
            self.env["golive.rollback"]
            .sudo()
            .create(
                {
                    "checklist_id": self.checklist.id,
                    "company_id": self.checklist.company_id.id,
                    "trigger": "restore",
                    "state": "done",
                    "database": self.env.cr.dbname,
                }
            )
        )
        records = {
            "golive.checklist": self.checklist,
            "golive.phase": self.phase_kickoff,
            "golive.task": self.task_plain,
            "golive.decision": self.decision,
            "golive.release": self.release,
            "golive.backup": backup,
            "golive.hotfix": hotfix,
            "golive.rollback": rollback,
        }
        self.assertEqual(set(records), set(COMPANY_MODELS))
        for model, record in records.items():
            for role, user, allowed in zip(
                ROLES, self._people(), COMPANY_READERS, strict=True
            ):
                with self.subTest(model=model, role=role):
                    as_user = record.with_user(user).with_context(
                        allowed_company_ids=user.company_ids.ids
                    )
                    if allowed:
                        as_user.check_access("read")
                        self.assertTrue(as_user.display_name)
                    else:
                        with self.assertRaises(AccessError):
                            as_user.check_access("read")

    def test_reports(self):
        reports = self.env["ir.actions.report"].search([("model", "like", "golive.%")])
        self.assertEqual(set(reports.mapped("report_name")), set(REPORTS))
        for report in reports:
            render = (
                "_render_qweb_text"
                if report.report_type == "qweb-text"
                else "_render_qweb_html"
            )
            for role, user, allowed in zip(
                ROLES, self._people(), REPORTS[report.report_name], strict=True
            ):
                with self.subTest(report=report.report_name, role=role):
                    Report = (
                        self.env["ir.actions.report"]
                        .with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                    )
                    if allowed:
                        content, _fmt = getattr(Report, render)(
                            report.report_name, self.release.ids
                        )
                        title = (
                            b"WHAT_SHIPPED"
                            if "what_shipped" in report.report_name
                            else b"GO_LIVE_MANIFEST"
                        )
                        self.assertIn(title, content)
                    else:
                        with self.assertRaises(AccessError):
                            getattr(Report, render)(
                                report.report_name, self.release.ids
                            )

    def test_governance_fields(self):
        values = {"user": self.user.id}
        for model, field, value in GOVERNANCE:
            record = self.checklist if model == "golive.checklist" else self.gate_ci
            if field == "is_gate":
                record = self.task_plain
            value = values.get(value, value) if isinstance(value, str) else value
            vals = {field: value}
            if field == "state":
                vals["na_reason"] = "Does not apply"
            with self.subTest(model=model, field=field, role="user"):
                with self.assertRaisesRegex(UserError, "Only a Go-Live Manager"):
                    record.with_user(self.user).write(vals)
            with self.subTest(model=model, field=field, role="manager"):
                record.with_user(self.manager).write(vals)
                written = record[field]
                if field == "approver_id":
                    written = written.id
                self.assertEqual(written, value)
            with self.subTest(model=model, field=field, role="other_manager"):
                with self.assertRaises(AccessError):
                    record.with_user(self.other_manager).with_context(
                        allowed_company_ids=self.other_company.ids
                    ).write(vals)


@tagged("post_install", "-at_install")
class TestGolivePermissionRoutes(MatrixCase, HttpCase):
    def test_every_route_has_a_row(self):
        routes = set()
        # Odoo's routing map reads the database from the current thread, which
        # only a server thread names (pytest-odoo runs tests in the main one)
        with thread_database(self.env.cr.dbname):
            rules = list(self.env["ir.http"].routing_map().iter_rules())
        for rule in rules:
            module = rule.endpoint.original_endpoint.__module__
            if module.startswith(tuple(f"odoo.addons.{name}." for name in ADDONS)):
                routes.add(rule.rule)
        self.assertEqual(routes, set(ROUTES))

    def test_routes(self):
        data = json.dumps(
            [
                f"/report/text/ipai_golive.report_what_shipped_md/{self.release.id}",
                "qweb-text",
            ]
        )
        for role, user in zip(ROLES, self._people(), strict=True):
            if role != "public":
                self.authenticate(user.login, user.login)
            else:
                self.authenticate(None, None)
            with (
                self.subTest(role=role, route="/golive/metrics"),
                mute_logger("odoo.http"),
            ):
                response = self.url_open("/golive/metrics")
                self.assertEqual(
                    response.status_code, ROUTES["/golive/metrics"][ROLES.index(role)]
                )
            with (
                self.subTest(role=role, route="/report/download"),
                mute_logger("odoo.http", "odoo.addons.web.controllers.report"),
            ):
                response = self.url_open(f"/report/download?data={url_quote(data)}")
                served = response.content.startswith(b"# WHAT_SHIPPED")
                self.assertEqual(
                    served, ROUTES["/report/download"][ROLES.index(role)], role
                )
