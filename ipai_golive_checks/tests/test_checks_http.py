# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import os
import re
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, mute_logger

from ..tools.net import MAX_BODY_BYTES, http_request, netloc
from ..tools.vocabulary import USER_GROUP
from ._net_servers import (
    CertFactory,
    RecordingHTTPServer,
    TLSServer,
    WebSocketServer,
    free_port,
)
from .common import GoliveCase

API_TOKEN = "tok_live_9f8e7d6c5b4a3210"


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        # odoo.tests logs every URL requested during tests (with the timeout it
        # raises); a production server has no such line.
        if not record.name.startswith("odoo.tests"):
            self.lines.append(record.getMessage())


class HttpChecksMixin:
    def set_params(self, code, **params):
        checks = self.env["golive.check"]._sync_registry()
        checks[code].parameters = json.dumps(params)

    def result(self, run, code):
        results = self.results(run, code)
        self.assertEqual(len(results), 1, results.mapped("message"))
        return results


@tagged("post_install", "-at_install")
class TestChecksHttpServer(HttpChecksMixin, GoliveCase, HttpCase):
    """Health, login and assets against the Odoo server this test starts."""

    def test_health(self):
        run = self.run_checks(["http.health"])
        result = self.result(run, "http.health")
        self.assertEqual(result.status, "pass", result.message)
        self.assertEqual(
            result.evidence["url"],
            f"http://127.0.0.1:{config['http_port']}/web/health?db_server_status=1",
        )
        self.assertEqual(result.evidence["health"], "pass")

        answer = (500, {"Content-Type": "application/json"}, b'{"status": "fail"}')
        with RecordingHTTPServer({"/web/health": answer}) as server:
            self.set_params("http.health", base_url=server.url)
            run = self.run_checks(["http.health"])
        self.assertFinding(
            run,
            "http.health",
            "fail",
            "Health check answered 500 (status fail).",
            "/web/health",
            url=f"{server.url}/web/health?db_server_status=1",
            status=500,
            health="fail",
            # its size only: no body of an address inside the network is kept
            body_bytes=len(b'{"status": "fail"}'),
        )
        self.assertNotIn("body", self.result(run, "http.health").evidence)
        self.assertEqual(
            [r["path"] for r in server.requests], ["/web/health?db_server_status=1"]
        )
        # nothing listening
        url = f"http://127.0.0.1:{free_port()}"
        self.set_params("http.health", base_url=url)
        run = self.run_checks(["http.health"])
        result = self.assertFinding(
            run,
            "http.health",
            "fail",
            re.compile(
                rf"^{re.escape(url)}/web/health\?db_server_status=1 did not answer: "
                r"ConnectionError: .*Connection refused"
            ),
            "/web/health",
            url=f"{url}/web/health?db_server_status=1",
        )
        self.assertRegex(result.evidence["error"], r"^ConnectionError: ")
        self.assertNotIn("status", result.evidence)

    def test_login(self):
        run = self.run_checks(["http.login"])
        result = self.result(run, "http.login")
        self.assertEqual(result.status, "pass", result.message)
        self.assertEqual(result.evidence["status"], 200)

        redirect = (302, {"Location": "https://sso.example.net/login"}, b"")
        with RecordingHTTPServer({"/web/login": redirect}) as server:
            self.set_params("http.login", base_url=server.url)
            run = self.run_checks(["http.login"])
        result = self.result(run, "http.login")
        self.assertEqual(result.status, "fail")
        self.assertIn("sso.example.net", result.message)
        self.assertEqual(len(server.requests), 1)

        # A same-host redirect is followed, then judged.
        responses = {
            "/web/login": (303, {"Location": "/web/database/selector"}, b""),
            "/web/database/selector": (200, {}, b"<html>selector</html>"),
        }
        with RecordingHTTPServer(responses) as server:
            self.set_params("http.login", base_url=server.url)
            run = self.run_checks(["http.login"])
        result = self.result(run, "http.login")
        self.assertEqual(result.status, "fail")
        self.assertEqual(result.evidence["final_path"], "/web/database/selector")
        self.assertEqual(
            [r["path"] for r in server.requests],
            ["/web/login", "/web/database/selector"],
        )

    def test_public_host_with_dbfilter(self):
        """dbfilter ^%d$ selects the database from the Host of web.base.url.

        Odoo sees the Host header: 127.0.0.1 selects no database (the login
        page redirects to the selector, the assets and /websocket answer 404).
        """
        dbname = self.env.cr.dbname
        param = self.env["ir.config_parameter"]
        bundle = "web.assets_frontend_minimal"
        self.set_params("http.assets", bundles=[bundle])
        # (/websocket of the test server wants the test cookie: the Host of the
        # WebSocket handshake is asserted in TestChecksHttpNetwork.)
        codes = ["http.login", "http.assets", "http.health"]
        with patch.dict(config.options, {"dbfilter": "^%d$"}):
            param.set_param("web.base.url", f"http://{dbname}.example.com")
            run = self.run_checks(codes)
            for code in codes:
                result = self.result(run, code)
                self.assertEqual(result.status, "pass", f"{code}: {result.message}")
            for code in ("http.login", "http.health"):
                self.assertEqual(
                    self.result(run, code).evidence["host_header"],
                    f"{dbname}.example.com",
                )
            self.assertEqual(
                self.result(run, "http.login").evidence["url"],
                f"http://127.0.0.1:{config['http_port']}/web/login",
            )
            # Behind a proxy: X-Forwarded-Host and -Proto carry the public URL.
            param.set_param("web.base.url", f"https://www.{dbname}.example.com")
            with patch.dict(config.options, {"proxy_mode": True}):
                run = self.run_checks(["http.login"])
            self.assertStatus(run, "http.login", "pass")
            # A host that names another database: the selector, a failure.
            param.set_param("web.base.url", "http://nodb-here.example.com")
            run = self.run_checks(["http.login", "http.assets"])
            result = self.result(run, "http.login")
            self.assertEqual(result.status, "fail")
            self.assertEqual(result.evidence["final_path"], "/web/database/selector")
            self.assertStatus(run, "http.assets", "fail", bundle)

    def test_assets(self):
        bundle = "web.assets_frontend_minimal"
        self.set_params("http.assets", bundles=[bundle])
        run = self.run_checks(["http.assets"])
        result = self.result(run, "http.assets")
        self.assertEqual(result.status, "pass", result.message)
        files = result.evidence["files"]
        self.assertTrue(files[0]["url"].startswith("/web/assets/"))
        self.assertTrue(files[0]["url"].endswith(f"/{bundle}.min.js"))
        self.assertGreater(files[0]["bytes"], 0)

        self.set_params("http.assets", bundles=["no_such.bundle"])
        run = self.run_checks(["http.assets"])
        self.assertStatus(run, "http.assets", "fail", "no_such.bundle")

        with RecordingHTTPServer() as server:  # answers 404 to everything
            self.set_params("http.assets", bundles=[bundle], base_url=server.url)
            run = self.run_checks(["http.assets"])
        self.assertStatus(run, "http.assets", "fail", bundle)
        self.assertEqual(server.requests[0]["path"], files[0]["url"])


