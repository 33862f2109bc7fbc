# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A well-run production server, the regression guard of the false alarms,
beside the misconfigured one of test_config_files.py: the good odoo.conf, an
HTTPS service and an SMTP relay (STARTTLS) with certificates of a private CA
the system trusts, a cron worker holding its job's lock, OCA addons
installed, a patched-Qt wkhtmltopdf. No check judging them fails."""

import json
import logging
import os
import shutil
import stat
import tempfile
import time
from unittest.mock import patch

from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from odoo.addons.base.models import ir_actions_report

from ._net_servers import CertFactory, RecordingHTTPServer, SmtpRecorder, start_smtp
from .common import GoliveCase
from .test_config_files import GOOD, load_options

HEALTHY = (200, {"Content-Type": "application/json"}, b'{"status": "pass"}')
# the checks of the server around the database, and those that raised the
# false alarms of a well-run server
CATEGORIES = ("config",)
CODES = (
    "postgres.max_connections",
    "postgres.long_sessions",
    "storage.filestore",
    "http.health",
    "http.endpoint",
    "http.tls_certificate",
    "mail.smtp_probe",
    "modules.manifest_template",
    "reports.wkhtmltopdf",
)


@tagged("post_install", "-at_install")
class TestWellRunServer(GoliveCase):
    def setUp(self):
        super().setUp()
        self.enterContext(mute_logger("mail.log"))
        certs = CertFactory()
        self.addCleanup(certs.cleanup)
        # the system's trust store holds the private CA (SSL_CERT_FILE), as
        # update-ca-certificates would; no proxy variable is followed
        environ = self.enterContext(patch.dict(os.environ))
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR"):
            environ.pop(name, None)
        os.environ["SSL_CERT_FILE"] = certs.ca_file
        self.https = self.enterContext(
            RecordingHTTPServer(
                {"/web/health": HEALTHY, "/status": (200, {}, b"ok")},
                tls=certs.server_context("web"),
            )
        )
        # the relay: STARTTLS, then a login
        relay = SmtpRecorder("mailer", "relay-password-5d2")
        controller = start_smtp(relay, tls_context=certs.server_context("smtp"))
        self.addCleanup(controller.stop)
        self.env["ir.mail_server"].search([]).active = False
        self.env["ir.mail_server"].create(
            {
                "name": "Relay",
                "smtp_host": "localhost",
                "smtp_port": controller.port,
                "smtp_encryption": "starttls",
                "smtp_authentication": "login",
                "smtp_user": "mailer",
                "smtp_pass": "relay-password-5d2",
            }
        )
        self.relay = relay
        base = f"https://localhost:{self.https.port}"
        self.env["golive.check.endpoint"].create(
            {"name": "Payment provider", "url": base + "/status"}
        )
        checks = self.env["golive.check"]._sync_registry()
        for code, params in (
            ("http.health", {"base_url": base}),
            ("http.tls_certificate", {"url": base}),
            ("postgres.long_sessions", {"idle_in_transaction_seconds": 1}),
        ):
            checks[code].parameters = json.dumps(params)
        # dbfilter ^%d$: the server is reached as <database>.example.com
        self.env["ir.config_parameter"].set_param(
            "web.base.url", f"https://{self.env.cr.dbname}.example.com"
        )
        self.env["ir.module.module"].search([("demo", "=", True)]).write(
            {"demo": False}
        )
        self.assertEqual(
            self.env["ir.module.module"].search([("name", "=", "auditlog")]).state,
            "installed",
        )

    def wkhtmltopdf(self):
        folder = tempfile.mkdtemp(prefix="golive-wkhtmltopdf-")
        self.addCleanup(shutil.rmtree, folder)
        path = os.path.join(folder, "wkhtmltopdf")
        with open(path, "w", encoding="utf-8") as script:
            script.write("#!/bin/sh\necho 'wkhtmltopdf 0.12.6.1 (with patched qt)'\n")
        os.chmod(path, stat.S_IRWXU)
        return path

    def cron_worker(self):
        """A connection in the state of a cron worker running a long job."""
        cursor = db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cursor.close)
        self.addCleanup(cursor.rollback)
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cron = self.env.ref("ipai_golive_checks.ir_cron_golive_self_audit")
        cursor.execute(
            "UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' "
            "- interval '1 minute' WHERE id = %s",
            [cron.id],
        )
        self.assertTrue(type(self.env["ir.cron"])._acquire_one_job(cursor, cron.id))
        return pid

    def test_no_check_fails(self):
        options = load_options(GOOD)
        log_dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, log_dir, True)
        options.update(
            logfile=os.path.join(log_dir, "odoo-server.log"),
            data_dir=config["data_dir"],
        )
        cron_pid = self.cron_worker()
        time.sleep(1.2)  # the worker idle in transaction past the threshold
        codes = [
            code
            for code, spec in self.env["golive.check.registry"]
            ._golive_check_specs()
            .items()
            if spec.category in CATEGORIES or code in CODES
        ]
        with (
            patch.dict(config.options, options),
            patch.object(
                ir_actions_report,
                "_get_wkhtmltopdf_bin",
                return_value=self.wkhtmltopdf(),
            ),
            self.assertNoLogs("odoo.addons.ipai_golive_checks", logging.WARNING),
        ):
            run = self.run_checks(codes)
        results = self.results(run)
        self.assertEqual(set(results.mapped("code")), set(codes))
        bad = results.filtered(lambda r: r.status in ("fail", "error"))
        self.assertFalse(
            bad, [(r.code, r.object_key, r.status, r.message) for r in bad]
        )
        for code in CODES:
            self.assertStatus(run, code, "pass")
        sessions = self.results(run, "postgres.long_sessions")
        self.assertEqual(sessions.evidence["cron_job_locks"], 1, cron_pid)
        self.assertTrue(self.results(run, "mail.smtp_probe").evidence["tls_verified"])
        self.assertEqual(self.relay.ehlo_tls, [False, True])
        self.assertEqual(run.score, 100.0)
