# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import shutil
import tempfile
from unittest.mock import patch

from odoo.cli.scaffold import template
from odoo.modules.module import get_module_path
from odoo.tests import tagged

import odoo.addons

from .common import GoliveCase

NAME = "acme_golive_scaffolded"


@tagged("post_install", "-at_install")
class TestScaffoldTemplate(GoliveCase):
    """templates/addon (odoo-bin scaffold -t) gives an addon the house audit passes."""

    def setUp(self):
        super().setUp()
        repo = os.path.dirname(get_module_path("ipai_golive_checks"))
        self.template = os.path.join(repo, "templates", "addon")
        if not os.path.isdir(self.template):
            self.skipTest(f"Allowed: {self.template} is not shipped beside the addons")
        addons_dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, addons_dir, True)
        template(self.template).render_to(NAME, addons_dir, {"name": NAME})
        self.manifest = os.path.join(addons_dir, NAME, "__manifest__.py")
        patcher = patch.object(
            odoo.addons, "__path__", [*odoo.addons.__path__, addons_dir]
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        # judge the scaffolded addon alone among the custom ones
        custom = self.env["ir.module.module"].search(
            [("state", "=", "installed"), ("name", "in", ("auditlog",))]
        )
        custom.state = "uninstalled"
        self.env["ir.module.module"].create(
            {"name": NAME, "state": "installed", "latest_version": "18.0.1.0.0"}
        )

    def audit(self):
        code = "modules.manifest_template"
        run = self.Run._run_checks(codes=[code], environment="prod")
        return self.statuses(run, code), run

    def test_scaffolded_addon_passes_the_house_audit(self):
        statuses, run = self.audit()
        self.assertEqual(set(statuses.values()), {"pass"}, statuses)
        self.assertIn(NAME, self.results(run).evidence["modules"])

    def test_the_audit_reads_the_scaffolded_manifest(self):
        with open(self.manifest, encoding="utf-8") as stream:
            text = stream.read()
        with open(self.manifest, "w", encoding="utf-8") as stream:
            stream.write(text.replace('"maintainers": ["ipai"],', ""))
        statuses, run = self.audit()
        self.assertEqual(statuses.get(NAME), "fail", statuses)
        result = self.results(run).filtered(lambda r: r.object_key == NAME)
        self.assertEqual(result.evidence["problems"], ["maintainers is missing"])
