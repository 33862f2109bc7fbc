# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import tempfile
from unittest.mock import patch

from odoo.modules.module import get_manifest
from odoo.tests import tagged
from odoo.tools.translate import code_translations

import odoo.addons

from .common import GoliveCase

BAD_MANIFEST = """{
    "name": "Sloppy",
    "version": "1.0",
    "license": "OPL-1",
    "depends": ["base"],
}
"""
GOOD_MANIFEST = """{
    "name": "Tidy",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "author": "IPAI",
    "website": "https://github.com/ipai/golive",
    "maintainers": ["ipai"],
    "depends": ["base"],
}
"""


@tagged("post_install", "-at_install")
class TestChecksModules(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Module = cls.env["ir.module.module"]
        cls.base = cls.Module.search([("name", "=", "base")])

    def _installed_module(self, name, depends=(), **values):
        values = dict(
            {"name": name, "state": "installed", "latest_version": "18.0.1.0.0"},
            **values,
        )
        module = self.Module.search([("name", "=", name)])
        if module:
            module.write(values)
        else:
            module = self.Module.create(values)
        for dep in depends:
            self.env["ir.module.module.dependency"].create(
                {"module_id": module.id, "name": dep}
            )
        return module

    def test_stuck(self):
        self.assertStatus(self.run_checks(["modules.stuck"]), "modules.stuck", "pass")
        module = self.Module.search([("name", "=", "test_ipai_golive_checks")])
        module.state = "to upgrade"
        run = self.run_checks(["modules.stuck"])
        self.assertStatus(run, "modules.stuck", "fail", "test_ipai_golive_checks")
        self.assertEqual(self.results(run).evidence, {"state": "to upgrade"})

    def test_upgrade_pending(self):
        run = self.run_checks(["modules.upgrade_pending"])
        self.assertStatus(run, "modules.upgrade_pending", "pass")
        module = self.Module.search([("name", "=", "test_ipai_golive_checks")])
        module.latest_version = "18.0.0.9.0"
        run = self.run_checks(["modules.upgrade_pending"])
        self.assertStatus(
            run, "modules.upgrade_pending", "fail", "test_ipai_golive_checks"
        )
        code_version = get_manifest("test_ipai_golive_checks")["version"]
        self.assertEqual(
            self.results(run).evidence,
            {"code_version": code_version, "database_version": "18.0.0.9.0"},
        )

    def test_no_enterprise(self):
        run = self.run_checks(["modules.no_enterprise"])
        self.assertStatus(run, "modules.no_enterprise", "pass")
        # CE ships Enterprise stubs uninstalled: only installed ones count
        self._installed_module("web_studio", state="uninstallable", to_buy=True)
        self.assertStatus(
            self.run_checks(["modules.no_enterprise"]), "modules.no_enterprise", "pass"
        )
        # CE core modules whose upstream manifest says OEEL-1 are still CE:
        # the license alone does not decide
        self._installed_module("project_hr_skills", license="OEEL-1")
        self._installed_module("certificate", license="OEEL-1")
        self.assertStatus(
            self.run_checks(["modules.no_enterprise"]), "modules.no_enterprise", "pass"
        )
        self._installed_module("account_accountant", license="OEEL-1")
        run = self.run_checks(["modules.no_enterprise"])
        self.assertStatus(run, "modules.no_enterprise", "fail", "account_accountant")
        result = self.results(run)
        self.assertEqual(result.object_key, "account_accountant")
        self.assertEqual(result.evidence["origin"], "ee")
        self.assertIn("account_accountant is installed", result.message)

    def test_no_enterprise_third_party_proprietary(self):
        self._installed_module("x_vendor_connector", license="OPL-1")
        run = self.run_checks(["modules.no_enterprise"])
        self.assertStatus(run, "modules.no_enterprise", "fail", "x_vendor_connector")
        self.assertEqual(self.results(run).evidence["origin"], "custom")

    def test_no_iap_dependency(self):
        run = self.run_checks(["modules.no_iap_dependency"])
        self.assertStatus(run, "modules.no_iap_dependency", "pass")
        # a core CE addon depending on iap is fine
        self._installed_module("crm_iap_mine", depends=["iap"])
        self.assertStatus(
            self.run_checks(["modules.no_iap_dependency"]),
            "modules.no_iap_dependency",
            "pass",
        )
        self._installed_module("x_custom_iap", depends=["base", "iap"])
        self._installed_module("x_custom_ee", depends=["web_studio"])
        run = self.run_checks(["modules.no_iap_dependency"])
        self.assertEqual(
            self.statuses(run, "modules.no_iap_dependency"),
            {"x_custom_iap": "fail", "x_custom_ee": "fail"},
        )
        result = self.results(run).filtered(lambda r: r.object_key == "x_custom_iap")
        self.assertEqual(result.evidence, {"dependencies": ["iap"]})

    def test_manifest_template(self):
        run = self.run_checks(["modules.manifest_template"])
        # our own addons follow the house template; auditlog (OCA, installed
        # for the audit-trail tests, no maintainers key) and core are not judged
        self.assertStatus(run, "modules.manifest_template", "pass")
        judged = self.results(run).evidence["modules"]
        self.assertIn("ipai_golive_checks", judged)
        self.assertTrue(self.Module.search([("name", "=", "auditlog")]).state)
        self.assertNotIn("auditlog", judged)
        self.assertNotIn("base", judged)
        with tempfile.TemporaryDirectory() as root:
            addons_dir = os.path.join(root, "custom")
            oca_dir = os.path.join(root, "OCA", "server-tools")
            for directory, name, manifest in (
                (addons_dir, "x_golive_sloppy", BAD_MANIFEST),
                (addons_dir, "x_golive_tidy", GOOD_MANIFEST),
                # an OCA repository's checkout: OCA's conventions, not ours
                (oca_dir, "x_golive_oca_sloppy", BAD_MANIFEST),
            ):
                os.makedirs(os.path.join(directory, name))
                with open(os.path.join(directory, name, "__manifest__.py"), "w") as f:
                    f.write(manifest)
                self._installed_module(name)
            self._installed_module(
                "x_golive_oca_author", author="Odoo Community Association (OCA)"
            )
            os.makedirs(os.path.join(addons_dir, "x_golive_oca_author"))
            with open(
                os.path.join(addons_dir, "x_golive_oca_author", "__manifest__.py"), "w"
            ) as f:
                f.write(BAD_MANIFEST)
            with patch.object(
                odoo.addons, "__path__", [*odoo.addons.__path__, addons_dir, oca_dir]
            ):
                run = self.run_checks(["modules.manifest_template"])
        statuses = self.statuses(run, "modules.manifest_template")
        self.assertEqual(statuses["x_golive_sloppy"], "fail")
        self.assertNotIn("x_golive_tidy", statuses)
        self.assertNotIn("x_golive_oca_sloppy", statuses)
        self.assertNotIn("x_golive_oca_author", statuses)
        problems = (
            self.results(run)
            .filtered(lambda r: r.object_key == "x_golive_sloppy")
            .evidence["problems"]
        )
        self.assertEqual(len(problems), 5, problems)

    def test_manifest_problems_are_translatable(self):
        """The problems of a manifest go through the translation of the addon."""
        self.env["res.lang"]._activate_lang("fr_FR")
        key = ("ipai_golive_checks", "fr_FR")
        previous = code_translations.python_translations.get(key)
        code_translations.python_translations[key] = {
            **code_translations.get_python_translations(*key),
            "version %(version)r is not 18.0.x.y.z": (
                "la version %(version)r n'est pas 18.0.x.y.z"
            ),
            "%(key)s is missing": "%(key)s manque",
        }
        try:
            with tempfile.TemporaryDirectory() as addons_dir:
                os.mkdir(os.path.join(addons_dir, "x_golive_sloppy"))
                path = os.path.join(addons_dir, "x_golive_sloppy", "__manifest__.py")
                with open(path, "w", encoding="utf-8") as manifest:
                    manifest.write(BAD_MANIFEST)
                self._installed_module("x_golive_sloppy")
                with patch.object(
                    odoo.addons, "__path__", [*odoo.addons.__path__, addons_dir]
                ):
                    run = self.Run.with_context(lang="fr_FR")._run_checks(
                        codes=["modules.manifest_template"], environment="prod"
                    )
        finally:
            if previous is None:
                code_translations.python_translations.pop(key, None)
            else:
                code_translations.python_translations[key] = previous
        result = self.results(run).filtered(lambda r: r.object_key == "x_golive_sloppy")
        self.assertIn(
            "la version '1.0' n'est pas 18.0.x.y.z", result.evidence["problems"]
        )
        self.assertIn("author manque", result.evidence["problems"])
