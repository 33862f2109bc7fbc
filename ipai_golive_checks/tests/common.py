# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import sys

from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import config

from ..tools.vocabulary import MANAGER_GROUP

# ``odoo`` as a child process of this very interpreter (its venv), wherever
# the console script is and whatever PATH says.
ODOO_CMD = (sys.executable, "-m", "odoo")


def protect_committed_state(test):
    """Put the database back as it was after ``test``, for tests whose
    ``odoo-bin golive`` subprocess commits its runs and what it writes on the
    checks (last status, memory) into the test database."""
    dbname = test.env.cr.dbname
    with db_connect(dbname).cursor() as cr:
        cr.execute("SELECT COALESCE(max(id), 0) FROM golive_check_run")
        max_run_id = cr.fetchone()[0]
        cr.execute(
            "SELECT id, memory::text, last_status, last_run_date, last_run_id "
            "FROM golive_check"
        )
        checks_before = cr.fetchall()

    def restore():
        with db_connect(dbname).cursor() as cr:  # commits when the block ends
            for row in checks_before:
                cr.execute(
                    "UPDATE golive_check SET memory = %s::jsonb, last_status = %s, "
                    "last_run_date = %s, last_run_id = %s WHERE id = %s",
                    (*row[1:], row[0]),
                )
            cr.execute("DELETE FROM golive_check_run WHERE id > %s", (max_run_id,))

    test.addCleanup(restore)


def odoo_command(command, dbname, *args):
    """``(argv, environ)`` of ``odoo <command> -d dbname`` as a child process
    of this test server: the same addons path and database options."""
    cmd = [*ODOO_CMD, f"--addons-path={config['addons_path']}", command, "-d", dbname]
    for option in ("db_host", "db_port", "db_user"):
        if config.get(option):
            cmd.append(f"--{option}={config[option]}")
    environ = dict(os.environ)
    environ.pop("ODOO_RC", None)
    return [*cmd, *args], environ


class CommittedStateCase(TransactionCase):
    """Tests whose child processes commit into the test database: what they
    write is removed after each test (see protect_committed_state)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = cls.env.cr.dbname

    def setUp(self):
        super().setUp()
        protect_committed_state(self)


class GoliveCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="golive_manager",
            groups=MANAGER_GROUP,
        )
        cls.Run = cls.env["golive.check.run"].with_user(cls.manager)

    def run_checks(self, codes, environment="prod", **kwargs):
        return self.Run._run_checks(codes=codes, environment=environment, **kwargs)

    def results(self, run, code=None):
        results = (
            run.sudo()
            .env["golive.check.result"]
            .search([("run_id", "=", run.id)], order="sequence")
        )
        return results.filtered(lambda r: r.code == code) if code else results

    def statuses(self, run, code):
        """``{object_key: status}`` of one check's results in a run."""
        return {r.object_key or "": r.status for r in self.results(run, code)}

    def assertStatus(self, run, code, status, object_key=None):
        statuses = self.statuses(run, code)
        if object_key is None:
            self.assertEqual(set(statuses.values()), {status}, statuses)
        else:
            self.assertEqual(statuses.get(object_key), status, statuses)

    def assertFinding(self, run, code, status, message, object_key, /, **evidence):
        """The one result of ``code`` in ``run``: its status, its exact
        message (a string) or a pattern (compiled regex), its object key, and
        the given evidence items."""
        results = self.results(run, code)
        self.assertEqual(len(results), 1, results.mapped("message"))
        self.assertEqual(results.status, status, results.message)
        if isinstance(message, str):
            self.assertEqual(results.message, message)
        else:
            self.assertRegex(results.message, message)
        self.assertEqual(results.object_key or "", object_key)
        for key, value in evidence.items():
            self.assertEqual(results.evidence.get(key), value, key)
        return results
