"""The addon template: ``odoo-bin scaffold -t templates/addon NAME DEST``.

Scaffolds an addon with the environment's Odoo and runs our lint on it: ruff,
ruff format, pylint-odoo with the OCA mandatory rules, and the README.rst the
generator would write, as valid reStructuredText. (The house manifest audit,
modules.manifest_template, is an Odoo test: TestScaffoldTemplate.)

Standard library only; run by .ci/run after the lint tools are installed.
Without the environment it skips, saying why, except under .ci/run
(GOLIVE_CI=1), where that is a failure.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
NAME = "acme_golive_extra"


class ScaffoldTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        venv = Path(os.environ.get("GOLIVE_VENV") or REPO_ROOT / ".venv")
        cls.odoo, cls.python = venv / "bin" / "odoo", venv / "bin" / "python"
        tools = subprocess.run(
            [str(cls.python), "-c", "import ruff, pylint_odoo, docutils"],
            capture_output=True,
            check=False,
        )
        if not cls.odoo.exists() or tools.returncode:
            reason = f"no Odoo and lint tools in {venv}: run `make lint` first"
            if os.environ.get("GOLIVE_CI"):
                raise AssertionError(reason)
            raise unittest.SkipTest(reason)
        cls.dest = Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.dest, True)
        subprocess.run(
            [str(cls.odoo), "scaffold", "-t", str(REPO_ROOT / "templates" / "addon")]
            + [NAME, str(cls.dest)],
            check=True,
        )
        cls.addon = cls.dest / NAME

    def run_tool(self, *args):
        proc = subprocess.run(
            [str(self.python), *args],
            cwd=self.dest,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(proc.returncode, 0, f"{args}:\n{proc.stdout}{proc.stderr}")

    def test_files(self):
        names = sorted(
            str(p.relative_to(self.addon)) for p in self.addon.rglob("*") if p.is_file()
        )
        self.assertIn("__manifest__.py", names)
        self.assertIn("README.rst", names)
        self.assertFalse([n for n in names if n.endswith(".template")], names)
        manifest = (self.addon / "__manifest__.py").read_text()
        self.assertIn('"name": "Acme Golive Extra"', manifest)

    def test_ruff(self):
        config = str(REPO_ROOT / ".ruff.toml")
        self.run_tool("-m", "ruff", "check", "--no-fix", "--config", config, NAME)
        self.run_tool("-m", "ruff", "format", "--check", "--config", config, NAME)

    def test_pylint_odoo(self):
        rcfile = str(REPO_ROOT / ".pylintrc-mandatory")
        self.run_tool("-m", "pylint", f"--rcfile={rcfile}", NAME)

    def test_readme_is_what_the_generator_writes(self):
        script = (
            "import sys, pathlib\n"
            f"sys.path.insert(0, {str(REPO_ROOT / 'scripts')!r})\n"
            "import gen_addon_readme as g\n"
            "addon = pathlib.Path(sys.argv[1])\n"
            "text = g.render(addon)\n"
            "assert (addon / 'README.rst').read_text() == text, 'stale README.rst'\n"
            "problems = g.rst_problems(text, 'README.rst')\n"
            "assert not problems, problems\n"
        )
        self.run_tool("-c", script, str(self.addon))


if __name__ == "__main__":
    unittest.main()
