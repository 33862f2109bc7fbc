# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools.misc import file_open

from .test_manifest_loader import FIXED, GOOD, REAL


def read_data(path):
    with file_open(path, "rb") as data:
        return data.read()


@tagged("post_install", "-at_install")
class TestManifestModel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="manifest_manager",
            groups="ipai_golive_checks.group_golive_manager",
        )
        cls.user = new_test_user(
            cls.env,
            login="manifest_user",
            groups="ipai_golive_checks.group_golive_user",
        )
        cls.Manifest = cls.env["golive.manifest"].with_user(cls.manager)

    def _counts(self):
        return {
            model: self.env[model].sudo().search_count([])
            for model in ("golive.manifest", "golive.check.run", "golive.check.result")
        }

    def test_import_fixed_manifest(self):
        # a bundle never imported here (the demo data imports this file)
        self.env["golive.manifest"].search([]).active = False
        source = read_data(FIXED) + b"# a copy\n"
        manifest = self.Manifest._import_manifest(source, "aiux.yml")
        self.assertEqual(manifest.display_label, "ipai-aiux-bundle 1.1.0")
        self.assertEqual(
            (manifest.bundle_name, manifest.bundle_version),
            ("ipai-aiux-bundle", "1.1.0"),
        )
        self.assertEqual(manifest.import_user_id, self.manager)
        self.assertTrue(manifest.import_date)
        self.assertEqual(len(manifest.sha256), 64)
        self.assertEqual(manifest.source, source.decode())
        self.assertEqual(
            (manifest.module_count, manifest.stage_count, manifest.gate_count),
            (24, 8, 9),
        )
        self.assertEqual(
            manifest.extra_sections,
            "widget_modes, ocr_service, verification, documentation",
        )
        self.assertEqual(manifest.content["ocr_service"]["settings"]["max_file_mb"], 25)
        # the reference is kept as a reference
        self.assertEqual(
            manifest.content["runtime_config"]["odoo_conf"]["db_password"],
            "${DB_PASSWORD}",
        )
        self.assertIn("First import", manifest.diff_html)
        self.assertEqual(self.Manifest._get_latest(), manifest)
        # the same file again: the same record
        self.assertEqual(self.Manifest._import_manifest(source, "again.yml"), manifest)

    def test_real_manifest_writes_nothing(self):
        before = self._counts()
        with self.assertRaisesRegex(
            UserError, r"aiux_ship_manifest\.yml:191:83: gates\.optional\[0\]\.command"
        ) as caught:
            self.Manifest._import_manifest(read_data(REAL), "aiux_ship_manifest.yml")
        self.assertIn("quote the command", str(caught.exception))
        self.assertEqual(self._counts(), before)

    def test_reimport_shows_the_diff(self):
        first = self.Manifest._import_manifest(GOOD, "acme.yml")
        second_text = (
            GOOD.replace("version: 2.3.0", "version: 2.4.0")
            .replace("[ipai_golive, ipai_golive_checks]}", "[ipai_golive_checks]}")
            .replace("[ipai_golive_checks, ipai_golive]}", "[ipai_golive_checks]}")
            .replace("workers: 4", "workers: 8")
            .replace("web_login", "login_page")
        )
        second = self.Manifest._import_manifest(second_text, "acme.yml")
        self.assertEqual(second.previous_id, first)
        self.assertEqual(second.diff["modules_removed"], ["ipai_golive"])
        self.assertEqual(second.diff["stages_changed"], ["ipai_core"])
        self.assertEqual(
            second.diff["config_changed"], [{"key": "workers", "old": 4, "new": 8}]
        )
        self.assertEqual(second.diff["gates_added"], ["login_page"])
        self.assertEqual(second.diff["gates_removed"], ["web_login"])
        # the text as HTML reads it (QWeb keeps the templates' indentation)
        html = " ".join(str(second.diff_html).split())
        self.assertIn("Changes since acme-erp 2.3.0", html)
        self.assertIn("<b>Modules removed:</b> ipai_golive", html)
        self.assertIn("workers: 4 → 8", html)
        self.assertEqual(self.Manifest._get_latest(), second)

    def test_wizard(self):
        wizard = (
            self.env["golive.manifest.import"]
            .with_user(self.manager)
            .create({"file": base64.b64encode(GOOD.encode()), "filename": "acme.yml"})
        )
        action = wizard.action_import()
        manifest = self.env["golive.manifest"].browse(action["res_id"])
        self.assertEqual(manifest.filename, "acme.yml")
        self.assertEqual(manifest.bundle_name, "acme-erp")
        # the identical file again says so, then opens the same record
        again = (
            self.env["golive.manifest.import"]
            .with_user(self.manager)
            .create({"file": base64.b64encode(GOOD.encode()), "filename": "acme2.yml"})
        )
        action = again.action_import()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("acme2.yml is identical to", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_id"], manifest.id)
        bad = (
            self.env["golive.manifest.import"]
            .with_user(self.manager)
            .create({"file": base64.b64encode(b"- a\n"), "filename": "bad.yml"})
        )
        before = self._counts()
        with self.assertRaisesRegex(UserError, "bad.yml:1:1: the manifest is a list"):
            bad.action_import()
        self.assertEqual(self._counts(), before)

    def test_import_from_attachment(self):
        attachment = self.env["ir.attachment"].create(
            {"name": "acme.yml", "raw": GOOD.encode()}
        )
        manifest = self.Manifest._import_attachment(attachment)
        self.assertEqual(manifest.filename, "acme.yml")
        text = self.env["ir.attachment"].create({"name": "notes.txt", "raw": b"x"})
        with self.assertRaisesRegex(UserError, r"notes.txt is not a YAML file"):
            self.Manifest._import_attachment(text)

    def test_views_per_group(self):
        """The form shows the drift to managers only; both groups open it."""
        for user, drift in ((self.manager, True), (self.user, False)):
            arch = (
                self.env["golive.manifest"]
                .with_user(user)
                .get_views([(False, "form"), (False, "list")])["views"]["form"]["arch"]
            )
            self.assertEqual('name="result_ids"' in arch, drift, user.login)
            self.assertIn('name="diff_html"', arch)

    def test_access_rights(self):
        manifest = self.Manifest._import_manifest(GOOD, "acme.yml")
        # a Go-Live User reads manifests but imports or changes none
        as_user = manifest.with_user(self.user)
        self.assertEqual(as_user.read(["bundle_name"])[0]["bundle_name"], "acme-erp")
        with self.assertRaisesRegex(UserError, "Only a Go-Live Manager can import"):
            self.env["golive.manifest"].with_user(self.user)._import_manifest(
                GOOD.replace("2.3.0", "9.9.9"), "acme.yml"
            )
        with self.assertRaises(AccessError):
            self.env["golive.manifest"].with_user(self.user).create(
                {"bundle_name": "x", "bundle_version": "1", "sha256": "0" * 64}
            )
        with self.assertRaises(AccessError):
            as_user.unlink()
        with self.assertRaises(AccessError):
            self.env["golive.manifest.import"].with_user(self.user).create(
                {"file": base64.b64encode(GOOD.encode())}
            )
        # the drift (check results) is for managers only
        with self.assertRaises(AccessError):
            as_user.read(["result_ids"])
        # an employee outside Go-Live sees nothing
        employee = new_test_user(self.env, login="manifest_employee")
        with self.assertRaises(AccessError):
            manifest.with_user(employee).read(["bundle_name"])
        # managers delete
        manifest.unlink()
        self.assertFalse(manifest.exists())
