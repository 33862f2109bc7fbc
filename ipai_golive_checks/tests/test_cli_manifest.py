# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive --manifest FILE [--save]`` as a subprocess."""

import hashlib
import json
import os
import subprocess
import tempfile

from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import config
from odoo.tools.misc import file_path

from .common import ODOO_CMD, CommittedStateCase
from .test_manifest_loader import FIXED, REAL


@tagged("post_install", "-at_install")
class TestCliManifest(CommittedStateCase):
    def setUp(self):
        super().setUp()
        max_id = self._committed("SELECT COALESCE(max(id), 0) FROM golive_manifest")
        self.addCleanup(
            self._committed, "DELETE FROM golive_manifest WHERE id > %s", (max_id,)
        )

    def _committed(self, query, params=()):
        """Run ``query`` in its own committed transaction; the first value."""
        with db_connect(self.dbname).cursor() as cr:  # commits at the end
            cr.execute(query, params)
            return cr.fetchone()[0] if cr.description else None

    def golive(self, *args):
        cmd = [
            *ODOO_CMD,
            f"--addons-path={config['addons_path']}",
            "golive",
            "-d",
            self.dbname,
        ]
        for option in ("db_host", "db_port", "db_user"):
            if config.get(option):
                cmd.append(f"--{option}={config[option]}")
        env = dict(os.environ)
        env.pop("ODOO_RC", None)
        return subprocess.run(
            [*cmd, *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            check=False,
        )

    def test_invalid_manifest_exit_2(self):
        real = file_path(REAL)
        proc = self.golive("--manifest", real)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertIn(f"{real}:191:83: gates.optional[0].command: ", proc.stderr)
        self.assertIn("quote the command", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as bad:
            bad.write(
                "bundle: {name: a}\ninstall_order: [{stage: s, modules: [Web]}]\n"
            )
            bad.flush()
            proc = self.golive("--manifest", bad.name, "--format", "json")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(
            proc.stderr,
            f"golive: error: {bad.name}:1:9: bundle.version: missing required key "
            "'version' (hint: add it (see the schema for its meaning)) "
            "(and 1 more error(s))\n",
        )
        proc = self.golive("--save")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--save and --gate-result need --manifest PATH", proc.stderr)
        proc = self.golive("--manifest", "/nonexistent/ship.yml")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("/nonexistent/ship.yml", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)

    def test_manifest_judged_not_stored(self):
        before = self._committed("SELECT count(*) FROM golive_manifest")
        proc = self.golive(
            "--manifest",
            file_path(FIXED),
            "--check",
            "manifest.modules_installed,manifest.server_options",
            "--format",
            "json",
            "--db_password=Cli-Manifest-Db-Planted-7q",
        )
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads(proc.stdout)
        theme = [
            r
            for r in report["results"]
            if r["code"] == "manifest.modules_installed"
            and r["object"] == "ipai_theme_aiux"
        ]
        self.assertEqual(theme[0]["status"], "fail")
        password = [r for r in report["results"] if r["object"] == "db_password"]
        self.assertEqual(password[0]["status"], "skipped")
        self.assertNotIn("Cli-Manifest-Db-Planted-7q", proc.stdout + proc.stderr)
        self.assertEqual(
            self._committed("SELECT count(*) FROM golive_manifest"), before
        )

    def test_manifest_saved(self):
        with open(file_path(FIXED), "rb") as fixed:
            source = fixed.read() + b"# saved by the CLI test\n"
        sha = hashlib.sha256(source).hexdigest()
        with tempfile.NamedTemporaryFile(suffix=".yml") as copy:
            copy.write(source)
            copy.flush()
            proc = self.golive(
                "--manifest", copy.name, "--save", "--check", "manifest.install_order"
            )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("manifest.install_order", proc.stdout)
        self.assertEqual(
            self._committed(
                "SELECT bundle_version FROM golive_manifest WHERE sha256 = %s", (sha,)
            ),
            "1.1.0",
        )

    def test_gate_results_reported_by_ci(self):
        text = (
            'bundle: {name: ci-feed, version: "1"}\n'
            "install_order: [{stage: s, modules: [base]}]\n"
            "gates:\n"
            "  required: [{id: clean_install, command: odoo-bin -i base}]\n"
            "  optional: [{id: lint, command: pre-commit run -a}]\n"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as manifest:
            manifest.write(text)
            manifest.flush()
            args = ("--manifest", manifest.name, "--check", "manifest.gates")
            proc = self.golive(
                *args,
                "--gate-result",
                "clean_install=fail",
                "--gate-result",
                "lint=pass",
                "--format",
                "json",
            )
            wrong = self.golive(*args, "--gate-result", "nope=pass")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        results = {r["object"]: r for r in json.loads(proc.stdout)["results"]}
        self.assertEqual(results["clean_install"]["status"], "fail")
        self.assertEqual(
            results["clean_install"]["message"], "clean_install: failed in CI."
        )
        self.assertEqual(results["clean_install"]["evidence"]["source"], "ci")
        self.assertEqual(results["lint"]["status"], "pass")
        self.assertEqual(wrong.returncode, 2)
        self.assertIn(
            "--gate-result nope=pass: expected ID=pass or ID=fail with a gate of the "
            "manifest (clean_install, lint)",
            wrong.stderr,
        )
