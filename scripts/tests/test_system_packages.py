"""Unit tests of scripts/system_packages.py: which Debian packages are missing,
and the refusal when they cannot be installed (a fake PATH, nothing removed).

Standard library only; run by .ci/run with ``python3 -m unittest discover``.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import system_packages  # noqa: E402

SCRIPT = Path(system_packages.__file__)


class SystemPackagesTest(unittest.TestCase):
    def setUp(self):
        self.bin = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.bin, True)

    def tool(self, name):
        path = self.bin / name
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)

    def test_missing_follows_the_path(self):
        path = str(self.bin)
        needed = set(system_packages.NEEDS["test"]) - {"fonts-dejavu-core"}
        self.assertTrue(needed <= set(system_packages.missing_packages("test", path)))
        self.tool("chromium-browser")  # any of Odoo's browser names will do
        self.tool("wkhtmltopdf")
        missing = system_packages.missing_packages("test", path)
        self.assertNotIn("chromium", missing)
        self.assertNotIn("wkhtmltopdf", missing)
        self.assertIn("poppler-utils", missing)
        self.tool("pdftotext")
        self.assertNotIn(
            "poppler-utils", system_packages.missing_packages("test", path)
        )

    def test_fonts_are_a_file(self):
        font = self.bin / "DejaVuSans.ttf"
        packages = dict(system_packages.PACKAGES)
        packages["fonts-dejavu-core"] = ("fonts", (str(font),))
        missing = system_packages.missing_packages("demo", str(self.bin), packages)
        self.assertEqual(missing, ["wkhtmltopdf", "fonts-dejavu-core"])
        font.write_bytes(b"")
        missing = system_packages.missing_packages("demo", str(self.bin), packages)
        self.assertEqual(missing, ["wkhtmltopdf"])

    def test_install_needs_root_and_apt(self):
        path = str(self.bin)
        self.assertFalse(system_packages.can_install(path, euid=0))
        self.tool("apt-get")
        self.assertTrue(system_packages.can_install(path, euid=0))
        self.assertFalse(system_packages.can_install(path, euid=1000))

    def test_refusal_in_seconds_names_packages_and_command(self):
        """The script on a PATH without the tools nor apt-get: refused."""
        proc = subprocess.run(
            [sys.executable, str(SCRIPT), "test"],
            env={**os.environ, "PATH": str(self.bin)},
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("`make test` needs Debian packages that are missing", proc.stderr)
        for name in ("chromium", "wkhtmltopdf", "poppler-utils"):
            self.assertIn(f"  {name}: for ", proc.stderr)
        self.assertIn(
            "sudo apt-get install -y chromium wkhtmltopdf poppler-utils", proc.stderr
        )
        self.assertNotIn("Installing", proc.stderr)

    def test_make_test_stops_before_the_environment(self):
        """scripts/test refuses before odoo_env.py or PostgreSQL are touched."""
        for name in ("python3", "dirname", "mkdir", "bash"):
            os.symlink(shutil.which(name), self.bin / name)
        repo = SCRIPT.parent.parent
        proc = subprocess.run(
            ["bash", str(repo / "scripts" / "test")],
            env={
                **os.environ,
                "PATH": str(self.bin),
                "GOLIVE_VENV": str(self.bin / "no-venv"),
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("sudo apt-get install -y chromium", proc.stderr)
        self.assertNotIn("[odoo-env]", proc.stderr)
        self.assertFalse((self.bin / "no-venv").exists())


if __name__ == "__main__":
    unittest.main()
