# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os
import re
import threading
from unittest.mock import patch

import yaml

from odoo import SUPERUSER_ID
from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.misc import file_open

from ..tools.manifest import CONTEXT_KEY, GATE_RESULTS_KEY, load_manifest
from ..tools.origin import installed_modules
from .common import GoliveCase
from .test_manifest_loader import FIXED

SECRET = "Sup3r-S3cret-DB-pass"


def ship(**sections):
    """A valid ShipManifest with these sections."""
    data = {
        "bundle": {"name": "acme", "version": "1.0"},
        "install_order": [{"stage": "base", "modules": ["base"]}],
    }
    data.update(sections)
    return load_manifest(yaml.safe_dump(data, sort_keys=False), "acme.yml")


class ManifestChecksMixin:
    def run_manifest(self, manifest, codes):
        return self.Run.with_context(**{CONTEXT_KEY: manifest})._run_checks(
            codes=codes, environment="prod"
        )

    def result(self, run, code, key):
        results = self.results(run, code).filtered(lambda r: r.object_key == key)
        self.assertEqual(len(results), 1, self.statuses(run, code))
        return results


@tagged("post_install", "-at_install")
class TestChecksManifest(ManifestChecksMixin, GoliveCase):
    def test_modules_installed(self):
        code = "manifest.modules_installed"
        run = self.run_manifest(
            ship(ipai_modules={"core": ["ipai_golive_checks"]}), [code]
        )
        self.assertEqual(
            self.statuses(run, code), {"base": "pass", "ipai_golive_checks": "pass"}
        )
        self.assertEqual(
            self.result(run, code, "ipai_golive_checks").evidence["named_in"],
            ["ipai_modules.core"],
        )
        # account is on the addons path but not installed; the other is nowhere
        run = self.run_manifest(
            ship(
                install_order=[
                    {"stage": "odoo", "modules": ["base", "account"]},
                    {"stage": "ipai", "modules": ["ipai_nowhere_to_be_found"]},
                ]
            ),
            [code],
        )
        self.assertEqual(
            self.statuses(run, code),
            {"base": "pass", "account": "fail", "ipai_nowhere_to_be_found": "fail"},
        )
        account = self.result(run, code, "account")
        self.assertEqual(
            account.message,
            "Module account is named in the manifest but not installed "
            "(state: uninstalled).",
        )
        self.assertEqual(account.evidence["named_in"], ["install_order.odoo"])
        missing = self.result(run, code, "ipai_nowhere_to_be_found")
        self.assertIn("is not even on the addons path", missing.message)
        self.assertEqual(missing.evidence["state"], "unknown")

    def test_modules_unlisted(self):
        code = "manifest.modules_unlisted"
        custom = sorted(
            name
            for name, module in installed_modules(self.env.cr).items()
            if module["origin"] in ("oca", "custom")
        )
        self.assertIn("test_ipai_golive_checks", custom)
        run = self.run_manifest(ship(ipai_modules={"all": custom}), [code])
        self.assertStatus(run, code, "pass")
        self.assertEqual(self.results(run, code).evidence["count"], len(custom))
        listed = [name for name in custom if name != "test_ipai_golive_checks"]
        run = self.run_manifest(ship(ipai_modules={"all": listed}), [code])
        self.assertEqual(self.statuses(run, code), {"test_ipai_golive_checks": "warn"})
        result = self.result(run, code, "test_ipai_golive_checks")
        self.assertEqual(
            result.message,
            "Custom module test_ipai_golive_checks is installed but not in the ship "
            "manifest.",
        )
        self.assertEqual(result.evidence["origin"], "custom")

    def test_install_order(self):
        code = "manifest.install_order"
        good = ship(
            install_order=[
                {"stage": "core", "modules": ["base", "web"]},
                {"stage": "apps", "modules": ["mail"]},
                {"stage": "ipai", "modules": ["ipai_golive_checks", "ipai_unknown"]},
            ]
        )
        run = self.run_manifest(good, [code])
        self.assertStatus(run, code, "pass")
        result = self.results(run, code)
        self.assertIn("of the 4 modules follows", result.message)
        self.assertEqual(result.evidence["unverifiable"], ["ipai_unknown"])
        # ipai_golive_checks needs mail (and base, web through it), later here
        bad = ship(
            install_order=[
                {"stage": "core", "modules": ["base"]},
                {"stage": "ipai", "modules": ["ipai_golive_checks"]},
                {"stage": "apps", "modules": ["web", "mail"]},
            ]
        )
        run = self.run_manifest(bad, [code])
        self.assertEqual(self.statuses(run, code), {"ipai_golive_checks": "fail"})
        result = self.result(run, code, "ipai_golive_checks")
        self.assertEqual(
            result.message,
            "ipai_golive_checks (stage ipai) depends on mail (apps), web (apps), "
            "installed in a later stage.",
        )
        self.assertEqual(
            result.evidence["later_dependencies"], {"mail": "apps", "web": "apps"}
        )

    def test_server_options(self):
        code = "manifest.server_options"
        manifest = ship(
            runtime_config={
                "odoo_conf": {
                    "workers": 4,
                    "list_db": "False",
                    "limit_time_real": "1200",
                    "db_password": "${DB_PASSWORD}",
                    "proxy_mode": True,
                }
            }
        )
        with patch.dict(
            config.options,
            {
                "workers": 4,
                "list_db": False,
                "limit_time_real": 1200,
                "proxy_mode": True,
            },
        ):
            run = self.run_manifest(manifest, [code])
        self.assertEqual(
            self.statuses(run, code),
            {
                "workers": "pass",
                "list_db": "pass",
                "limit_time_real": "pass",
                "db_password": "skipped",
                "proxy_mode": "pass",
            },
        )
        self.assertEqual(
            self.result(run, code, "db_password").message,
            "db_password comes from ${DB_PASSWORD}: references are not compared.",
        )
        with patch.dict(
            config.options,
            {
                "workers": 0,
                "list_db": True,
                "limit_time_real": 120,
                "proxy_mode": False,
            },
        ):
            run = self.run_manifest(manifest, [code])
        self.assertEqual(
            self.result(run, code, "workers").message,
            "workers: 4 expected, 0 found.",
        )
        self.assertEqual(
            self.result(run, code, "workers").evidence, {"expected": 4, "found": 0}
        )
        self.assertEqual(
            self.result(run, code, "list_db").message,
            "list_db: False expected, True found.",
        )
        self.assertEqual(self.result(run, code, "proxy_mode").status, "fail")
        run = self.run_manifest(
            ship(runtime_config={"odoo_conf": {"no_such_option": 1}}), [code]
        )
        self.assertEqual(
            self.result(run, code, "no_such_option").message,
            "no_such_option is not an Odoo 18 server option.",
        )

    def test_dbfilter(self):
        code = "manifest.dbfilter"
        dbname = self.env.cr.dbname
        regex = f"^{re.escape(dbname)}$"
        manifest = ship(database={"canonical_db_name": dbname, "dbfilter_regex": regex})
        with patch.dict(config.options, {"dbfilter": regex}):
            run = self.run_manifest(manifest, [code])
        self.assertEqual(
            self.statuses(run, code), {"dbfilter": "pass", "database": "pass"}
        )
        other = ship(database={"canonical_db_name": "acme", "dbfilter_regex": "^acme$"})
        with patch.dict(config.options, {"dbfilter": ""}):
            run = self.run_manifest(other, [code])
        self.assertEqual(
            self.result(run, code, "dbfilter").message,
            "dbfilter: ^acme$ expected, (none) found.",
        )
        database = self.result(run, code, "database")
        self.assertEqual(database.status, "fail")
        self.assertEqual(
            database.message,
            f"^acme$ does not select this database, {dbname}: the server would not "
            "serve it.",
        )

    def test_environment_names_only(self):
        code = "manifest.environment"
        manifest = ship(
            runtime_config={"environment": ["GOLIVE_T_PRESENT", "GOLIVE_T_ABSENT"]}
        )
        with patch.dict(os.environ, {"GOLIVE_T_PRESENT": SECRET}):
            os.environ.pop("GOLIVE_T_ABSENT", None)
            run = self.run_manifest(manifest, [code])
        self.assertEqual(
            self.statuses(run, code),
            {"GOLIVE_T_PRESENT": "pass", "GOLIVE_T_ABSENT": "fail"},
        )
        self.assertEqual(
            self.result(run, code, "GOLIVE_T_ABSENT").message,
            "GOLIVE_T_ABSENT is not set in the server's environment.",
        )
        dump = json.dumps(self.results(run, code).read(["message", "evidence"]))
        self.assertNotIn(SECRET, dump)

    def test_assets(self):
        code = "manifest.assets"
        good = ship(
            assets={
                "bundles": ["web.assets_backend", "web.assets_frontend"],
                "endpoints": ["/web/login", "/web/health"],
            }
        )
        run = self.run_manifest(good, [code])
        self.assertStatus(run, code, "pass")
        self.assertEqual(len(self.results(run, code)), 4)
        old = ship(
            assets={
                "bundles": ["web.assets_common", "x_module.assets_nowhere"],
                "endpoints": ["/web/assets/backend", "/longpolling", "/x/no/route"],
            }
        )
        run = self.run_manifest(old, [code])
        self.assertEqual(set(self.statuses(run, code).values()), {"fail"})
        self.assertRegex(
            self.result(run, code, "web.assets_common").message,
            r"^Bundle web.assets_common does not exist in Odoo 18\. .*removed in "
            r"Odoo 16",
        )
        self.assertEqual(
            self.result(run, code, "x_module.assets_nowhere").message,
            "Bundle x_module.assets_nowhere is not defined by any installed module.",
        )
        self.assertRegex(
            self.result(run, code, "/web/assets/backend").message,
            r"^Route /web/assets/backend does not exist in Odoo 18\. .*"
            r"/web/assets/<unique>/<file>",
        )
        self.assertIn(
            "the bus uses /websocket", self.result(run, code, "/longpolling").message
        )
        self.assertEqual(
            self.result(run, code, "/x/no/route").message,
            "Route /x/no/route does not exist on this server (no controller of an "
            "installed module answers it).",
        )

    def test_assets_outside_a_server_thread(self):
        """Under pytest-odoo or odoo-bin shell, no thread names the database.

        ir.http.routing_map() reads threading.current_thread().dbname: the
        check crashed there ('error' finding with no object key).
        """
        code = "manifest.assets"
        thread = threading.current_thread()
        saved = thread.__dict__.pop("dbname", None)
        try:
            run = self.run_manifest(
                ship(assets={"endpoints": ["/web/login", "/x/no/route"]}), [code]
            )
            self.assertFalse(hasattr(thread, "dbname"), "the thread is left as found")
        finally:
            if saved is not None:
                thread.dbname = saved
        self.assertEqual(
            self.statuses(run, code), {"/web/login": "pass", "/x/no/route": "fail"}
        )

    def test_which_manifest(self):
        code = "manifest.modules_installed"
        # no manifest imported, none given
        self.env["golive.manifest"].sudo().search([]).active = False
        run = self.Run._run_checks(codes=[code])
        self.assertStatus(run, code, "skipped")
        self.assertIn("No ship manifest", self.results(run, code).message)
        # a checklist that links none says so
        run = self.run_manifest(False, [code])
        self.assertEqual(
            self.results(run, code).message, "The checklist links no ship manifest."
        )
        # the latest imported manifest, else a given record
        Manifest = self.env["golive.manifest"].with_user(self.manager)
        older = Manifest._import_manifest(
            yaml.safe_dump(ship(ipai_modules={"x": ["web"]}).data), "a.yml"
        )
        latest = Manifest._import_manifest(yaml.safe_dump(ship().data), "b.yml")
        self.assertEqual(Manifest._get_latest(), latest)
        run = self.Run._run_checks(codes=[code])
        self.assertEqual(self.statuses(run, code), {"base": "pass"})
        run = self.run_manifest(older.id, [code])
        self.assertEqual(self.statuses(run, code), {"web": "pass", "base": "pass"})
        # the manifest form's drift check
        run = older.with_user(self.manager)._check_drift(exclude_tags=["network"])
        self.assertEqual(older.check_run_id, run)
        self.assertEqual(
            set(older.result_ids.mapped("code")),
            {
                "manifest.modules_installed",
                "manifest.modules_unlisted",
                "manifest.install_order",
                "manifest.server_options",
                "manifest.dbfilter",
                "manifest.environment",
                "manifest.assets",
            },
        )
        self.assertEqual(
            older.drift_count,
            len(older.result_ids.filtered(lambda r: r.status in ("warn", "fail"))),
        )
        action = older.with_user(self.manager).action_view_drift()
        self.assertEqual(action["res_model"], "golive.check.result")
        # the list the "Drift N" button opens holds those N findings, no pass
        drift = older.result_ids.filtered(
            lambda r: r.status in ("warn", "fail", "error")
        )
        self.assertTrue(older.result_ids - drift)
        self.assertEqual(action["domain"], [("id", "in", drift.ids)])
        self.assertEqual(len(drift), older.drift_count)

    def test_fixed_manifest_drift_no_secret_anywhere(self):
        """The user's fixed manifest: the drift names the missing modules, and
        the value behind ${DB_PASSWORD} appears nowhere."""
        with file_open(FIXED, "rb") as fixed:
            manifest = (
                self.env["golive.manifest"]
                .with_user(self.manager)
                ._import_manifest(fixed.read(), "aiux_ship_manifest.fixed.yml")
            )
        with (
            patch.dict(os.environ, {"DB_PASSWORD": SECRET}),
            patch.dict(config.options, {"db_password": SECRET}),
        ):
            run = manifest.with_user(self.manager)._check_drift(
                exclude_tags=["network"]
            )
        statuses = self.statuses(run, "manifest.modules_installed")
        for module in ("ipai_theme_aiux", "ipai_aiux_chat", "web_responsive"):
            self.assertEqual(statuses[module], "fail", module)
        self.assertIn(
            "not even on the addons path",
            self.result(run, "manifest.modules_installed", "ipai_theme_aiux").message,
        )
        self.assertEqual(
            self.result(run, "manifest.environment", "DB_PASSWORD").status, "pass"
        )
        self.assertEqual(
            self.result(run, "manifest.server_options", "db_password").status,
            "skipped",
        )
        stored = json.dumps(
            [
                self.results(run).read(["message", "evidence", "object_key"]),
                manifest.read(["content", "summary", "source", "diff"]),
            ],
            default=str,
        )
        self.assertNotIn(SECRET, stored)
        self.assertIn("${DB_PASSWORD}", stored)


