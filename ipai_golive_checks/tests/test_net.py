# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""tools/net.py on its own, against the loopback servers of _net_servers."""

import ssl

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..tools import net
from ._net_servers import (
    CertFactory,
    RecordingHTTPServer,
    SmtpRecorder,
    TLSServer,
    WebSocketServer,
    free_port,
    start_smtp,
)

TOKEN = "net-test-token-7c1"


@tagged("post_install", "-at_install")
class TestNet(TransactionCase):
    def test_one_local_host_rule(self):
        for host in (
            "localhost",
            "LOCALHOST.",
            "localhost.localdomain",
            "erp.localhost",
            "printer.local",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
            "0.0.0.0",
            "::",
            "",
            None,
        ):
            self.assertTrue(net.is_local_host(host), host)
        for host in (
            "erp.example.com",
            "local.example.com",
            "localhost.example.com",
            "10.0.0.5",
            "192.168.1.20",
            "2001:db8::1",
        ):
            self.assertFalse(net.is_local_host(host), host)
        self.assertEqual(net.client_address(""), "127.0.0.1")
        self.assertEqual(net.client_address("0.0.0.0"), "127.0.0.1")
        self.assertEqual(net.client_address("::"), "127.0.0.1")
        self.assertEqual(net.client_address("10.1.2.3"), "10.1.2.3")

    def test_origin_and_netloc(self):
        self.assertEqual(
            net.origin("HTTPS://ERP.example.com/x"), ("https", "erp.example.com", 443)
        )
        self.assertEqual(net.origin("http://[::1]:8069/"), ("http", "::1", 8069))
        self.assertEqual(
            net.origin_text("https://erp.example.com:443/a"), "https://erp.example.com"
        )
        self.assertEqual(net.origin_text("http://[::1]:8069/a"), "http://[::1]:8069")
        self.assertEqual(net.netloc("::1", 8069), "[::1]:8069")
        self.assertEqual(net.netloc("erp.example.com"), "erp.example.com")

    def test_http_same_origin_redirects_followed_credential_sent_once(self):
        responses = {
            "/old": (301, {"Location": "/new"}, b""),
            "/new": (200, {}, b"here"),
        }
        with RecordingHTTPServer(responses) as server:
            response, hops, offhost, downgrade = net.http_request(
                "GET",
                server.url + "/old",
                5,
                headers={"X-Api-Key": TOKEN},
                drop_on_redirect=("x-api-key",),
            )
        self.assertEqual((response.status_code, response.content), (200, b"here"))
        self.assertEqual(
            (hops, offhost, downgrade), ([server.url + "/new"], None, False)
        )
        seen = [(r["path"], r["headers"].get("X-Api-Key")) for r in server.requests]
        self.assertEqual(seen, [("/old", TOKEN), ("/new", None)])

    def test_http_other_origin_reported_not_followed(self):
        with RecordingHTTPServer({"/x": (200, {}, b"other")}) as other:
            moved = (302, {"Location": other.url + "/x"}, b"")
            with RecordingHTTPServer({"/a": moved}) as server:
                response, hops, offhost, downgrade = net.http_request(
                    "GET", server.url + "/a", 5
                )
                # follow=False: the redirect itself is the answer
                unfollowed = net.http_request("GET", server.url + "/a", 5, follow=False)
        self.assertEqual(response.status_code, 302)
        self.assertEqual((hops, offhost, downgrade), ([], other.url + "/x", False))
        self.assertEqual(other.requests, [])
        self.assertEqual(unfollowed[0].status_code, 302)
        self.assertEqual(unfollowed[1:], ([], None, False))

    def test_http_redirect_loop_stops_after_max_redirects(self):
        with RecordingHTTPServer(
            {"/loop": (302, {"Location": "/loop"}, b"")}
        ) as server:
            response, hops, offhost, _downgrade = net.http_request(
                "GET", server.url + "/loop", 5
            )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(hops), net.MAX_REDIRECTS)
        self.assertIsNone(offhost)
        self.assertEqual(len(server.requests), net.MAX_REDIRECTS + 1)

    def test_http_post_303_becomes_get(self):
        responses = {
            "/form": (303, {"Location": "/done"}, b""),
            "/done": (200, {}, b"ok"),
        }
        with RecordingHTTPServer(responses) as server:
            response = net.http_request("POST", server.url + "/form", 5, body=b"a=1")[0]
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(r["method"], r["path"]) for r in server.requests],
            [("POST", "/form"), ("GET", "/done")],
        )

    def test_tls_handshake_and_certificate(self):
        certs = CertFactory()
        self.addCleanup(certs.cleanup)
        context = certs.server_context("leaf", hostnames=("localhost",), days=30)
        with TLSServer(context) as server:
            der, version = net.tls_handshake(
                "localhost", server.port, 5, net.tls_context(ca_file=certs.ca_file)
            )
            # the system's CAs do not know the test CA
            with self.assertRaises(ssl.SSLCertVerificationError) as caught:
                net.tls_handshake("localhost", server.port, 5, net.tls_context())
            unverified = net.tls_handshake(
                "localhost", server.port, 5, net.tls_context(verify=False)
            )
        self.assertIn("certificate verify failed", str(caught.exception))
        self.assertEqual(unverified[0], der)
        self.assertTrue(version.startswith("TLS"))
        self.assertEqual(server.server_names[0], "localhost")  # SNI sent
        details = net.certificate_details(der)
        self.assertEqual(details["subject"], "CN=localhost")
        self.assertEqual(details["san"], ["localhost", "127.0.0.1"])
        self.assertRegex(details["not_after"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(
            details["_not_after"].strftime("%Y-%m-%dT%H:%M:%SZ"), details["not_after"]
        )

    def test_websocket_handshake(self):
        key = net.websocket_key()
        with WebSocketServer(accept=True) as server:
            request = net.websocket_request(
                key, {"Host": f"127.0.0.1:{server.port}"}, "http://erp.example.com"
            )
            status_line, headers = net.websocket_handshake(
                "http", "127.0.0.1", server.port, request, 5
            )
        self.assertEqual(status_line, "HTTP/1.1 101 Switching Protocols")
        self.assertEqual(headers["sec-websocket-accept"], net.websocket_accept(key))
        self.assertEqual(
            server.requests[0]["headers"]["origin"], "http://erp.example.com"
        )
        self.assertEqual(server.frames, [8])  # closed with a close frame
        with WebSocketServer(accept=False) as refusing:
            status_line, _headers = net.websocket_handshake(
                "http", "127.0.0.1", refusing.port, request, 5
            )
        self.assertEqual(status_line, "HTTP/1.1 400 Bad Request")

    def test_resolve(self):
        self.assertIn("127.0.0.1", net.resolve("localhost", 5))
        with self.assertRaises(OSError):
            net.resolve("no-such-host.invalid", 5)

    def _smtp_target(self, port, user="", password=""):
        return {
            "host": "127.0.0.1",
            "port": port,
            "encryption": "none",
            "user": user,
            "password": password,
            "login": True,
        }

    def test_smtp_session_steps_and_quit(self):
        self.enterContext(mute_logger("mail.log"))
        recorder = SmtpRecorder(login="relay", password=TOKEN)
        controller = start_smtp(recorder)
        self.addCleanup(controller.stop)
        target = self._smtp_target(controller.port, "relay", TOKEN)
        with net.smtp_session(target, 5, None) as (connection, steps):
            self.assertIn("auth", connection.esmtp_features)
        self.assertEqual(steps, ["connect", "ehlo", "login", "quit"])
        self.assertEqual(recorder.commands, ["EHLO", "AUTH", "QUIT"])
        self.assertEqual(recorder.auth[0]["login"], "relay")
        self.assertTrue(recorder.auth[0]["ok"])

    def test_smtp_session_names_the_failed_step(self):
        self.enterContext(mute_logger("mail.log"))
        recorder = SmtpRecorder(login="relay", password=TOKEN)
        controller = start_smtp(recorder)
        self.addCleanup(controller.stop)
        target = self._smtp_target(controller.port, "relay", "wrong")
        with self.assertRaises(net.SmtpStepError) as caught:
            with net.smtp_session(target, 5, None):
                pass
        self.assertEqual(caught.exception.step, "login")
        self.assertEqual(caught.exception.steps, ["connect", "ehlo"])
        self.assertRegex(net.smtp_error(caught.exception.exc), r"^535 ")
        self.assertNotIn("wrong", net.smtp_error(caught.exception.exc))
        with self.assertRaises(net.SmtpStepError) as refused:
            with net.smtp_session(self._smtp_target(free_port()), 5, None):
                pass
        self.assertEqual(refused.exception.step, "connect")
        self.assertEqual(refused.exception.steps, [])
        self.assertIn("ConnectionRefusedError", net.smtp_error(refused.exception.exc))
