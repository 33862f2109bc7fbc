# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive --all-databases`` against three real databases: this
one (healthy, judged as prod), one set up as a staging copy that was never
neutralized (failing) and one without the addon."""

import json
import os
import shutil
import subprocess
from contextlib import closing

from lxml import etree

from odoo.sql_db import close_db, db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from ..tools import fleet
from .common import ODOO_CMD, protect_committed_state

JUNIT_XSD = os.path.join(os.path.dirname(__file__), "data", "junit.xsd")


def _admin_sql(*queries):
    with closing(db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        for query in queries:
            cr.execute(query)
    close_db("postgres")


def _server_options():
    return [
        f"--{option}={config[option]}"
        for option in ("db_host", "db_port", "db_user")
        if config.get(option)
    ]


@tagged("post_install", "-at_install")
class TestFleet(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.healthy = cls.env.cr.dbname
        cls.bare = f"{cls.healthy}_fleet_bare"
        cls.failing = f"{cls.healthy}_fleet_failing"
        cls.addClassCleanup(cls._drop_databases)
        cls._drop_databases()
        cls._odoo("-d", cls.bare, "-i", "base", "--without-demo=all")
        _admin_sql(f'CREATE DATABASE "{cls.failing}" TEMPLATE "{cls.bare}"')
        cls._odoo("-d", cls.failing, "-i", "ipai_golive_checks", "--without-demo=all")
        with db_connect(cls.failing).cursor() as cr:  # commits on exit
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value) "
                "VALUES ('ipai_golive_checks.environment', 'staging')"
            )
        close_db(cls.failing)

    @classmethod
    def _odoo(cls, *args):
        subprocess.run(
            [
                *ODOO_CMD,
                f"--addons-path={config['addons_path']}",
                *_server_options(),
                "--stop-after-init",
                "--log-level=warn",
                "--max-cron-threads=0",
                *args,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )

    @classmethod
    def _drop_databases(cls):
        for dbname in (cls.failing, cls.bare):
            close_db(dbname)
            _admin_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            shutil.rmtree(config.filestore(dbname), ignore_errors=True)

    def setUp(self):
        super().setUp()
        protect_committed_state(self)  # the child run commits into this database

    def golive(self, *args):
        dbfilter = f"^({self.healthy}|{self.bare}|{self.failing})$"
        return subprocess.run(
            [
                *ODOO_CMD,
                f"--addons-path={config['addons_path']}",
                "golive",
                "--all-databases",
                f"--db-filter={dbfilter}",
                "--check",
                "params.neutralized",
                *_server_options(),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={k: v for k, v in os.environ.items() if k != "ODOO_RC"},
        )

    def test_json_exit_code_and_stored_runs(self):
        proc = self.golive("--format", "json", "--jobs", "2")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        report = json.loads(proc.stdout)
        entries = {e["database"]: e for e in report["databases"]}
        self.assertEqual(set(entries), {self.healthy, self.bare, self.failing})
        self.assertEqual(entries[self.healthy]["status"], "audited")
        self.assertEqual(entries[self.healthy]["exit_code"], 0)
        self.assertEqual(entries[self.failing]["exit_code"], 1)
        failing = entries[self.failing]["report"]["results"]
        self.assertEqual(
            [(r["code"], r["object"], r["status"]) for r in failing],
            [("params.neutralized", "database.is_neutralized", "fail")],
        )
        self.assertIn("staging database is not neutralized", failing[0]["message"])
        # each database is judged in its own environment
        self.assertEqual(
            entries[self.failing]["report"]["summary"]["environment"], "staging"
        )
        self.assertEqual(
            entries[self.healthy]["report"]["summary"]["environment"], "prod"
        )
        self.assertEqual(
            (entries[self.bare]["status"], entries[self.bare]["reason"]),
            ("skipped", "ipai_golive_checks is not installed"),
        )
        summary = report["summary"]
        self.assertEqual(
            (summary["audited"], summary["skipped"], summary["exit_code"]), (2, 1, 1)
        )
        self.assertEqual(summary["worst_database"], self.failing)
        self.assertEqual(summary["counts"]["fail"], 1)
        self.assertEqual(summary["counts_by_status_severity"]["fail:high"], 1)
        # each database keeps its own stored run
        with closing(db_connect(self.failing).cursor()) as cr:
            cr.execute("SELECT trigger, count_fail FROM golive_check_run")
            self.assertEqual(cr.fetchall(), [("cli", 1)])
        close_db(self.failing)

    def test_junit_has_one_suite_per_database(self):
        proc = self.golive("--format", "junit")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        document = etree.fromstring(proc.stdout.encode())
        etree.XMLSchema(etree.parse(JUNIT_XSD)).assertValid(document)
        suites = {s.get("name"): s for s in document.findall("testsuite")}
        self.assertEqual(set(suites), {self.healthy, self.bare, self.failing})
        self.assertEqual(suites[self.failing].get("failures"), "1")
        self.assertEqual(suites[self.bare].get("skipped"), "1")
        self.assertEqual(suites[self.healthy].get("failures"), "0")

    def test_text_and_markdown_sections(self):
        text = self.golive("--format", "text").stdout
        self.assertIn(f"===== {self.failing} =====", text)
        self.assertIn("SKIPPED: ipai_golive_checks is not installed", text)
        self.assertIn("Fleet: 3 databases, 2 audited, 1 skipped", text)
        markdown = self.golive("--format", "markdown").stdout
        self.assertIn(f"| {self.failing} | audited |", markdown)
        self.assertIn(f"## Go-Live self-audit: {self.failing}", markdown)

    def test_usage_errors(self):
        proc = self.golive("--jobs", "0")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--jobs must be between 1 and 16", proc.stderr)
        proc = self.golive("--db-filter=^%d_erp$")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("give the host", proc.stderr)


@tagged("post_install", "-at_install")
class TestFleetUnits(TransactionCase):
    def test_unreachable_database(self):
        code, reason = fleet.probe("golive_no_such_database")
        self.assertEqual(code, 3)
        self.assertIn('database "golive_no_such_database" does not exist', reason)

    def test_child_arguments(self):
        args = [
            "--all-databases",
            "--jobs",
            "4",
            "--host=erp.example.com",
            "--format",
            "junit",
            "--output=/tmp/x.xml",
            "-d",
            "x",
            "--check",
            "config.list_db",
            "-c",
            "/etc/odoo.conf",
        ]
        self.assertEqual(
            fleet.child_arguments(args),
            ["--check", "config.list_db", "-c", "/etc/odoo.conf"],
        )

    def test_exit_code_is_the_worst(self):
        entries = [
            fleet._entry("a", "audited", 0, "", _report(100.0)),
            fleet._entry("b", "unreachable", 3, "unreachable: refused"),
            fleet._entry("c", "audited", 1, "", _report(40.0)),
        ]
        summary = fleet.fleet_summary(entries)
        self.assertEqual(summary["exit_code"], 3)
        self.assertEqual(
            (summary["worst_score"], summary["worst_database"]), (40.0, "c")
        )


def _report(score):
    return {"summary": {"score": score}, "results": []}