@tagged("post_install", "-at_install")
class TestChecksManifestGates(ManifestChecksMixin, GoliveCase, HttpCase):
    def test_gates(self):
        code = "manifest.gates"
        manifest = ship(
            gates={
                "required": [
                    {
                        "id": "login",
                        "command": 'curl -sf -o /dev/null -w "%{http_code}" '
                        "http://localhost:8069/web/login",
                    },
                    {
                        "id": "backend_assets",
                        "command": "curl -sf http://localhost:8069/web/assets/backend",
                    },
                    {"id": "clean_install", "command": "odoo-bin -d $DB -i base"},
                ],
                "optional": [
                    {
                        "id": "chat",
                        "command": "curl -sf -X POST http://localhost:8069/api/chat "
                        '-H "Content-Type: application/json"',
                    },
                    {"id": "ocr", "command": "curl -sf http://ocr:8000/health"},
                    {
                        "id": "document_ai",
                        "command": "curl -sf http://localhost:8069/ipai/document_ai",
                    },
                ],
            }
        )
        run = self.run_manifest(manifest, [code])
        self.assertEqual(
            self.statuses(run, code),
            {
                "login": "pass",
                "backend_assets": "fail",
                "clean_install": "skipped",
                "chat": "skipped",
                "ocr": "skipped",
                "document_ai": "warn",
            },
        )
        login = self.result(run, code, "login")
        self.assertEqual(login.message, "login: GET /web/login answered 200.")
        self.assertEqual(
            login.evidence["url"], f"http://127.0.0.1:{config['http_port']}/web/login"
        )
        backend = self.result(run, code, "backend_assets")
        self.assertRegex(
            backend.message,
            r"^backend_assets: GET /web/assets/backend answered 404\. Odoo 18 serves "
            r"bundles at /web/assets/<unique>/<file>",
        )
        self.assertEqual(
            self.result(run, code, "chat").message,
            "Awaiting CI evidence: chat is not a plain HTTP GET to this server.",
        )
        self.assertIn("(optional gate)", self.result(run, code, "document_ai").message)


