# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import shutil
import stat
import subprocess
import tempfile
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.base.models import ir_actions_report

from .common import GoliveCase

CODE = "reports.wkhtmltopdf"


@tagged("post_install", "-at_install")
class TestChecksReports(GoliveCase):
    def _fake_wkhtmltopdf(self, output, exit_code=0):
        """An executable that answers ``--version`` like a wkhtmltopdf build."""
        folder = tempfile.mkdtemp(prefix="golive-wkhtmltopdf-")
        path = os.path.join(folder, "wkhtmltopdf")
        with open(path, "w", encoding="utf-8") as script:
            script.write(f"#!/bin/sh\nprintf '%s\\n' '{output}'\nexit {exit_code}\n")
        os.chmod(path, stat.S_IRWXU)
        self.addCleanup(shutil.rmtree, folder)
        return path

    def _run_with(self, binary, environment="prod"):
        with patch.object(
            ir_actions_report, "_get_wkhtmltopdf_bin", return_value=binary
        ):
            run = self.run_checks([CODE], environment=environment)
        return self.results(run, CODE)

    def test_patched_qt_passes(self):
        binary = self._fake_wkhtmltopdf("wkhtmltopdf 0.12.6.1 (with patched qt)")
        result = self._run_with(binary)
        self.assertEqual(result.status, "pass")
        self.assertEqual(result.object_key, "wkhtmltopdf")
        self.assertEqual(result.evidence["version"], "0.12.6.1")
        self.assertIs(result.evidence["patched_qt"], True)
        self.assertEqual(result.evidence["path"], binary)

    def test_unpatched_qt_fails_high_with_consequences(self):
        """Where documents go out (prod, staging) an unpatched build is a
        defect, not a warning: it costs the score; a warning in dev."""
        binary = self._fake_wkhtmltopdf("wkhtmltopdf 0.12.6")
        for environment in ("prod", "staging"):
            result = self._run_with(binary, environment)
            self.assertEqual(result.status, "fail")
            self.assertEqual(result.severity, "high")
            self.assertIs(result.evidence["patched_qt"], False)
            for consequence in (
                "header and footer",
                "several records",
                "EmptyFileError",
                "searchable",
            ):
                self.assertIn(consequence, result.message)
            self.assertLess(result.run_id.score, 100)
        result = self._run_with(binary, "dev")
        self.assertEqual(result.status, "warn")
        self.assertEqual(result.severity, "low")

    def test_debian_build_fails_in_prod(self):
        """The distribution's binary (Debian's wkhtmltopdf is built on its own,
        unpatched Qt), not a script: judged as it describes itself."""
        binary = shutil.which("wkhtmltopdf", path="/usr/bin")
        if not binary:
            self.skipTest("no wkhtmltopdf package installed in /usr/bin")
        output = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False
        ).stdout
        if "with patched qt" in output.lower():
            self.skipTest(f"{binary} is a patched-Qt build, not the distribution's")
        result = self._run_with(binary, "prod")
        self.assertEqual(result.status, "fail")
        self.assertIn("unpatched Qt", result.message)

    def test_too_old_fails(self):
        binary = self._fake_wkhtmltopdf("wkhtmltopdf 0.12.1 (with patched qt)")
        result = self._run_with(binary)
        self.assertEqual(result.status, "fail")
        self.assertRegex(result.message, r"0\.12\.1 is too old \(at least 0\.12\.5\)")
        self.assertEqual(result.evidence["minimum"], "0.12.5")

    def test_versions_compare_as_versions(self):
        # "0.12.10" is newer than "0.12.5", though smaller as a string
        binary = self._fake_wkhtmltopdf("wkhtmltopdf 0.12.10 (with patched qt)")
        self.assertEqual(self._run_with(binary).status, "pass")

    def test_missing_fails(self):
        result = self._run_with(None)
        self.assertEqual(result.status, "fail")
        self.assertIn("not installed", result.message)
        self.assertEqual(result.object_key, "wkhtmltopdf")

    def test_broken_fails(self):
        binary = self._fake_wkhtmltopdf("Segmentation fault", exit_code=139)
        result = self._run_with(binary)
        self.assertEqual(result.status, "fail")
        self.assertIn("gives no version (exit code 139)", result.message)

    def test_this_machine(self):
        """The binary Odoo really uses is judged by what it says of itself."""
        binary = ir_actions_report._get_wkhtmltopdf_bin()
        result = self.results(self.run_checks([CODE]), CODE)
        if not binary:
            self.assertEqual(result.status, "fail")
            return
        output = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False
        ).stdout
        self.assertIn(result.evidence["version"], output)
        self.assertEqual(
            result.status, "pass" if "with patched qt" in output.lower() else "fail"
        )
