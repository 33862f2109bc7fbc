# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real servers on 127.0.0.1 for the network checks' tests.

Each server records what it saw so that tests assert on the server side: an
SMTP server (aiosmtpd), an HTTP(S) server answering canned responses, a TLS
server recording the SNI name of each handshake, and raw WebSocket servers.
Certificates are made here with ``cryptography`` (a CA and leaves of chosen
names and validity).
"""

import base64
import datetime
import hashlib
import ipaddress
import os
import socket
import ssl
import tempfile
import threading
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------
# Certificates
# ----------------------------------------------------------------------
class CertFactory:
    """A throw-away CA and leaf certificates, written to a temporary folder."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="golive-certs-")
        self.folder = self._dir.name
        self.ca_key = ec.generate_private_key(ec.SECP256R1(), default_backend())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Go-Live Test CA")])
        now = datetime.datetime.utcnow()
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                True,
            )
            .sign(self.ca_key, hashes.SHA256(), default_backend())
        )
        self.ca_file = self._write(
            "ca.pem", self.ca_cert.public_bytes(serialization.Encoding.PEM)
        )

    def _write(self, name, data):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def leaf(self, name, hostnames=("localhost",), days=100, ips=("127.0.0.1",)):
        """Write ``name.pem``/``name.key``, valid ``days`` from now; return paths."""
        key = ec.generate_private_key(ec.SECP256R1(), default_backend())
        now = datetime.datetime.utcnow()
        alt_names = [x509.DNSName(host) for host in hostnames]
        alt_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])])
            )
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt_names), False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .sign(self.ca_key, hashes.SHA256(), default_backend())
        )
        cert_file = self._write(
            f"{name}.pem", cert.public_bytes(serialization.Encoding.PEM)
        )
        key_file = self._write(
            f"{name}.key",
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ),
        )
        return cert_file, key_file

    def server_context(self, name, **kwargs):
        cert_file, key_file = self.leaf(name, **kwargs)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    def cleanup(self):
        self._dir.cleanup()


# ----------------------------------------------------------------------
# SMTP (aiosmtpd)
# ----------------------------------------------------------------------
class SmtpRecorder:
    """aiosmtpd handler and authenticator recording the sessions it served."""

    def __init__(self, login=None, password=None):
        self.login = login
        self.password = password
        self.commands = []
        self.auth = []
        self.messages = []
        self.ehlo_tls = []
        self.reject = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.commands.append("EHLO")
        self.ehlo_tls.append(bool(session.ssl))
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.commands.append("RCPT")
        if address in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        self.commands.append("QUIT")
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        self.commands.append("DATA")
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "content": envelope.content.decode("utf-8", "replace"),
                "tls": bool(session.ssl),
            }
        )
        return "250 Message accepted for delivery"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode()
        password = auth_data.password.decode()
        success = login == self.login and password == self.password
        self.auth.append({"mechanism": mechanism, "login": login, "ok": success})
        self.commands.append("AUTH")
        return AuthResult(success=success, handled=False)


def start_smtp(recorder, tls_context=None, implicit_tls=None):
    """Start an aiosmtpd server on 127.0.0.1; return the running controller.

    Mute its ``mail.log`` logger in tests: aiosmtpd 1.4.6 warns about its own
    deprecated ``Session.login_data`` at each successful AUTH and logs refused
    TLS handshakes as errors.
    """
    from aiosmtpd.controller import Controller

    kwargs = {"hostname": "127.0.0.1", "port": free_port(), "ready_timeout": 5}
    if recorder.login:
        # One mechanism, so that a refused login is one AUTH (smtplib would try
        # PLAIN, then LOGIN).
        kwargs.update(
            authenticator=recorder.authenticator,
            auth_require_tls=False,
            auth_exclude_mechanism=["LOGIN"],
        )
    if tls_context:
        kwargs["tls_context"] = tls_context
    if implicit_tls:
        kwargs["ssl_context"] = implicit_tls
    controller = Controller(recorder, **kwargs)
    controller.start()
    # The controller's start-up probe opened and closed one session.
    recorder.commands.clear()
    recorder.ehlo_tls.clear()
    return controller


# ----------------------------------------------------------------------
# HTTP(S)
# ----------------------------------------------------------------------
class _RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers.items()),
                "body": body,
            }
        )
        status, headers, payload = server.responses.get(
            self.path.split("?")[0], server.default
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = do_PUT = _answer

    def log_message(self, *args):  # keep the test log quiet
        pass


class RecordingHTTPServer(ThreadingHTTPServer):
    """Answers canned ``{path: (status, headers, body)}``; records requests."""

    daemon_threads = True

    def __init__(self, responses=None, default=(404, {}, b"not found"), tls=None):
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.responses = responses or {}
        self.default = default
        self.requests = []
        if tls:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.port = self.server_address[1]
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def handle_error(self, request, client_address):
        pass  # a client closing early is not a test failure

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self._thread.join(5)


# ----------------------------------------------------------------------
# Raw TLS and WebSocket servers
# ----------------------------------------------------------------------
class _RawServer:
    """Accept loop on 127.0.0.1 in a thread; ``serve(conn)`` per connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(5)
            with conn, suppress(OSError):
                self.serve(conn)

    def serve(self, conn):
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


class TLSServer(_RawServer):
    """Completes TLS handshakes and records the SNI name sent by each client."""

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.handshakes = []
        self.server_names = []
        context.sni_callback = self._sni

    def _sni(self, sslobj, server_name, context):
        self.server_names.append(server_name)

    def serve(self, conn):
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.handshakes.append({"ok": False, "error": str(exc)})
            return
        self.handshakes.append({"ok": True, "version": tls.version()})
        with tls, suppress(OSError):
            tls.recv(1)  # wait for the client's close


class WebSocketServer(_RawServer):
    """Answers the WebSocket handshake: 101 (``accept=True``) or 400."""

    def __init__(self, accept=True):
        super().__init__()
        self.accept = accept
        self.requests = []
        self.frames = []

    def serve(self, conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        request_line, *lines = head.split("\r\n")
        headers = {}
        for line in lines:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.requests.append({"request_line": request_line, "headers": headers})
        if not self.accept:
            conn.sendall(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                b"Connection: close\r\n\r\n"
            )
            return
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(
            hashlib.sha1((key + WS_GUID).encode()).digest()
        ).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        frame = conn.recv(64)
        if frame:
            self.frames.append(frame[0] & 0x0F)  # opcode (8 = close)
