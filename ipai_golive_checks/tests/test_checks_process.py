# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os
import re
import time
from unittest.mock import patch

import psutil

from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase

MB = 1024 * 1024


@tagged("post_install", "-at_install")
class TestChecksProcess(GoliveCase):
    def set_params(self, code, **params):
        self.env["golive.check"]._sync_registry()[code].parameters = json.dumps(params)

    def test_memory(self):
        vms = psutil.Process().memory_info().vms
        prefork = {"workers": 2, "limit_memory_soft": vms * 4}
        with patch.dict(config.options, prefork):
            run = self.run_checks(["process.memory"])
        self.assertStatus(run, "process.memory", "pass")
        self.assertEqual(self.results(run).evidence["pid"], os.getpid())
        with patch.dict(config.options, dict(prefork, limit_memory_soft=vms // 2)):
            run = self.run_checks(["process.memory"])
        self.assertStatus(run, "process.memory", "fail")
        self.assertIn("limit_memory_soft", self.results(run).message)
        self.set_params("process.memory", warn_percent=1)
        with patch.dict(config.options, prefork):
            run = self.run_checks(["process.memory"])
        self.assertStatus(run, "process.memory", "warn")
        # threaded: the limits do not apply
        with patch.dict(config.options, {"workers": 0}):
            run = self.run_checks(["process.memory"])
        self.assertStatus(run, "process.memory", "warn")
        self.assertIn("Threaded mode", self.results(run).message)
        self.assertEqual(self.results(run).severity, "medium")
        # threaded mode is the usual development set-up: informational there
        # (per-environment severities are copied to the record when created,
        # then editable: set it as a fresh database would have it)
        spec = self.env["golive.check.registry"]._golive_check_specs()["process.memory"]
        self.assertEqual(spec.severity_for("dev"), "info")
        check = self.env["golive.check"]._sync_registry()["process.memory"]
        check.severity_dev = spec.severity_for("dev")
        with patch.dict(config.options, {"workers": 0}):
            run = self.run_checks(["process.memory"], environment="dev")
        self.assertStatus(run, "process.memory", "warn")
        self.assertEqual(self.results(run).severity, "info")

    def test_uptime(self):
        self.set_params("process.uptime", min_uptime_minutes=0)
        run = self.run_checks(["process.uptime"])
        self.assertStatus(run, "process.uptime", "pass")
        evidence = self.results(run).evidence
        self.assertEqual(evidence["server_pid"], os.getpid())
        # a threshold an hour above this test server's uptime
        uptime = (time.time() - psutil.Process().create_time()) / 60.0
        threshold = round(uptime) + 60
        self.set_params("process.uptime", min_uptime_minutes=threshold)
        run = self.run_checks(["process.uptime"])
        result = self.assertFinding(
            run,
            "process.uptime",
            "warn",
            re.compile(
                rf"^The server \(pid {os.getpid()}\) started [\d.]+ minutes ago, "
                rf"less than {threshold}\.0; \d+ starts seen in 30 days\.$"
            ),
            "uptime",
            server_pid=os.getpid(),
            min_uptime_minutes=float(threshold),
        )
        self.assertAlmostEqual(result.evidence["uptime_minutes"], uptime, delta=1.0)
        self.assertIn(
            f"started {result.evidence['uptime_minutes']} minutes ago", result.message
        )
        check = self.env["golive.check"]._sync_registry()["process.uptime"]
        self.assertEqual(
            check.memory["starts"], [round(psutil.Process().create_time())]
        )

    def test_host(self):
        self.set_params("process.host", max_cpu_percent=100, max_memory_percent=100)
        run = self.run_checks(["process.host"])
        self.assertStatus(run, "process.host", "pass")
        self.set_params("process.host", max_cpu_percent=-1, max_memory_percent=0)
        run = self.run_checks(["process.host"])
        self.assertStatus(run, "process.host", "fail", "cpu")
        self.assertStatus(run, "process.host", "fail", "memory")
        self.assertGreater(self.results(run)[1].evidence["total_mb"], 0)

    def test_skipped_from_cli_trigger(self):
        run = self.run_checks(
            ["process.memory", "process.uptime", "process.host"], trigger="cli"
        )
        for code in ("process.memory", "process.uptime", "process.host"):
            self.assertStatus(run, code, "skipped")
            self.assertIn("Process check", self.results(run, code).message)
