# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import os
import re

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

# the export's date lines change every run; everything else must match
VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\n', re.M)


@tagged("post_install", "-at_install")
class TestPotCurrent(TransactionCase):
    """Each addon of this repository ships i18n/<addon>.pot as Odoo exports it."""

    def repo_addons(self):
        root = os.path.dirname(get_module_path("ipai_golive_checks"))
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        return [
            module.name
            for module in installed
            if os.path.dirname(get_module_path(module.name) or "") == root
        ]

    def test_pot_files_are_current(self):
        addons = self.repo_addons()
        self.assertIn("ipai_golive_checks", addons)
        for addon in addons:
            with self.subTest(addon=addon):
                path = os.path.join(get_module_path(addon), "i18n", f"{addon}.pot")
                self.assertTrue(
                    os.path.isfile(path), f"{path} is missing: run `make pot`"
                )
                buffer = io.BytesIO()
                # Babel 2.10 (Odoo's pin) skips a whole Python file, with an
                # ERROR, when a _() call holds an f-string, even in a keyword
                # argument: its terms would silently miss the .pot
                with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
                    trans_export(False, [addon], buffer, "po", self.env.cr)
                exported = VOLATILE.sub("", buffer.getvalue().decode())
                with open(path, encoding="utf-8") as stream:
                    shipped = VOLATILE.sub("", stream.read())
                self.assertTrue(
                    exported == shipped,
                    f"{addon}/i18n/{addon}.pot is stale (the code's terms changed): "
                    "run `make pot` and commit it",
                )
