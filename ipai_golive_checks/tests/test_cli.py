# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive`` as a subprocess against this test database.

The child process sees committed data only: the state installed in the test
database, not this test's transaction.
"""

import json
import os
import subprocess
import tempfile
from xml.etree import ElementTree as ET

from lxml import etree

from odoo.sql_db import db_connect
from odoo.tests import tagged

from ..models.golive_check_run import LOCK_KEY
from .common import CommittedStateCase, odoo_command

JUNIT_XSD = os.path.join(os.path.dirname(__file__), "data", "junit.xsd")
ADMIN_PASSWD = "Cli-Master-Planted-8w1"
DB_PASSWORD = "Cli-Db-Planted-2e5"
SMTP_PASSWORD = "Cli-Smtp-Planted-6r3"
RESULT_KEYS = {
    "code",
    "title",
    "category",
    "severity",
    "status",
    "message",
    "evidence",
    "object",
    "tags",
    "duration_ms",
}


@tagged("post_install", "-at_install")
class TestCli(CommittedStateCase):
    def _committed(self, query, params=()):
        """Run ``query`` in its own committed transaction (seen by the child)."""
        with db_connect(self.dbname).cursor() as cr:  # commits at the end
            cr.execute(query, params)

    def golive(self, *args, dbname=None, db_options=True):
        cmd, env = odoo_command("golive", dbname or self.dbname, *args)
        if not db_options:
            cmd = [
                arg
                for arg in cmd
                if not arg.startswith(("--db_host=", "--db_port=", "--db_user="))
            ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=300, env=env, check=False
        )
        return proc

    def assertValidJunit(self, xml_text):
        """The report validates against the common JUnit XML schema."""
        schema = etree.XMLSchema(etree.parse(JUNIT_XSD))
        document = etree.fromstring(xml_text.encode())
        self.assertTrue(schema.validate(document), schema.error_log)

    def assertExit(self, proc, code):
        self.assertEqual(
            proc.returncode,
            code,
            f"exit {proc.returncode}\nstdout: {proc.stdout[-2000:]}\n"
            f"stderr: {proc.stderr[-2000:]}",
        )

    def test_exit_0_and_text_format(self):
        proc = self.golive("--check", "modules.stuck", "--check", "config.data_dir")
        self.assertExit(proc, 0)
        self.assertIn("PASS", proc.stdout)
        self.assertIn("modules.stuck", proc.stdout)
        self.assertIn("score 100.0/100", proc.stdout)
        # the counts are figures, never masked ("pass" is a status, not a secret)
        self.assertRegex(proc.stdout, r"2 checks, score 100.0/100: \d+ passed, 0 warn")
        self.assertNotIn("Traceback", proc.stderr)

    def test_exit_1_and_fail_level_and_json(self):
        # list_db is on by default: critical in prod
        proc = self.golive(
            "--check",
            "config.list_db",
            "--check",
            "config.proxy_mode",
            "--format",
            "json",
        )
        self.assertExit(proc, 1)
        data = json.loads(proc.stdout)
        summary = data["summary"]
        self.assertEqual(summary["environment"], "prod")
        self.assertEqual(summary["trigger"], "cli")
        self.assertEqual(summary["counts"]["fail"], 2)
        self.assertIn("duration_ms", summary)
        self.assertEqual(summary["score"], 0.0)
        self.assertEqual(len(data["results"]), 2)
        for result in data["results"]:
            self.assertLessEqual(RESULT_KEYS, set(result))
        # the run is stored, committed, with trigger cli
        self.env.invalidate_all()
        run = self.env["golive.check.run"].browse(summary["run_id"])
        self.assertEqual(run.trigger, "cli")
        # proxy_mode is high: below a critical fail level
        proc = self.golive("--check", "config.proxy_mode", "--fail-level", "critical")
        self.assertExit(proc, 0)
        # dev: list_db is info
        proc = self.golive(
            "--check", "config.list_db", "--environment", "dev", "--fail-level", "low"
        )
        self.assertExit(proc, 0)

    def test_strict_counts_warnings(self):
        args = (
            "--check",
            "config.limits",
            "--limit-time-real=800",
            "--fail-level",
            "medium",
        )
        self.assertExit(self.golive(*args), 0)
        self.assertExit(self.golive(*args, "--strict"), 1)

    def test_junit_format(self):
        # list_db is on by default: a critical failure in prod
        proc = self.golive(
            "--category",
            "config",
            "--exclude-tag",
            "storage",
            "--environment",
            "prod",
            "--format",
            "junit",
        )
        self.assertExit(proc, 1)
        self.assertValidJunit(proc.stdout)
        root = ET.fromstring(proc.stdout.encode())
        self.assertEqual(root.tag, "testsuites")
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for suite in root.findall("testsuite"):
            self.assertEqual(suite.get("name"), "config")
            cases = suite.findall("testcase")
            counts = {
                "tests": len(cases),
                "failures": sum(1 for c in cases if c.find("failure") is not None),
                "errors": sum(1 for c in cases if c.find("error") is not None),
                "skipped": sum(1 for c in cases if c.find("skipped") is not None),
            }
            for key, value in counts.items():
                self.assertEqual(int(suite.get(key)), value, key)
                totals[key] += value
            for case in cases:
                self.assertEqual(case.get("classname"), "config")
                self.assertTrue(case.get("name").startswith("config."))
                self.assertNotIn("config.data_dir", case.get("name"))
                float(case.get("time"))
        for key, value in totals.items():
            self.assertEqual(int(root.get(key)), value, key)
        self.assertGreater(totals["tests"], 8)
        self.assertGreater(totals["failures"], 0)
        names = [c.get("name") for c in root.iter("testcase")]
        self.assertIn("config.list_db[list_db]", names)

    def test_markdown_format_and_output_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "report.md")
            # the test database's web.base.url is plain http on localhost: a
            # high failure in prod
            proc = self.golive(
                "--category",
                "params",
                "--environment",
                "prod",
                "--format",
                "markdown",
                "--output",
                path,
            )
            self.assertExit(proc, 1)
            self.assertEqual(proc.stdout, "")
            with open(path, encoding="utf-8") as report:
                text = report.read()
        self.assertTrue(text.startswith(f"# Go-Live self-audit: {self.dbname}"))
        self.assertIn("| Status | Severity | Check | Object | Message |", text)
        self.assertIn("`params.base_url`", text)

    def test_process_checks_skipped_with_reason(self):
        proc = self.golive("--check", "test.process", "--format", "json")
        self.assertExit(proc, 0)
        (result,) = json.loads(proc.stdout)["results"]
        self.assertEqual(result["status"], "skipped")
        self.assertIn("Process check", result["message"])

    def test_tags_and_list(self):
        proc = self.golive("--list", "--format", "json")
        self.assertExit(proc, 0)
        codes = {c["code"] for c in json.loads(proc.stdout)["checks"]}
        self.assertIn("config.list_db", codes)
        self.assertIn("test.flag_param", codes)
        proc = self.golive("--list")
        self.assertExit(proc, 0)
        self.assertIn("crons.scheduler_alive", proc.stdout)
        proc = self.golive("--tag", "licensing", "--format", "json")
        codes = {r["code"] for r in json.loads(proc.stdout)["results"]}
        self.assertEqual(
            codes,
            {
                "modules.no_enterprise",
                "modules.no_iap_dependency",
                "params.no_enterprise_params",
            },
        )

    def test_exit_2_usage_and_configuration(self):
        for args in (
            ("--format", "xml"),
            ("--check", "no.such_check"),
            ("--no-such-odoo-option",),
            ("--environment", "moon"),
        ):
            proc = self.golive(*args)
            self.assertExit(proc, 2)
            self.assertNotIn("Traceback", proc.stderr)
        proc = self.golive("--check", "no.such_check")
        self.assertIn(
            "golive: error: Unknown check code(s): no.such_check", proc.stderr
        )

    def test_exit_2_internal_error_without_traceback(self):
        # the report cannot be written (the device is full): an internal
        # error, caught
        proc = self.golive("--check", "modules.stuck", "--output", "/dev/full")
        self.assertExit(proc, 2)
        self.assertIn("golive: error: internal error: OSError", proc.stderr)
        self.assertIn("No space left on device", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        proc = self.golive(
            "--check", "modules.stuck", "--output", "/dev/full", "--debug"
        )
        self.assertExit(proc, 2)
        self.assertIn("Traceback", proc.stderr)

    def _committed_run_count(self):
        with db_connect(self.dbname).cursor() as cr:
            cr.execute("SELECT count(*) FROM golive_check_run")
            return cr.fetchone()[0]

    def test_exit_2_output_folder_missing_before_the_run(self):
        runs_before = self._committed_run_count()
        for output, message in (
            (
                "/nonexistent/dir/report.txt",
                "golive: error: --output: the folder '/nonexistent/dir' does not "
                "exist.",
            ),
            ("/tmp", "golive: error: --output: '/tmp' is a folder, not a file."),
        ):
            proc = self.golive("--check", "modules.stuck", "--output", output)
            self.assertExit(proc, 2)
            self.assertEqual(proc.stderr.strip(), message)
            self.assertEqual(proc.stdout, "")
        # refused before the run: nothing was audited, nothing stored
        self.assertEqual(self._committed_run_count(), runs_before)

    def test_exit_3_database_unreachable(self):
        proc = self.golive("--check", "modules.stuck", dbname="golive_no_such_db_h4")
        self.assertExit(proc, 3)
        self.assertIn("unreachable", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)

    def test_secrets_never_in_cli_output(self):
        with tempfile.TemporaryDirectory() as tmp:
            conf = os.path.join(tmp, "odoo.conf")
            with open(conf, "w", encoding="utf-8") as f:
                f.write(
                    "[options]\n"
                    f"admin_passwd = {ADMIN_PASSWD}\n"
                    f"db_password = {DB_PASSWORD}\n"
                    f"smtp_password = {SMTP_PASSWORD}\n"
                )
            outputs = []
            for fmt in ("text", "json", "junit", "markdown"):
                proc = self.golive(
                    "-c",
                    conf,
                    "--check",
                    "test.leaky",
                    "--check",
                    "config.admin_passwd",
                    "--format",
                    fmt,
                    "--debug",
                )
                self.assertExit(proc, 1)
                outputs.append(proc.stdout + proc.stderr)
            # an internal error path prints (masked) too
            proc = self.golive("-c", conf, "--check", "nope.nope", "--debug")
            outputs.append(proc.stdout + proc.stderr)
        for text in outputs:
            self.assertTrue(text.strip())
            for secret in (ADMIN_PASSWD, DB_PASSWORD, SMTP_PASSWORD):
                self.assertNotIn(secret, text)
        self.assertIn("********", outputs[1])

    def test_exit_2_unknown_category_or_tag_and_empty_selection(self):
        for args, message in (
            (("--category", "confg"), "Unknown category(ies): confg"),
            (("--tag", "licencing"), "Unknown tag(s): licencing"),
            (("--exclude-tag", "slw"), "Unknown excluded tag(s): slw"),
            (
                ("--check", "config.list_db", "--exclude-tag", "config"),
                "No check matches the selection",
            ),
        ):
            proc = self.golive(*args)
            self.assertExit(proc, 2)
            self.assertIn(f"golive: error: {message}", proc.stderr)
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
            self.assertEqual(proc.stdout, "")

    def test_exit_2_while_another_audit_runs(self):
        other_cr = db_connect(self.dbname).cursor()
        try:
            other_cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY)
            self.assertTrue(other_cr.fetchone()[0])
            proc = self.golive("--check", "config.list_db", "--lock-wait", "0.5")
        finally:
            other_cr.rollback()
            other_cr.close()
        self.assertExit(proc, 2)
        self.assertIn(
            "golive: error: Another Go-Live self-audit is already running on "
            f"database {self.dbname} (waited 0.5 s)",
            proc.stderr,
        )
        self.assertIn("retry when it has finished", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)

    def test_junit_well_formed_with_a_masked_token(self):
        proc = self.golive("--check", "test.masked_token", "--format", "junit")
        self.assertExit(proc, 0)  # a low warning
        self.assertValidJunit(proc.stdout)
        root = ET.fromstring(proc.stdout.encode())
        (out,) = root.iter("system-out")
        self.assertIn("token=********", out.text)
        self.assertNotIn("Planted-Tok-4j8q", proc.stdout)
        (case,) = root.iter("testcase")
        self.assertEqual(
            case.get("name"),
            "test.masked_token[https://ops:********@upstream.example.com]",
        )

    def test_junit_schema_refuses_a_broken_report(self):
        """The schema is not a rubber stamp: a testcase with two outcomes or a
        suite without its test count is refused."""
        schema = etree.XMLSchema(etree.parse(JUNIT_XSD))
        for broken in (
            '<testsuites><testsuite name="x" tests="1"><testcase name="a">'
            '<failure message="f"/><skipped/></testcase></testsuite></testsuites>',
            '<testsuites><testsuite name="x"><testcase name="a"/></testsuite>'
            "</testsuites>",
            '<testsuites><testsuite name="x" tests="1"><testcase name="a" '
            'time="-1"/></testsuite></testsuites>',
        ):
            self.assertFalse(schema.validate(etree.fromstring(broken)), broken)

    def test_database_secrets_masked_in_errors(self):
        secret = "Cli-Param-Planted-3h5"
        key = "test_ipai_golive_checks.cli_api_key"
        self._committed(
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
            (key, secret),
        )
        try:
            proc = self.golive("--category", secret, "--debug")
        finally:
            self._committed("DELETE FROM ir_config_parameter WHERE key = %s", (key,))
        self.assertExit(proc, 2)
        self.assertIn("golive: error: Unknown category(ies): ********", proc.stderr)
        self.assertNotIn(secret, proc.stdout + proc.stderr)