@tagged("post_install", "-at_install")
class TestChecksManifestGatesFromCi(ManifestChecksMixin, GoliveCase):
    def test_ci_reported_gates(self):
        code = "manifest.gates"
        manifest = ship(
            gates={
                "required": [
                    {"id": "clean_install", "command": "odoo-bin -i base"},
                    {"id": "upgrade_twice", "command": "odoo-bin -u all"},
                ],
                "optional": [{"id": "lint", "command": "pre-commit run -a"}],
            }
        )
        run = self.run_manifest(manifest, [code])
        self.assertStatus(run, code, "skipped")
        self.assertEqual(
            self.result(run, code, "upgrade_twice").message,
            "Awaiting CI evidence: upgrade_twice is not a plain HTTP GET to this "
            "server.",
        )
        reported = {
            CONTEXT_KEY: manifest,
            GATE_RESULTS_KEY: {"clean_install": "pass", "lint": "fail"},
        }
        # a manager's RPC context is not CI's word: still awaiting evidence
        run = self.Run.with_context(**reported)._run_checks(codes=[code])
        self.assertEqual(
            self.statuses(run, code),
            {"clean_install": "skipped", "upgrade_twice": "skipped", "lint": "skipped"},
        )
        # the command line (the superuser) reports them
        run = (
            self.Run.with_user(SUPERUSER_ID)
            .with_context(**reported)
            ._run_checks(codes=[code])
        )
        self.assertEqual(
            self.statuses(run, code),
            {"clean_install": "pass", "upgrade_twice": "skipped", "lint": "warn"},
        )
        self.assertEqual(
            self.result(run, code, "lint").message,
            "lint: failed in CI. (optional gate)",
        )
        self.assertEqual(
            self.result(run, code, "clean_install").evidence,
            {"required": True, "source": "ci"},
        )
