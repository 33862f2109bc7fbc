# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTPS probes behind a private CA: the trust of the system (and of
REQUESTS_CA_BUNDLE / SSL_CERT_FILE, or a ``ca_file`` threshold) is honoured,
as the TLS and SMTP checks do, and the environment's proxies still are not."""

import json
import os
from unittest.mock import patch

from odoo.tests import tagged

from ..tools.net import ca_bundle
from ._net_servers import CertFactory, RecordingHTTPServer
from .common import GoliveCase

TRUST_VARIABLES = (
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)
HEALTHY = (200, {"Content-Type": "application/json"}, b'{"status": "pass"}')


@tagged("post_install", "-at_install")
class TestHttpsPrivateCa(GoliveCase):
    def setUp(self):
        super().setUp()
        self.certs = CertFactory()
        self.addCleanup(self.certs.cleanup)
        # the test's own environment decides nothing: no trust variable set
        environ = patch.dict(os.environ)
        environ.start()
        self.addCleanup(environ.stop)
        for name in TRUST_VARIABLES:
            os.environ.pop(name, None)
        self.server = RecordingHTTPServer(
            {"/web/health": HEALTHY, "/status": (200, {}, b"ok")},
            tls=self.certs.server_context("leaf"),
        )
        self.server.__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        self.base = f"https://localhost:{self.server.port}"
        self.env["golive.check.endpoint"].create(
            {"name": "Private API", "url": self.base + "/status"}
        )

    def set_params(self, code, **params):
        checks = self.env["golive.check"]._sync_registry()
        checks[code].parameters = json.dumps(params)

    def audit(self, **params):
        self.set_params("http.health", base_url=self.base, **params)
        self.set_params("http.endpoint", **params)
        return self.run_checks(["http.health", "http.endpoint"])

    def test_untrusted_private_ca_fails(self):
        """The real defect: a CA that nothing trusts is still reported."""
        run = self.audit()
        self.assertStatus(run, "http.health", "fail")
        self.assertStatus(run, "http.endpoint", "fail")
        for result in self.results(run):
            self.assertIn("CERTIFICATE_VERIFY_FAILED", result.message)

    def test_requests_ca_bundle(self):
        os.environ["REQUESTS_CA_BUNDLE"] = self.certs.ca_file
        self.assertEqual(ca_bundle(), self.certs.ca_file)
        run = self.audit()
        self.assertStatus(run, "http.health", "pass")
        self.assertStatus(run, "http.endpoint", "pass")

    def test_system_store_ssl_cert_file(self):
        """The system's store as OpenSSL finds it (SSL_CERT_FILE here), the
        store http.tls_certificate verifies against."""
        os.environ["SSL_CERT_FILE"] = self.certs.ca_file
        self.assertEqual(ca_bundle(), self.certs.ca_file)
        run = self.audit()
        self.assertStatus(run, "http.health", "pass")
        self.assertStatus(run, "http.endpoint", "pass")

    def test_ca_file_threshold(self):
        run = self.audit(ca_file=self.certs.ca_file)
        self.assertStatus(run, "http.health", "pass")
        self.assertStatus(run, "http.endpoint", "pass")

    def test_proxies_of_the_environment_still_ignored(self):
        with RecordingHTTPServer() as proxy:
            os.environ.update(HTTPS_PROXY=proxy.url, https_proxy=proxy.url)
            run = self.audit(ca_file=self.certs.ca_file)
        self.assertStatus(run, "http.health", "pass")
        self.assertEqual(proxy.requests, [])
