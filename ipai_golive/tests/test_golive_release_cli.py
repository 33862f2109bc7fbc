# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive --report`` as a subprocess against this test database: it
sees the committed state, where the demo's v1.0.0 went live and took a release.
"""

import os
import subprocess
import tempfile

from odoo.tests import TransactionCase, tagged
from odoo.tools import config, file_open

from odoo.addons.ipai_golive_checks.tests.common import ODOO_CMD

from ..tools.release_report import bundle_label
from .test_golive_release import pdf_text


@tagged("post_install", "-at_install")
class TestGoliveReleaseCli(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.release = cls.env["golive.release"].search([], limit=1)

    def golive(self, *args):
        cmd = [
            *ODOO_CMD,
            f"--addons-path={config['addons_path']}",
            "golive",
            "-d",
            self.env.cr.dbname,
        ]
        for option in ("db_host", "db_port", "db_user"):
            if config.get(option):
                cmd.append(f"--{option}={config[option]}")
        env = dict(os.environ)
        env.pop("ODOO_RC", None)
        return subprocess.run(
            [*cmd, *args],
            capture_output=True,
            timeout=300,
            env=env,
            check=False,
        )

    def _output(self, suffix):
        handle, path = tempfile.mkstemp(suffix=suffix)
        os.close(handle)
        self.addCleanup(os.remove, path)
        return path

    def test_report_markdown_of_the_latest_release(self):
        self.assertTrue(self.release, "the demo data take a release at go-live")
        path = self._output(".md")
        proc = self.golive(
            "--report", "what_shipped", "--format", "markdown", "--output", path
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(path, "rb") as output:
            text = output.read().decode()
        expected = self.env["ir.actions.report"]._render_qweb_text(
            "ipai_golive.action_report_what_shipped_md", self.release.ids
        )[0]
        self.assertEqual(text, expected.decode())
        title = bundle_label(self.release.bundle_name, self.release.bundle_version)
        self.assertTrue(text.startswith(f"# WHAT_SHIPPED: {title}\n"))
        # Markdown is the default format of a report, stdout the default output
        proc = self.golive("--report", "go_live_manifest")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith(b"# GO_LIVE_MANIFEST: "))

    def test_report_pdf(self):
        path = self._output(".pdf")
        proc = self.golive(
            "--report", "what_shipped", "--format", "pdf", "--output", path
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(path, "rb") as output:
            pdf = output.read()
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = pdf_text(pdf)
        self.assertIn(self.release.release_tag, text)
        self.assertIn(f"base {self.release.module_data['base']['version']}", text)

    def test_report_of_the_live_state_against_a_manifest(self):
        with file_open(
            "ipai_golive_checks/tests/data/aiux_ship_manifest.fixed.yml"
        ) as manifest:
            path = manifest.name
        count = self.env["golive.release"].search_count([])
        proc = self.golive("--report", "go_live_manifest", "--manifest", path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        text = proc.stdout.decode()
        self.assertIn("- Bundle: ipai-aiux-bundle 1.1.0", text)
        self.assertIn("1. odoo_base: base, web, mail", text)
        self.assertIn("### Drift at go-live", text)
        self.env.invalidate_all()
        self.assertEqual(self.env["golive.release"].search_count([]), count)
        proc = self.golive("--report", "what_shipped", "--manifest", path, "--save")
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"--save stores a manifest for an audit", proc.stderr)

    def test_report_usage_errors(self):
        proc = self.golive("--report", "what_shipped", "--format", "junit")
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"--report renders markdown or pdf, not junit", proc.stderr)
        proc = self.golive("--format", "pdf")
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"--format pdf is for --report only", proc.stderr)
        proc = self.golive("--report", "invoice")
        self.assertEqual(proc.returncode, 2)
        proc = self.golive("--report", "what_shipped", "--all-databases")
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"--report and --all-databases do not go together", proc.stderr)