@tagged("post_install", "-at_install")
class TestChecksHttpNetwork(HttpChecksMixin, GoliveCase):
    """WebSocket, TLS, DNS and endpoints against loopback servers."""

    def test_websocket(self):
        with WebSocketServer(accept=True) as server:
            self.set_params(
                "http.websocket", base_url=f"http://127.0.0.1:{server.port}"
            )
            run = self.run_checks(["http.websocket"])
        result = self.result(run, "http.websocket")
        self.assertEqual(result.status, "pass", result.message)
        self.assertEqual(len(server.requests), 1)
        request = server.requests[0]
        self.assertEqual(request["request_line"], "GET /websocket HTTP/1.1")
        self.assertEqual(request["headers"]["upgrade"], "websocket")
        self.assertEqual(request["headers"]["sec-websocket-version"], "13")
        self.assertEqual(server.frames, [8])  # closed cleanly

        with WebSocketServer(accept=False) as server:
            self.set_params(
                "http.websocket", base_url=f"http://127.0.0.1:{server.port}"
            )
            run = self.run_checks(["http.websocket"])
        result = self.result(run, "http.websocket")
        self.assertEqual(result.status, "fail")
        self.assertEqual(result.evidence["status"], 400)
        self.assertEqual(server.requests[0]["headers"]["connection"], "Upgrade")

    def test_websocket_default_port(self):
        """Without base_url: the gevent port when workers > 0, else http_port."""
        with WebSocketServer(accept=True) as server:
            with patch.dict(config.options, {"workers": 2, "gevent_port": server.port}):
                run = self.run_checks(["http.websocket"])
            self.assertStatus(run, "http.websocket", "pass")
            self.assertEqual(
                self.result(run, "http.websocket").evidence["port"], server.port
            )
            with patch.dict(config.options, {"workers": 0, "http_port": server.port}):
                run = self.run_checks(["http.websocket"])
            self.assertStatus(run, "http.websocket", "pass")
        self.assertEqual(len(server.requests), 2)

    def test_websocket_ipv6_public_host(self):
        """The Host and Origin of an IPv6 web.base.url keep their brackets."""
        self.env["ir.config_parameter"].set_param("web.base.url", "http://[::1]:8069")
        with WebSocketServer(accept=True) as server:
            with patch.dict(config.options, {"workers": 0, "http_port": server.port}):
                run = self.run_checks(["http.websocket"])
        self.assertStatus(run, "http.websocket", "pass")
        headers = server.requests[0]["headers"]
        self.assertEqual(headers["host"], "[::1]:8069")
        self.assertEqual(headers["origin"], "http://[::1]:8069")
        self.assertEqual(netloc("::1", 8069), "[::1]:8069")
        self.assertEqual(netloc("erp.example.com"), "erp.example.com")

    def tls_check(self, certs, leaf_kwargs, status, ca=True, url_host="localhost"):
        context = certs.server_context("leaf", **leaf_kwargs)
        with TLSServer(context) as server:
            self.env["ir.config_parameter"].set_param(
                "web.base.url", f"https://{url_host}:{server.port}"
            )
            self.set_params("http.tls_certificate", ca_file=certs.ca_file if ca else "")
            run = self.run_checks(["http.tls_certificate"])
        result = self.result(run, "http.tls_certificate")
        self.assertEqual(result.status, status, result.message)
        self.assertIn(url_host, server.server_names)
        return result

    def test_tls_certificate(self):
        certs = CertFactory()
        self.addCleanup(certs.cleanup)
        result = self.tls_check(certs, {"days": 100}, "pass")
        self.assertTrue(result.evidence["verified"])
        self.assertIn("Go-Live Test CA", result.evidence["issuer"])
        self.assertIn("localhost", result.evidence["subject"])
        self.assertAlmostEqual(result.evidence["days_left"], 100, delta=1)

        result = self.tls_check(certs, {"days": 10}, "warn")
        self.assertAlmostEqual(result.evidence["days_left"], 10, delta=1)
        self.tls_check(certs, {"days": 3}, "fail")

        result = self.tls_check(
            certs, {"hostnames": ("other.example.net",), "ips": ()}, "fail"
        )
        self.assertEqual(result.evidence["verify_code"], 62)
        self.assertIn("does not name", result.message)

        result = self.tls_check(certs, {"days": 100}, "fail", ca=False)
        self.assertFalse(result.evidence["verified"])
        self.assertIn("not trusted", result.message)
        # Details of the untrusted certificate are still reported.
        self.assertIn("Go-Live Test CA", result.evidence["issuer"])

    def test_tls_certificate_skipped_without_https(self):
        self.env["ir.config_parameter"].set_param(
            "web.base.url", "http://erp.example.com"
        )
        run = self.run_checks(["http.tls_certificate"])
        self.assertStatus(run, "http.tls_certificate", "skipped")
        self.assertIn("not an https URL", self.results(run).message)
        # Nothing listening: the handshake fails.
        self.env["ir.config_parameter"].set_param(
            "web.base.url", f"https://localhost:{free_port()}"
        )
        run = self.run_checks(["http.tls_certificate"])
        self.assertStatus(run, "http.tls_certificate", "fail")

    def test_dns(self):
        param = self.env["ir.config_parameter"]
        param.set_param("web.base.url", "http://localhost:8069")
        run = self.run_checks(["http.dns"])
        result = self.result(run, "http.dns")
        self.assertEqual(result.status, "pass", result.message)
        self.assertIn("127.0.0.1", result.evidence["addresses"])
        # RFC 2606: .invalid never resolves.
        param.set_param("web.base.url", "https://golive-check.invalid")
        run = self.run_checks(["http.dns"])
        self.assertStatus(run, "http.dns", "fail", "golive-check.invalid")
        param.set_param("web.base.url", "http://127.0.0.1:8069")
        run = self.run_checks(["http.dns"])
        self.assertStatus(run, "http.dns", "pass", "127.0.0.1")

    def endpoint(self, url, **values):
        return self.env["golive.check.endpoint"].create(
            dict({"name": values.pop("name", "SMS gateway"), "url": url}, **values)
        )

    def test_endpoint(self):
        run = self.run_checks(["http.endpoint"])
        self.assertStatus(run, "http.endpoint", "skipped")
        responses = {
            "/status": (200, {}, b"ok"),
            "/ocr": (503, {}, b"down"),
            "/moved": (302, {"Location": "https://login.example.org/"}, b""),
            "/old": (301, {"Location": "/status"}, b""),
        }
        with RecordingHTTPServer(responses) as server:
            self.endpoint(server.url + "/status", name="SMS gateway")
            self.endpoint(server.url + "/ocr", name="OCR service")
            self.endpoint(server.url + "/moved", name="Relay API")
            self.endpoint(server.url + "/old", name="Legacy", method="HEAD", timeout=2)
            self.endpoint(f"http://127.0.0.1:{free_port()}/", name="Nothing there")
            self.endpoint(server.url + "/ocr", name="Archived", active=False)
            run = self.run_checks(["http.endpoint"])
        self.assertEqual(
            self.statuses(run, "http.endpoint"),
            {
                "SMS gateway": "pass",
                "OCR service": "fail",
                "Relay API": "fail",
                "Legacy": "pass",
                "Nothing there": "fail",
            },
        )
        relay = self.results(run).filtered(lambda r: r.object_key == "Relay API")
        self.assertIn("login.example.org", relay.message)
        self.assertEqual(relay.evidence["redirect_to"], "https://login.example.org/")
        seen = [(r["method"], r["path"]) for r in server.requests]
        self.assertEqual(
            sorted(seen),
            sorted(
                [
                    ("GET", "/status"),
                    ("GET", "/ocr"),
                    ("GET", "/moved"),
                    ("HEAD", "/old"),
                    ("HEAD", "/status"),
                ]
            ),
        )

    def test_endpoint_constraints_and_access(self):
        with self.assertRaises(ValidationError):
            self.endpoint("ftp://files.example.com/")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.endpoint("https://api.example.com/", timeout=60)
        endpoint = self.endpoint(
            "https://api.example.com/",
            header_name="X-Api-Key",
            header_value=API_TOKEN,
        )
        user = new_test_user(self.env, login="golive_user", groups=USER_GROUP)
        as_user = endpoint.with_user(user)
        self.assertEqual(as_user.name, "SMS gateway")
        with self.assertRaises(AccessError):
            _value = as_user.header_value
        with self.assertRaises(AccessError):
            as_user.write({"url": "https://other.example.com/"})
        with self.assertRaises(AccessError):
            _url = as_user.url  # a webhook URL holds its token
        self.assertEqual(endpoint.with_user(self.manager).header_value, API_TOKEN)

    def test_endpoint_secret_never_stored_nor_logged(self):
        responses = {"/ok": (200, {}, b"ok"), "/denied": (401, {}, b"no")}
        collector = _LogCollector()
        root = logging.getLogger()
        with RecordingHTTPServer(responses) as server:
            self.endpoint(
                server.url + "/ok",
                name="OCR",
                header_name="Authorization",
                header_value=f"Bearer {API_TOKEN}",
            )
            self.endpoint(
                server.url + "/denied",
                name="SMS",
                header_name="X-Api-Key",
                header_value=API_TOKEN,
            )
            self.endpoint(server.url + f"/ok?token={API_TOKEN}", name="Webhook")
            root.addHandler(collector)
            try:
                run = self.run_checks(["http.endpoint"])
            finally:
                root.removeHandler(collector)
        self.assertEqual(
            self.statuses(run, "http.endpoint"),
            {"OCR": "pass", "SMS": "fail", "Webhook": "pass"},
        )
        sent = {r["path"]: r["headers"] for r in server.requests}
        self.assertIn(f"/ok?token={API_TOKEN}", sent)
        self.assertEqual(sent["/ok"]["Authorization"], f"Bearer {API_TOKEN}")
        self.assertEqual(sent["/denied"]["X-Api-Key"], API_TOKEN)
        for result in self.results(run):
            stored = json.dumps(
                [result.message, result.object_key, result.evidence], default=str
            )
            self.assertNotIn(API_TOKEN, stored)
        self.assertNotIn(API_TOKEN, json.dumps(run._golive_report_data(), default=str))
        self.assertFalse([line for line in collector.lines if API_TOKEN in line])

    def test_endpoint_redirects(self):
        """Origins are (scheme, host, port); the credential goes to one URL."""
        with RecordingHTTPServer({"/landing": (200, {}, b"ok")}) as other:
            responses = {
                "/status": (200, {}, b"ok"),
                "/old": (301, {"Location": "/status"}, b""),
                "/port": (302, {"Location": other.url + "/landing"}, b""),
            }
            with RecordingHTTPServer(responses) as server:
                self.endpoint(
                    server.url + "/old",
                    name="Same origin",
                    header_name="X-Api-Key",
                    header_value=API_TOKEN,
                )
                self.endpoint(
                    server.url + "/port",
                    name="Other port",
                    header_name="X-Api-Key",
                    header_value=API_TOKEN,
                )
                self.endpoint(server.url + "/old", name="Moved", expected_status=301)
                run = self.run_checks(["http.endpoint"])
        self.assertEqual(
            self.statuses(run, "http.endpoint"),
            {"Same origin": "pass", "Other port": "fail", "Moved": "pass"},
        )
        other_port = self.results(run).filtered(lambda r: r.object_key == "Other port")
        self.assertIn(f"127.0.0.1:{other.port}", other_port.message)
        self.assertEqual(other.requests, [])  # not followed to the other port
        seen = [(r["path"], r["headers"].get("X-Api-Key")) for r in server.requests]
        self.assertEqual(
            sorted(seen, key=str),
            sorted(
                [
                    ("/old", API_TOKEN),  # Same origin
                    ("/status", None),  # its hop: the credential dropped
                    ("/port", API_TOKEN),
                    ("/old", None),  # Moved: a 301 expected, not followed
                ],
                key=str,
            ),
        )

    def test_https_to_http_downgrade(self):
        certs = CertFactory()
        self.addCleanup(certs.cleanup)
        with RecordingHTTPServer({"/x": (200, {}, b"plain")}) as plain:
            moved = (302, {"Location": plain.url + "/x"}, b"")
            context = certs.server_context("leaf")
            with RecordingHTTPServer({"/api": moved}, tls=context) as secure:
                response, hops, offhost, downgrade = http_request(
                    "GET",
                    f"https://localhost:{secure.port}/api",
                    5,
                    headers={"Authorization": API_TOKEN},
                    drop_on_redirect=("Authorization",),
                    verify=certs.ca_file,
                )
        self.assertEqual(response.status_code, 302)
        self.assertEqual((hops, offhost, downgrade), ([], plain.url + "/x", True))
        self.assertEqual(plain.requests, [])
        self.assertEqual(secure.requests[0]["headers"]["Authorization"], API_TOKEN)

    def test_environment_proxy_ignored_and_body_capped(self):
        big = b"x" * (MAX_BODY_BYTES + 500000)
        responses = {"/status": (200, {}, b"ok"), "/big": (200, {}, big)}
        with RecordingHTTPServer() as proxy, RecordingHTTPServer(responses) as server:
            environ = {
                "HTTP_PROXY": proxy.url,
                "http_proxy": proxy.url,
                "NO_PROXY": "",
                "no_proxy": "",
            }
            with patch.dict(os.environ, environ):
                self.endpoint(server.url + "/status", name="Gateway")
                run = self.run_checks(["http.endpoint"])
                response = http_request("GET", server.url + "/big", 5)[0]
        self.assertStatus(run, "http.endpoint", "pass")
        self.assertEqual(proxy.requests, [])
        self.assertEqual(len(response.content), MAX_BODY_BYTES)

    def test_endpoint_url_path_masked(self):
        secret_path = "/services/T0001/B0002/XyZsecretWebhook42"
        with RecordingHTTPServer() as server:  # 404
            self.endpoint(server.url + secret_path, name="Slack")
            run = self.run_checks(["http.endpoint"])
        result = self.result(run, "http.endpoint")
        self.assertEqual(result.status, "fail")
        stored = json.dumps([result.message, result.evidence], default=str)
        self.assertNotIn("XyZsecretWebhook42", stored)
        self.assertIn(f"127.0.0.1:{server.port}", result.evidence["url"])
