# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Slow probes run side by side with the database checks, verdicts in the
run's own cursor and thread."""

import threading
from unittest.mock import patch

from passlib.context import CryptContext

from odoo.tests import tagged

from .common import GoliveCase

WAIT = 30.0  # a safety net only: a sequential run would wait this long


@tagged("post_install", "-at_install")
class TestProbes(GoliveCase):
    def setUp(self):
        super().setUp()
        self.env.ref("base.user_admin").password = "correct horse battery staple"
        self.env.flush_all()

    def test_probe_runs_while_the_database_checks_run(self):
        registry_class = type(self.env["golive.check.registry"])
        database_check_ran = threading.Event()
        seen = {}
        verify = CryptContext.verify
        list_db = registry_class._check_config_list_db

        def hashing(context, secret, stored, *args, **kwargs):
            seen["probe_thread"] = threading.current_thread().name
            # the pbkdf2 probe waits for a database check of the same run
            seen["overlapped"] = database_check_ran.wait(WAIT)
            return verify(context, secret, stored, *args, **kwargs)

        def database_check(registry, ctx):
            seen["check_thread"] = threading.current_thread().name
            yield from list_db(registry, ctx)
            database_check_ran.set()

        with (
            patch.object(CryptContext, "verify", hashing),
            patch.object(registry_class, "_check_config_list_db", database_check),
        ):
            run = self.run_checks(["security.admin_password", "config.list_db"])
        self.assertTrue(seen["overlapped"])
        self.assertTrue(seen["probe_thread"].startswith("golive-probe"))
        self.assertEqual(seen["check_thread"], threading.current_thread().name)
        # verdicts recorded in the run, in the order of the catalogue
        self.assertEqual(
            self.results(run).mapped("code"),
            ["config.list_db", "security.admin_password"],
        )
        self.assertStatus(run, "security.admin_password", "pass")

    def test_probe_failure_is_the_check_error(self):
        def broken(*args, **kwargs):
            raise RuntimeError("hash backend gone")

        with patch.object(CryptContext, "verify", broken):
            run = self.run_checks(["security.admin_password", "config.list_db"])
        self.assertStatus(run, "security.admin_password", "error")
        self.assertIn(
            "hash backend gone", self.results(run, "security.admin_password").message
        )
        self.assertIn(self.results(run, "config.list_db").status, ("pass", "fail"))

    def test_probe_without_a_pool_runs_inline(self):
        """A check with a probe called on its own (no run) still judges."""
        registry = self.env["golive.check.registry"]
        admin, stored, _active, probe = registry._golive_admin_password()
        self.assertTrue(admin)
        self.assertTrue(stored)
        self.assertIs(probe(), False)  # the test database's admin is not 'admin'
