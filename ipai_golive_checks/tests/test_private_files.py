# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Files the command line writes and reads: ``--output`` (mode 0600, atomic,
no symbolic link followed) and the ship manifest (a regular file, read
bounded)."""

import os
import stat
import subprocess
import tempfile

from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.manifest import ManifestError, load_manifest_file
from ..tools.output_file import OutputRefused, write_private
from .common import CommittedStateCase, odoo_command
from .test_manifest_loader import GOOD


@tagged("post_install", "-at_install")
class TestWritePrivate(BaseCase):
    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.folder = tmp.name
        old_umask = os.umask(0)  # the loosest umask: the mode is ours alone
        self.addCleanup(os.umask, old_umask)

    def test_new_and_replaced_files_are_0600(self):
        path = os.path.join(self.folder, "report.md")
        write_private(path, b"first")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        os.chmod(path, 0o644)
        inode = os.stat(path).st_ino
        write_private(path, b"second")
        with open(path, "rb") as report:
            self.assertEqual(report.read(), b"second")
        # replaced, not rewritten in place: a reader of the old one never
        # sees half a report, and the old mode is not inherited
        self.assertNotEqual(os.stat(path).st_ino, inode)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(os.listdir(self.folder), ["report.md"])

    def test_symbolic_link_refused_and_its_target_untouched(self):
        target = os.path.join(self.folder, "authorized_keys")
        with open(target, "w", encoding="utf-8") as victim:
            victim.write("ssh-ed25519 AAAA admin\n")
        link = os.path.join(self.folder, "report.md")
        os.symlink(target, link)
        with self.assertRaisesRegex(OutputRefused, "is a symbolic link"):
            write_private(link, b"report")
        with open(target, encoding="utf-8") as victim:
            self.assertEqual(victim.read(), "ssh-ed25519 AAAA admin\n")
        self.assertTrue(os.path.islink(link))
        self.assertEqual(
            sorted(os.listdir(self.folder)), ["authorized_keys", "report.md"]
        )

    def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(self):
        path = os.path.join(self.folder, "report.md")
        write_private(path, b"old")
        with self.assertRaises(TypeError):
            write_private(path, "text, not bytes")
        with open(path, "rb") as report:
            self.assertEqual(report.read(), b"old")
        self.assertEqual(os.listdir(self.folder), ["report.md"])

    def test_device_written_in_place(self):
        write_private(os.devnull, b"discarded")
        self.assertTrue(stat.S_ISCHR(os.stat(os.devnull).st_mode))


@tagged("post_install", "-at_install")
class TestManifestFileRead(BaseCase):
    def test_a_device_is_not_a_manifest(self):
        with self.assertRaises(ManifestError) as caught:
            load_manifest_file(os.devnull)
        self.assertIn("not a regular file", str(caught.exception))

    def test_a_fifo_is_refused_without_reading_it(self):
        with tempfile.TemporaryDirectory() as folder:
            fifo = os.path.join(folder, "manifest.yml")
            os.mkfifo(fifo)
            # a valid manifest waits in the pipe, its writer still open: a
            # loader that read it would block until the writer closes
            reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            self.addCleanup(os.close, reader)
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            self.addCleanup(os.close, writer)
            os.write(writer, GOOD.encode())
            with self.assertRaises(ManifestError) as caught:
                load_manifest_file(fifo)
            self.assertIn("not a regular file", str(caught.exception))
            # not one byte was taken from the pipe
            self.assertEqual(os.read(reader, 65536), GOOD.encode())

    def test_regular_file_still_loads(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yml", encoding="utf-8") as f:
            f.write(GOOD)
            f.flush()
            self.assertEqual(
                load_manifest_file(f.name).data["bundle"]["name"], "acme-erp"
            )


@tagged("post_install", "-at_install")
class TestCliOutputFile(CommittedStateCase):
    def golive(self, *args):
        cmd, env = odoo_command("golive", self.dbname, *args)
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=300, env=env, check=False
        )

    def _committed_run_count(self):
        with db_connect(self.dbname).cursor() as cr:
            cr.execute("SELECT count(*) FROM golive_check_run")
            return cr.fetchone()[0]

    def test_output_0600_and_symbolic_link_refused_before_the_run(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "report.json")
            proc = self.golive(
                "--check", "modules.stuck", "--format", "json", "--output", path
            )
            self.assertIn(proc.returncode, (0, 1), proc.stderr[-2000:])
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            self.assertEqual(os.listdir(folder), ["report.json"])

            target = os.path.join(folder, "elsewhere")
            with open(target, "w", encoding="utf-8") as victim:
                victim.write("untouched")
            link = os.path.join(folder, "link.json")
            os.symlink(target, link)
            runs_before = self._committed_run_count()
            proc = self.golive("--check", "modules.stuck", "--output", link)
            self.assertEqual(proc.returncode, 2, proc.stderr[-2000:])
            self.assertEqual(
                proc.stderr.strip(),
                f"golive: error: --output: {link!r} is a symbolic link; give "
                "the real path of the file.",
            )
            with open(target, encoding="utf-8") as victim:
                self.assertEqual(victim.read(), "untouched")
            self.assertEqual(self._committed_run_count(), runs_before)
