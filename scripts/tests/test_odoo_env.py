"""Unit tests of scripts/odoo_env.py: how ODOO_SOURCE is read, and pip errors.

Standard library only; run by .ci/run with ``python3 -m unittest discover``.
"""

import io
import os
import shutil
import sys
import tarfile
import tempfile
import unittest
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import odoo_env  # noqa: E402

RELEASE = "version_info = ({major}, 0, 0, FINAL, 0, '')\n"
PINS = "psycopg2==2.9.5\npython-ldap==3.4.0 ; sys_platform != 'win32'\n"


class SourceTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.cache = self.tmp / "cache"
        self.cache.mkdir()

    def resolve(self, spec):
        return odoo_env.Source(str(spec), self.cache).resolve()

    def wheelhouse(self, major=18, name="odoo-18.0.post1-py3-none-any.whl"):
        folder = self.tmp / f"wh{major}"
        folder.mkdir()
        with zipfile.ZipFile(folder / name, "w") as wheel:
            wheel.writestr("odoo/release.py", RELEASE.format(major=major))
        (folder / "requirements.txt").write_text(PINS)
        return folder

    def tarball(self, major=18, requirements=True):
        path = self.tmp / f"odoo_{major}.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            members = {"odoo-18.0/odoo/release.py": RELEASE.format(major=major)}
            if requirements:
                members["odoo-18.0/requirements.txt"] = PINS
            for name, text in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(text.encode())
                archive.addfile(info, io.BytesIO(text.encode()))
        return path

    def test_wheelhouse(self):
        source = self.resolve(self.wheelhouse())
        self.assertEqual(source.kind, "wheelhouse")
        self.assertEqual(source.target.name, "odoo-18.0.post1-py3-none-any.whl")
        self.assertEqual(source.requirements.read_text(), PINS)
        self.assertEqual(len(source.identity()["sha256"]), 64)

    def test_identity_follows_content(self):
        folder = self.wheelhouse()
        before = self.resolve(folder).identity()
        self.assertEqual(self.resolve(folder).identity(), before)
        (folder / "requirements.txt").write_text(PINS + "lxml==4.9.3\n")
        self.assertNotEqual(self.resolve(folder).identity(), before)

    def test_wheel_of_another_version_is_refused(self):
        folder = self.wheelhouse(major=17, name="odoo-18.0.post1-py3-none-any.whl")
        with self.assertRaisesRegex(odoo_env.SetupError, "holds Odoo 17.0"):
            self.resolve(folder)

    def test_source_folder(self):
        folder = self.tmp / "odoo"
        (folder / "odoo").mkdir(parents=True)
        (folder / "odoo" / "release.py").write_text(RELEASE.format(major=18))
        (folder / "requirements.txt").write_text(PINS)
        source = self.resolve(folder)
        self.assertEqual((source.kind, source.editable), ("folder", True))

    def test_tarball(self):
        source = self.resolve(self.tarball())
        self.assertEqual(source.kind, "tarball")
        self.assertEqual(source.requirements.read_text(), PINS)

    def test_tarball_without_requirements(self):
        with self.assertRaisesRegex(odoo_env.SetupError, "no top-level requirements"):
            self.resolve(self.tarball(requirements=False))

    def test_tarball_of_odoo_17(self):
        with self.assertRaisesRegex(odoo_env.SetupError, "needs Odoo 18.0"):
            self.resolve(self.tarball(major=17))

    def test_missing_and_empty(self):
        with self.assertRaisesRegex(odoo_env.SetupError, "does not exist"):
            self.resolve(self.tmp / "nowhere")
        (self.tmp / "empty").mkdir()
        with self.assertRaisesRegex(odoo_env.SetupError, "holds no Odoo"):
            self.resolve(self.tmp / "empty")

    def test_url_is_not_fetched_to_resolve(self):
        source = self.resolve("https://example.invalid/odoo_18.0.latest.tar.gz")
        self.assertEqual(source.identity(), {"url": source.spec})


class PipFailureTest(unittest.TestCase):
    def test_build_failure_names_the_package(self):
        out = (
            "Collecting cbor2==5.4.2\n  error: subprocess-exited-with-error\n"
            "ERROR: Failed to build 'cbor2' when getting requirements to build wheel\n"
        )
        self.assertEqual(odoo_env.pip_failure(out), "cbor2")

    def test_missing_distribution(self):
        out = "ERROR: No matching distribution found for nosuchpkg==1.0\n"
        self.assertEqual(odoo_env.pip_failure(out), "nosuchpkg==1.0")

    def test_last_collected_package_otherwise(self):
        out = "Collecting a==1\nCollecting b==2\nKilled\n"
        self.assertEqual(odoo_env.pip_failure(out), "b==2")


class StampTest(unittest.TestCase):
    def test_failed_step_leaves_nothing_marked_done(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, True)
        env = odoo_env.Environment(tmp / "venv", [])
        (tmp / "venv").mkdir()
        env.write_stamp({"odoo": {"sha256": "x"}, "requirements": {"r.txt": "y"}})
        broken = tmp / "broken"
        broken.mkdir()
        (broken / "requirements.txt").write_text(PINS)
        with zipfile.ZipFile(broken / "odoo-18.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr("odoo/release.py", RELEASE.format(major=18))
        # the venv's python does not exist: the first pip step fails
        env.python = tmp / "venv" / "bin" / "python-missing"
        os.environ.pop("PIP_CONSTRAINT", None)
        with self.assertRaisesRegex(odoo_env.SetupError, "Could not run pip"):
            env.install_odoo(str(broken))
        self.assertNotIn("odoo", env.read_stamp())
        self.assertNotIn("requirements", env.read_stamp())


class ServerPinsTest(unittest.TestCase):
    def test_pins_are_installed_once_and_remembered(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, True)
        (tmp / "venv").mkdir()
        env = odoo_env.Environment(tmp / "venv", [])
        calls = []
        original = odoo_env.run_pip
        odoo_env.run_pip = lambda python, args, what, log: calls.append(args)
        self.addCleanup(setattr, odoo_env, "run_pip", original)
        stamp = {"odoo": {"sha256": "x"}}
        env.install_server_pins(stamp)
        self.assertEqual(calls, [["--quiet", *odoo_env.SERVER_PINS]])
        self.assertEqual(env.read_stamp()["server_pins"], list(odoo_env.SERVER_PINS))
        env.install_server_pins(env.read_stamp())
        self.assertEqual(len(calls), 1, "the second set-up skips the pins")


if __name__ == "__main__":
    unittest.main()
