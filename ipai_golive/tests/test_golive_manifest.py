# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import GoliveCase

MANIFEST = """\
bundle: {name: acme-erp, version: 1.0.0}
ipai_modules: {theme: [ipai_theme_aiux]}
install_order:
  - {stage: odoo_base, modules: [base, web, mail]}
  - {stage: ipai_theme, modules: [ipai_theme_aiux]}
"""


@tagged("post_install", "-at_install")
class TestGoliveManifest(GoliveCase):
    """A checklist links the ship manifest of its release; its audit judges
    the ERP against that manifest and bound tasks follow their own object."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_plain.section = "1.1"
        # none of the demo manifests: this bundle starts here
        cls.env["golive.manifest"].search([]).active = False

    def _attach(self, text, name="acme_ship_manifest.yml"):
        attachment = self.env["ir.attachment"].create(
            {"name": name, "raw": text.encode()}
        )
        self.task_plain.evidence_attachment_ids = [(4, attachment.id)]
        return attachment

    def _counts(self):
        return (
            self.env["golive.manifest"]
            .with_context(active_test=False)
            .search_count([]),
            self.env["mail.message"].search_count(
                [("model", "=", "golive.checklist"), ("res_id", "=", self.checklist.id)]
            ),
        )

    def test_import_from_the_task(self):
        checklist = self.checklist.with_user(self.manager)
        with self.assertRaisesRegex(UserError, "Attach the ship manifest .* first"):
            checklist.action_import_manifest()
        self._attach(MANIFEST)
        with self.assertRaisesRegex(UserError, "Only a Go-Live Manager"):
            self.checklist.with_user(self.user).action_import_manifest()
        checklist.action_import_manifest()
        manifest = self.checklist.manifest_id
        self.assertEqual(manifest.display_label, "acme-erp 1.0.0")
        self.assertEqual(manifest.filename, "acme_ship_manifest.yml")
        self.assertIn(
            "Ship manifest acme-erp 1.0.0 imported from acme_ship_manifest.yml",
            self.checklist.message_ids[0].body,
        )
        # a new version attached: re-import links it and says what changed
        self._attach(
            MANIFEST.replace("1.0.0", "1.1.0").replace(
                "[base, web, mail]", "[base, web, mail, contacts]"
            ),
            "acme_ship_manifest_v2.yml",
        )
        checklist.action_import_manifest()
        self.assertEqual(self.checklist.manifest_id.previous_id, manifest)
        # the text as HTML reads it (QWeb keeps the templates' indentation)
        body = " ".join(self.checklist.message_ids[0].body.split())
        self.assertIn("Changes since acme-erp 1.0.0", body)
        self.assertIn("<b>Modules added:</b> contacts", body)
        self.assertIn("<b>Stages changed:</b> odoo_base", body)

    def test_invalid_manifest_writes_nothing(self):
        self._attach(MANIFEST)
        self.checklist.with_user(self.manager).action_import_manifest()
        linked = self.checklist.manifest_id
        self._attach(MANIFEST + "install_order: []\n", "broken.yml")
        before = self._counts()
        with self.assertRaisesRegex(
            UserError, r"broken\.yml:6:1: install_order: duplicate key"
        ):
            self.checklist.with_user(self.manager).action_import_manifest()
        self.assertEqual(self._counts(), before)
        self.assertEqual(self.checklist.manifest_id, linked)

    def test_user_cannot_link_a_manifest(self):
        self._attach(MANIFEST)
        self.checklist.with_user(self.manager).action_import_manifest()
        with self.assertRaisesRegex(UserError, "Only a Go-Live Manager can change"):
            self.checklist.with_user(self.user).manifest_id = False

    def test_bound_task_follows_its_module(self):
        """The §4.2 rows: green only when their own module is installed."""
        self._attach(MANIFEST)
        self.checklist.with_user(self.manager).action_import_manifest()
        self.gate_ci.check_codes = "manifest.modules_installed:ipai_theme_aiux"
        self.gate_backup.check_codes = "manifest.modules_installed:web"
        self.task_post.check_codes = "manifest.modules_installed"
        self.checklist.with_user(self.manager).action_run_checks()
        self.assertEqual(self.gate_ci.check_status, "fail")
        self.assertEqual(self.gate_backup.check_status, "pass")
        self.assertEqual(self.task_post.check_status, "fail")
        result = self.checklist.check_run_id.sudo().result_ids.filtered(
            lambda r: r.object_key == "ipai_theme_aiux"
        )
        self.assertIn("not even on the addons path", result.message)

    def test_preflight_summary_shows_the_drift(self):
        """The Go/No-Go summary lists the manifest's drift of the last audit."""
        self.assertIn(
            "No ship manifest is linked.", self.checklist._golive_preflight_html()
        )
        self._attach(MANIFEST)
        self.checklist.with_user(self.manager).action_import_manifest()
        self.assertIn(
            "acme-erp 1.0.0: no audit has judged the ERP against it yet.",
            self.checklist._golive_preflight_html(),
        )
        self.gate_ci.check_codes = "manifest.modules_installed:ipai_theme_aiux"
        self.checklist.with_user(self.manager).action_run_checks()
        summary = self.checklist._golive_preflight_html()
        self.assertIn("Ship manifest drift", summary)
        self.assertIn("<code>manifest.modules_installed</code> FAIL", summary)
        self.assertIn("ipai_theme_aiux", summary)
        self.assertNotIn("<code>manifest.modules_installed</code> PASS", summary)
        # the wizard's count and link name the same findings as the list
        drift = self.checklist._golive_manifest_drift()
        self.assertTrue(drift)
        self.assertEqual(set(drift.mapped("status")) - {"warn", "fail", "error"}, set())
        action = self.checklist.with_user(self.manager).action_view_manifest_drift()
        self.assertEqual(
            self.env["golive.check.result"].search(action["domain"]), drift
        )
        self.assertIn(f"{len(drift)} findings in the last audit", summary)

    def test_checklist_without_manifest(self):
        """Without a linked manifest the checks say so; they do not judge the
        ERP against another bundle's manifest."""
        self.env["golive.manifest"].with_user(self.manager)._import_manifest(
            MANIFEST, "other.yml"
        )
        self.gate_ci.check_codes = "manifest.modules_installed:ipai_theme_aiux"
        self.task_post.check_codes = "manifest.modules_installed"
        self.checklist.with_user(self.manager).action_run_checks()
        # skipped: the bound tasks say their checks did not run
        self.assertEqual(self.task_post.check_status, "not_run")
        self.assertEqual(self.gate_ci.check_status, "not_run")
        result = self.checklist.check_run_id.sudo().result_ids
        self.assertEqual(result.status, "skipped")
        self.assertEqual(result.message, "The checklist links no ship manifest.")
