# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The permission matrix of both addons: who may do what, as a table.

Rows are the models (enumerated from the registry: a model of the addons
without a row fails), the reports (enumerated from ``ir.actions.report``), the
routes (enumerated from the routing map), the buttons (every ``action_*``
method, enumerated from the registry) and the governance fields; columns are
the six people of a go-live. Each verdict is a real ORM call, a real button
click or a real HTTP request.
"""

import base64
import json
import shutil
import tempfile
from unittest.mock import patch
from urllib.parse import quote as url_quote

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, file_open, mute_logger

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
    # the engine's records: a manual run is its company's (a scheduled or
    # command-line audit of the database has none: shared), its results and
    # findings follow it; waivers, ship manifests, endpoints are a company's
    "golive.check.run",
    "golive.check.result",
    "golive.check.finding",
    "golive.waiver",
    "golive.manifest",
    "golive.check.endpoint",
)
# The multi-company rules: a record of the company's (or, where a record may
# have none, of no company: shared).
COMPANY_RULES = (
    "[('company_id', 'in', company_ids)]",
    "['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]",
)
# Stored models with no company: the checks' catalogue and the templates are
# shared by design. Guarded by their groups (MODEL_RIGHTS).
DATABASE_WIDE = {
    "golive.check",
    "golive.checklist.template",
    "golive.checklist.template.line",
    "golive.checklist.template.phase",
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
                self.assertTrue(set(rules.mapped("domain_force")) & set(COMPANY_RULES))

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
        run = (
            self.env["golive.check.run"]
            .sudo()
            .create(
                {
                    "name": "A manual run",
                    "trigger": "manual",
                    "environment": "prod",
                    "company_id": self.checklist.company_id.id,
                }
            )
        )
        check = self.env["golive.check"].sudo()._sync_registry()["config.list_db"]
        result = (
            self.env["golive.check.result"]
            .sudo()
            .create(
                {
                    "run_id": run.id,
                    "check_id": check.id,
                    "code": check.code,
                    "severity": "high",
                    "status": "fail",
                }
            )
        )
        self.env.flush_all()
        waiver = (
            self.env["golive.waiver"]
            .with_user(self.manager)
            .create({"check_id": check.id, "reason": "Accepted until v2"})
        )
        manifest = (
            self.env["golive.manifest"]
            .sudo()
            .create(
                {
                    "bundle_name": "acme",
                    "bundle_version": "1.0.0",
                    "sha256": "0" * 64,
                    "company_id": self.checklist.company_id.id,
                }
            )
        )
        # endpoint URLs are a system administrator's (the server's network)
        endpoint = self.env["golive.check.endpoint"].create(
            {"name": "Shop", "url": "https://shop.example.com/health"}
        )
        records = {
            "golive.check.run": run,
            "golive.check.result": result,
            "golive.check.finding": self.env["golive.check.finding"].browse(result.id),
            "golive.waiver": waiver,
            "golive.manifest": manifest,
            "golive.check.endpoint": endpoint,
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
            self.assertEqual(record.sudo().company_id, self.checklist.company_id)
            # who reads the model (its rights) reads its company's records,
            # the manager of another company never
            readers = tuple(
                "r" in rights and role != "other_manager"
                for role, rights in zip(ROLES, MODEL_RIGHTS[model], strict=True)
            )
            for role, user, allowed in zip(ROLES, self._people(), readers, strict=True):
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


# Buttons: every ``action_*`` method of the addons' models (enumerated from
# the registry: a new button without a row fails), and what each role gets
# when it clicks it on this company's record: OK (it runs), DENIED (an
# AccessError), or a UserError whose message contains the string given.
OK = "ok"
DENIED = "denied"
MANAGER_ONLY = "Only a Go-Live Manager"
OUTSIDERS = (DENIED, DENIED, DENIED)  # public, portal, plain employee
USERS = (*OUTSIDERS, OK, OK, DENIED)
MANAGERS = (*OUTSIDERS, MANAGER_ONLY, OK, DENIED)
# buttons whose first question is the role: below a manager, the refusal
MANAGERS_FIRST = (MANAGER_ONLY, MANAGER_ONLY, MANAGER_ONLY, MANAGER_ONLY, OK, DENIED)
BUTTONS = {
    ("golive.backup", "action_golive_roll_back"): (
        *("Only a Go-Live Manager can roll back",) * 3,
        "Only a Go-Live Manager can roll back",
        # past the role, the button's own condition (no restore test passed)
        "is not a restore point",
        DENIED,
    ),
    ("golive.check", "action_run_now"): (*OUTSIDERS, DENIED, OK, OK),
    ("golive.check", "action_waive"): (*OUTSIDERS, DENIED, OK, OK),
    ("golive.check.finding", "action_open_result"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.check.finding", "action_waive"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.check.result", "action_waive"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.check.run", "action_run_now"): (*OUTSIDERS, DENIED, OK, OK),
    ("golive.checklist", "action_abort"): MANAGERS_FIRST,
    ("golive.checklist", "action_backup"): MANAGERS_FIRST,
    ("golive.checklist", "action_close"): MANAGERS,
    ("golive.checklist", "action_go_live"): (
        *OUTSIDERS,
        MANAGER_ONLY,
        # past the role, the go-live policy (the gates are not green)
        "Cannot go live while",
        DENIED,
    ),
    ("golive.checklist", "action_import_manifest"): (
        *MANAGERS_FIRST[:4],
        # past the role, the button's own condition (no file attached)
        "Attach the ship manifest",
        DENIED,
    ),
    ("golive.checklist", "action_open_decision"): (
        *OUTSIDERS,
        "only a Go-Live Manager can record",
        OK,
        DENIED,
    ),
    ("golive.checklist", "action_print_go_live_manifest"): USERS,
    ("golive.checklist", "action_print_go_live_manifest_md"): USERS,
    ("golive.checklist", "action_print_what_shipped"): USERS,
    ("golive.checklist", "action_print_what_shipped_md"): USERS,
    ("golive.checklist", "action_ready"): USERS,
    ("golive.checklist", "action_reset_draft"): MANAGERS,
    ("golive.checklist", "action_run_checks"): MANAGERS_FIRST,
    ("golive.checklist", "action_stabilize"): USERS,
    ("golive.checklist", "action_start"): USERS,
    ("golive.checklist", "action_take_release"): MANAGERS_FIRST,
    ("golive.checklist", "action_view_manifest"): USERS,
    # the findings are a manager's: the drift list too
    ("golive.checklist", "action_view_manifest_drift"): (
        *OUTSIDERS,
        DENIED,
        OK,
        DENIED,
    ),
    ("golive.checklist", "action_view_overdue_tasks"): USERS,
    ("golive.checklist", "action_view_red_gates"): USERS,
    ("golive.checklist", "action_view_releases"): USERS,
    ("golive.checklist", "action_view_tasks"): USERS,
    ("golive.checklist.abort", "action_confirm"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.checklist.create", "action_create"): (*OUTSIDERS, OK, OK, OK),
    ("golive.checklist.decide", "action_confirm"): (
        *OUTSIDERS,
        "only a Go-Live Manager can record",
        OK,
        DENIED,
    ),
    ("golive.checklist.decide", "action_view_blocked"): (*OUTSIDERS, OK, OK, DENIED),
    ("golive.checklist.decide", "action_view_drift"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.checklist.decide", "action_view_red_gates"): (*OUTSIDERS, OK, OK, DENIED),
    ("golive.checklist.template", "action_create_checklist"): (*OUTSIDERS, OK, OK, OK),
    ("golive.freeze.hotfix", "action_confirm"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.manifest", "action_check_drift"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.manifest", "action_view_drift"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.manifest.import", "action_import"): (*OUTSIDERS, DENIED, OK, OK),
    ("golive.release", "action_print_go_live_manifest"): USERS,
    ("golive.release", "action_print_go_live_manifest_md"): USERS,
    ("golive.release", "action_print_what_shipped"): USERS,
    ("golive.release", "action_print_what_shipped_md"): USERS,
    ("golive.task", "action_block"): USERS,
    ("golive.task", "action_done"): USERS,
    ("golive.task", "action_not_applicable"): USERS,
    # its responsible or a manager: the matrix's Go-Live User is not the
    # task's responsible
    ("golive.task", "action_rerun_checks"): (*OUTSIDERS, DENIED, OK, DENIED),
    ("golive.task", "action_sign_off"): MANAGERS_FIRST,
    ("golive.task", "action_start"): USERS,
    ("golive.task", "action_todo"): USERS,
    ("golive.task", "action_waive"): MANAGERS_FIRST,
    ("golive.task.waive", "action_confirm"): MANAGERS,
}
# The checklist's state a button is clicked in (the move must exist).
BUTTON_STATES = {
    ("golive.checklist", "action_abort"): "in_progress",
    ("golive.checklist", "action_close"): "stabilizing",
    ("golive.checklist", "action_go_live"): "ready",
    ("golive.checklist", "action_open_decision"): "ready",
    ("golive.checklist", "action_ready"): "in_progress",
    ("golive.checklist", "action_reset_draft"): "in_progress",
    ("golive.checklist", "action_stabilize"): "live",
    ("golive.checklist.abort", "action_confirm"): "in_progress",
    ("golive.checklist.decide", "action_confirm"): "ready",
}
MANIFEST_FILE = "ipai_golive_checks/tests/data/aiux_ship_manifest.fixed.yml"


def _addon_buttons(registry):
    """``{(model, method)}`` of the ``action_*`` methods the addons define."""
    prefixes = tuple(f"odoo.addons.{name}." for name in ADDONS)
    buttons = set()
    for name, model_class in registry.items():
        for cls in model_class.__mro__:
            if not cls.__module__.startswith(prefixes):
                continue
            buttons.update(
                (name, attr)
                for attr, value in vars(cls).items()
                if attr.startswith("action_") and callable(value)
            )
    return buttons


@tagged("post_install", "-at_install")
class TestGolivePermissionButtons(MatrixCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=True))
        Check = cls.env["golive.check"].sudo()
        cls.check = Check._sync_registry()["config.list_db"]
        cls.task_plain.check_codes = "config.list_db"
        cls.check_run = (
            cls.env["golive.check.run"]
            .sudo()
            .create(
                {
                    "name": "A manual run",
                    "trigger": "manual",
                    "environment": "prod",
                    "company_id": cls.checklist.company_id.id,
                }
            )
        )
        cls.result = (
            cls.env["golive.check.result"]
            .sudo()
            .create(
                {
                    "run_id": cls.check_run.id,
                    "check_id": cls.check.id,
                    "code": cls.check.code,
                    "severity": "high",
                    "status": "fail",
                }
            )
        )
        cls.env.flush_all()
        cls.finding = cls.env["golive.check.finding"].browse(cls.result.id)
        cls.manifest = (
            cls.env["golive.manifest"]
            .sudo()
            .create(
                {
                    "bundle_name": "acme",
                    "bundle_version": "1.0.0",
                    "sha256": "0" * 64,
                    "company_id": cls.checklist.company_id.id,
                }
            )
        )
        cls.backup = (
            cls.env["golive.backup"]
            .sudo()
            .create(
                {
                    "checklist_id": cls.checklist.id,
                    "company_id": cls.checklist.company_id.id,
                    "user_id": cls.manager.id,
                    "database": cls.env.cr.dbname,
                    "state": "done",
                    "dump_size": 4096,
                    "dump_sha256": "ab" * 32,
                }
            )
        )
        cls.template = cls.env.ref("ipai_golive.template_kickoff_golive")
        with file_open(MANIFEST_FILE, "rb") as manifest_file:
            cls.manifest_data = base64.b64encode(manifest_file.read())

    def setUp(self):
        super().setUp()
        self.directory = tempfile.mkdtemp(prefix="golive_button_matrix_")
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        options = patch.dict(config.options, {"golive_backup_dir": self.directory})
        options.start()
        self.addCleanup(options.stop)
        # the one operation a freeze hotfix applies is Odoo's, not the
        # button's: the button records the hotfix (its access), then calls it
        operation = patch.object(
            type(self.env["ir.module.module"]),
            "button_immediate_upgrade",
            autospec=True,
            return_value=True,
        )
        operation.start()
        self.addCleanup(operation.stop)

    def _wizard_vals(self, model):
        return {
            "golive.checklist.abort": {
                "checklist_ids": self.checklist.ids,
                "reason": "The data migration failed",
            },
            "golive.checklist.create": {
                "template_id": self.template.id,
                "name": "ACME v1.2.0",
                "environment": "staging",
                "date_kickoff": "2026-03-02",
                "date_golive": "2026-04-13",
            },
            "golive.checklist.decide": {
                "checklist_id": self.checklist.id,
                "decision": "nogo",
                "comment": "Not yet",
            },
            "golive.freeze.hotfix": {
                "checklist_id": self.checklist.id,
                "operation": "upgrade",
                "module_ids": self.env.ref("base.module_ipai_golive").ids,
                "reason": "A fix during the freeze",
            },
            "golive.manifest.import": {
                "file": self.manifest_data,
                "filename": "aiux_ship_manifest.yml",
            },
            "golive.task.waive": {
                "task_ids": self.task_plain.ids,
                "reason": "Covered by the vendor",
            },
        }[model]

    def _record(self, model, method):
        """The record of this company the button is clicked on (as root)."""
        records = {
            "golive.backup": self.backup,
            "golive.check": self.check,
            "golive.check.finding": self.finding,
            "golive.check.result": self.result,
            "golive.check.run": self.env["golive.check.run"],
            "golive.checklist": self.checklist,
            "golive.checklist.template": self.template,
            "golive.manifest": self.manifest,
            "golive.release": self.release,
            "golive.task": self.task_plain,
        }
        if (model, method) in BUTTON_STATES:
            self.env.cr.execute(
                "UPDATE golive_checklist SET state = %s WHERE id = %s",
                [BUTTON_STATES[model, method], self.checklist.id],
            )
        if method == "action_sign_off":
            self.env.cr.execute(
                "UPDATE golive_task SET state = 'done' WHERE id = %s",
                [self.task_plain.id],
            )
        if "decide" in model or method == "action_open_decision":
            self.env.cr.execute(
                "UPDATE golive_checklist SET approver_id = NULL WHERE id = %s",
                [self.checklist.id],
            )
        self.env.invalidate_all()
        return records.get(model)

    def _click(self, model, method, user):
        """What ``user`` gets clicking the button: OK, DENIED or the message
        of the UserError; whatever it did is rolled back."""
        cr = self.env.cr
        cr.execute("SAVEPOINT golive_button")
        try:
            env = self.env(
                user=user,
                context=dict(
                    self.env.context, allowed_company_ids=user.company_ids.ids
                ),
            )
            record = self._record(model, method)
            if record is None:  # a wizard, created by the user
                record = env[model].create(self._wizard_vals(model))
            else:
                record = record.with_env(env)
            getattr(record, method)()
            env.flush_all()
            return OK
        except AccessError:
            return DENIED
        except UserError as error:
            return str(error)
        finally:
            self.env.invalidate_all(flush=False)
            cr.execute("ROLLBACK TO SAVEPOINT golive_button")

    def test_every_button_has_a_row(self):
        self.assertEqual(_addon_buttons(self.env.registry), set(BUTTONS))

    @mute_logger("odoo.addons.ipai_golive_checks.models.golive_check_run")
    def test_buttons(self):
        # the run buttons run one check (the drift check, the manifest
        # checks): every other one is off
        self.env["golive.check"].sudo().search(
            [("id", "!=", self.check.id), ("category", "!=", "manifest")]
        ).enabled = False
        self.env.flush_all()
        for (model, method), verdicts in sorted(BUTTONS.items()):
            for role, user, expected in zip(
                ROLES, self._people(), verdicts, strict=True
            ):
                with self.subTest(model=model, button=method, role=role):
                    got = self._click(model, method, user)
                    if expected in (OK, DENIED):
                        self.assertEqual(got, expected)
                    else:
                        self.assertIn(expected, got)
