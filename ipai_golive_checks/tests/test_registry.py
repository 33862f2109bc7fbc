# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from unittest.mock import patch

from odoo.tests import tagged

from ..models.golive_check_registry import Finding, golive_check
from .common import GoliveCase

CATALOGUE = {
    "modules.stuck",
    "modules.upgrade_pending",
    "modules.no_enterprise",
    "modules.no_iap_dependency",
    "modules.manifest_template",
    "crons.overdue",
    "crons.failing",
    "crons.deactivated",
    "crons.scheduler_alive",
    "params.base_url",
    "params.base_url_freeze",
    "params.attachment_location",
    "params.no_enterprise_params",
    "params.neutralized",
    "config.proxy_mode",
    "config.dbfilter",
    "config.list_db",
    "config.admin_passwd",
    "config.workers",
    "config.limits",
    "config.data_dir",
    "config.logfile",
    "config.demo_data",
}


@tagged("post_install", "-at_install")
class TestRegistry(GoliveCase):
    def test_catalogue_registered_and_synced(self):
        specs = self.env["golive.check.registry"]._golive_check_specs()
        self.assertLessEqual(CATALOGUE, set(specs))
        checks = self.env["golive.check"].search([("code", "in", list(CATALOGUE))])
        self.assertEqual(set(checks.mapped("code")), CATALOGUE)
        list_db = checks.filtered(lambda c: c.code == "config.list_db")
        self.assertEqual(list_db.category, "config")
        self.assertEqual(list_db.severity, "critical")
        self.assertEqual(list_db.severity_dev, "info")
        self.assertTrue(list_db.remediation)
        self.assertIn("security", list_db.tags)

    def test_sync_keeps_user_edits_and_archives_gone_checks(self):
        check = self.env["golive.check"].search([("code", "=", "crons.overdue")])
        check.write(
            {
                "enabled": False,
                "severity": "critical",
                "severity_dev": "low",
                "parameters": json.dumps({"tolerance_minutes": 5}),
            }
        )
        orphan = self.env["golive.check"].create(
            {
                "code": "gone.check",
                "title": "Provided by an uninstalled addon",
                "category": "other",
            }
        )
        self.env["golive.check"]._sync_registry()
        self.assertFalse(check.enabled)
        self.assertEqual(check.severity, "critical")
        self.assertEqual(check.severity_dev, "low")
        self.assertEqual(check._effective_severity("dev"), "low")
        self.assertEqual(check._effective_severity("prod"), "critical")
        self.assertFalse(orphan.active)
        spec = self.env["golive.check.registry"]._golive_check_specs()["crons.overdue"]
        self.assertEqual(check._effective_params(spec), {"tolerance_minutes": 5})

    def test_sync_writes_only_what_changed(self):
        """Concurrent runs each sync the registry: an unchanged row is never
        written (it would conflict with the other run's transaction)."""
        Check = self.env["golive.check"]
        Check._sync_registry()
        writes = []
        original_write = type(Check).write

        def spy_write(records, vals):
            writes.append((records.mapped("code"), vals))
            return original_write(records, vals)

        with patch.object(type(Check), "write", spy_write):
            Check._sync_registry()
            self.assertEqual(writes, [])
            # a stale title (an addon changed the code) is refreshed alone
            list_db = Check.search([("code", "=", "config.list_db")])
            title = list_db.title
            self.env.cr.execute(
                "UPDATE golive_check SET title = 'Old title' WHERE id = %s",
                (list_db.id,),
            )
            list_db.invalidate_recordset(["title"])
            Check._sync_registry()
        self.assertEqual(writes, [(["config.list_db"], {"title": title})])
        self.assertEqual(list_db.title, title)

    def test_disabled_check_not_run_unless_selected(self):
        check = self.env["golive.check"].search([("code", "=", "config.list_db")])
        check.enabled = False
        run = self.run_checks(None, categories=["config"])
        self.assertFalse(self.results(run, "config.list_db"))
        run = self.run_checks(["config.list_db"])
        self.assertTrue(self.results(run, "config.list_db"))

    def test_decorator_validation(self):
        with self.assertRaises(ValueError):
            golive_check("NoDots", title="x", category="other")
        with self.assertRaises(ValueError):
            golive_check("a.b", title="x", category="other", severity="huge")
        with self.assertRaises(ValueError):
            golive_check("a.b", title="x", category="other")(lambda self, ctx: None)
        with self.assertRaises(ValueError):
            Finding("great", "message")
        with self.assertRaises(TypeError):
            Finding.coerce(42)
