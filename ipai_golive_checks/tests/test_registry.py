# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools.misc import file_open

from ..models.golive_check_registry import Finding, golive_check
from ..tools.report_formats import render_catalogue
from .common import GoliveCase

CATALOGUE_FILE = "ipai_golive_checks/readme/CATALOGUE.md"


def readme_catalogue():
    """The lines of the catalogue in the addon's README (``- ``code`` ...``)."""
    with file_open(CATALOGUE_FILE) as handle:
        return [line.rstrip("\n") for line in handle if line.startswith("- ")]


CATALOGUE = {line.split("``")[1] for line in readme_catalogue()}


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

    def test_catalogue_matches_the_readme(self):
        """The engine's checks, from the registry, are the README's catalogue:
        adding, removing or renaming a check (or changing its title, category
        or default severity) means regenerating it."""
        cls = self.env.registry["golive.check.registry"]
        rows = []
        for code, spec in (
            self.env["golive.check.registry"]._golive_check_specs().items()
        ):
            # the addon that declares the check (other addons add their own)
            declaring = next(
                klass
                for klass in reversed(cls.__mro__)
                if getattr(vars(klass).get(spec.method_name), "_golive_check", None)
                and vars(klass)[spec.method_name]._golive_check.code == code
            )
            if declaring.__module__.startswith("odoo.addons.ipai_golive_checks."):
                rows.append(
                    {
                        "code": code,
                        "category": spec.category,
                        "severity": spec.severity,
                        "title": spec.title,
                    }
                )
        self.assertGreaterEqual(len(rows), 54)
        self.assertEqual(
            readme_catalogue(),
            render_catalogue(rows).splitlines(),
            f"{CATALOGUE_FILE} is stale: run scripts/gen_check_catalogue.py",
        )

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
