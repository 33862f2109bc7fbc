# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The network clients of the checks: HTTP, TLS, WebSocket, DNS and SMTP.

Plain Python, no Odoo: the HTTP and mail checks (``checks/http.py``,
``checks/mail.py``) call these and judge what they return. Every function
takes an explicit timeout; HTTP ignores the proxies of the environment, reads
at most ``MAX_BODY_BYTES`` and never follows a redirect to another origin.
:func:`is_local_host` is the one rule of what a "local host" is.
"""

import base64
import datetime
import hashlib
import ipaddress
import os
import smtplib
import socket
import ssl
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

MAX_REDIRECTS = 3
REDIRECT_CODES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
MAX_BODY_BYTES = 1024 * 1024  # read at most this much of an answer
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# OpenSSL X509_V_ERR_* codes named in findings.
X509_HOSTNAME_MISMATCH = 62
X509_CERT_HAS_EXPIRED = 10
# Host names of this machine or of the local link only (RFC 6761, RFC 6762).
LOCAL_HOST_NAMES = {"", "localhost", "localhost.localdomain"}
LOCAL_HOST_SUFFIXES = (".localhost", ".local")


# ----------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------
def elapsed_ms(started):
    """Milliseconds since ``started`` (a ``time.perf_counter()``), rounded."""
    return round((time.perf_counter() - started) * 1000.0, 1)


def short_error(exc, limit=300):
    """``Type: message`` of ``exc``, at most ``limit`` characters."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_local_host(host):
    """Whether ``host`` names this machine or a host of the local link only.

    The loopback and unspecified addresses (``127.0.0.0/8``, ``::1``,
    ``0.0.0.0``, ``::``), ``localhost`` and its subdomains, and mDNS ``.local``
    names: no client elsewhere reaches them.
    """
    host = (host or "").strip().lower().strip("[]").rstrip(".")
    if host in LOCAL_HOST_NAMES or host.endswith(LOCAL_HOST_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def client_address(interface):
    """The address a client uses to reach a server listening on
    ``interface`` (all interfaces: the loopback)."""
    interface = (interface or "").strip()
    if interface in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return interface


def netloc(host, port=None):
    """``host[:port]``, an IPv6 address in brackets."""
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"{host}:{port}" if port else host


def origin(url):
    """``(scheme, hostname, port)`` of ``url``, the port made explicit."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme)


def origin_text(url):
    """``scheme://host[:port]`` of ``url`` for a message."""
    scheme, host, port = origin(url)
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    return f"{scheme}://{netloc(host, port)}"


# ----------------------------------------------------------------------
# HTTP
# ----------------------------------------------------------------------
def _session():
    """A session that ignores HTTP(S)_PROXY, netrc and the like of the environment."""
    session = requests.Session()
    session.trust_env = False
    return session


def ca_bundle(ca_file=None):
    """What an HTTPS request verifies against, as ``requests``' ``verify``.

    ``ca_file`` (a check's threshold) first, then ``REQUESTS_CA_BUNDLE``, then
    the system's trust store as OpenSSL finds it (``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR`` honoured), as the TLS and SMTP checks verify: a session
    that ignores the environment's proxies would otherwise fall back on
    certifi's bundle and reject a private CA the system trusts.
    """
    if ca_file:
        return ca_file
    bundle = os.environ.get("REQUESTS_CA_BUNDLE")
    if bundle:
        return bundle
    paths = ssl.get_default_verify_paths()
    return paths.cafile or paths.capath or True


def _read_capped(response, limit=MAX_BODY_BYTES):
    """Read at most ``limit`` bytes of the body; later ``.content`` gives them."""
    data = b""
    with suppress(requests.RequestException, OSError):
        for chunk in response.iter_content(chunk_size=65536):
            data += chunk
            if len(data) >= limit:
                data = data[:limit]
                break
    response._content = data  # pylint: disable=protected-access
    response._content_consumed = True  # pylint: disable=protected-access
    response.close()
    return data


def _redirect_target(url, location, aliases):
    """The absolute target of a ``Location``, an aliased origin replaced by
    the base URL it is reached at."""
    target = urljoin(url, location)
    target_origin = origin(target)
    if target_origin in aliases:
        parts = urlsplit(target)
        target = aliases[target_origin] + urlunsplit(
            ("", "", parts.path or "/", parts.query, "")
        )
    return target


def _without(headers, names):
    """``headers`` without those named in ``names`` (any case)."""
    dropped = {name.lower() for name in names}
    return {key: value for key, value in headers.items() if key.lower() not in dropped}


def _redirected_method(method, body, status):
    """``(method, body)`` of the request a redirect ``status`` asks for: a
    GET without body after 303, or after 301/302 to a POST."""
    if status == 303 or (status in (301, 302) and method == "POST"):
        return "GET", None
    return method, body


def http_request(
    method,
    url,
    timeout,
    headers=None,
    body=None,
    follow=True,
    drop_on_redirect=(),
    aliases=None,
    verify=True,
):
    """Send ``method url``; follow same-origin redirects by hand.

    Returns ``(response, hops, offhost_url, downgrade)``: ``offhost_url`` is the
    target of a redirect to another origin (scheme, host, port), not followed;
    ``downgrade`` is true when that redirect goes from https to http. ``hops``
    lists the same-origin URLs followed. ``follow=False`` follows nothing.
    Headers named in ``drop_on_redirect`` (a credential) are sent to the first
    URL only. ``aliases`` maps an origin to the base URL it is reached at (the
    public URL of this server, reached on its local address). The body read is
    capped at ``MAX_BODY_BYTES``; the environment's proxies are ignored.
    ``verify`` is requests' (a CA bundle path); true verifies against
    :func:`ca_bundle`'s choice.
    """
    if verify is True:
        verify = ca_bundle()
    aliases = aliases or {}
    hops = []
    headers = dict(headers or {})
    start_origin = origin(url)
    with _session() as session:
        for _hop in range(MAX_REDIRECTS + 1):
            response = session.request(
                method,
                url,
                headers=headers or None,
                data=body,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
                verify=verify,
            )
            _read_capped(response)
            location = response.headers.get("Location")
            if not follow or response.status_code not in REDIRECT_CODES or not location:
                return response, hops, None, False
            target = _redirect_target(url, location, aliases)
            target_origin = origin(target)
            if target_origin != start_origin:
                downgrade = start_origin[0] == "https" and target_origin[0] == "http"
                return response, hops, target, downgrade
            if len(hops) == MAX_REDIRECTS:
                break
            hops.append(target)
            headers = _without(headers, drop_on_redirect)
            method, body = _redirected_method(method, body, response.status_code)
            url = target
    return response, hops, None, False


# ----------------------------------------------------------------------
# TLS
# ----------------------------------------------------------------------
def tls_context(verify=True, ca_file=None, client_cert=None):
    """A client TLS context: verifying (against ``ca_file`` or the system's
    CAs) or not; ``client_cert`` is ``(certificate PEM, private key PEM)``."""
    if verify:
        context = ssl.create_default_context(cafile=ca_file or None)
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if client_cert:
        certificate, private_key = client_cert
        with tempfile.TemporaryDirectory() as folder:
            cert_path = os.path.join(folder, "cert.pem")
            key_path = os.path.join(folder, "key.pem")
            for path, data in ((cert_path, certificate), (key_path, private_key)):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            context.load_cert_chain(cert_path, key_path)
    return context


def tls_handshake(host, port, timeout, context):
    """Shake hands with ``host:port``; return ``(DER certificate, TLS version)``."""
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True), tls.version()


def certificate_details(der):
    """Subject, issuer, SAN names and notAfter of a DER certificate; the
    expiry as a datetime under ``_not_after``."""
    from cryptography import x509
    from cryptography.hazmat.backends import default_backend

    cert = x509.load_der_x509_certificate(der, default_backend())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = san.value.get_values_for_type(x509.DNSName) + [
            str(ip) for ip in san.value.get_values_for_type(x509.IPAddress)
        ]
    except x509.ExtensionNotFound:
        names = []
    # cryptography >= 42 deprecates the naive not_valid_after.
    not_after = getattr(cert, "not_valid_after_utc", None)
    if not_after is None:
        not_after = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_after": not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "san": names[:20],
        "_not_after": not_after,
    }


# ----------------------------------------------------------------------
# WebSocket
# ----------------------------------------------------------------------
def websocket_key():
    return base64.b64encode(os.urandom(16)).decode()


def websocket_accept(key):
    """The ``Sec-WebSocket-Accept`` a server answers to ``key`` (RFC 6455)."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def websocket_request(key, headers, origin_url, path="/websocket"):
    """The upgrade request of a WebSocket handshake, as text."""
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (
        f"GET {path} HTTP/1.1\r\n"
        f"{extra}"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Origin: {origin_url}\r\n"
        "User-Agent: ipai-golive-check\r\n\r\n"
    )


def websocket_handshake(scheme, host, port, request, timeout):
    """Send the upgrade ``request``; return ``(status line, headers)``.

    After a 101, a close frame (code 1000) ends the connection cleanly.
    """
    raw = socket.create_connection((host, port), timeout=timeout)
    sock = raw
    try:
        if scheme in ("https", "wss"):
            sock = ssl.create_default_context().wrap_socket(raw, server_hostname=host)
        sock.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 16384:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        status_line, *lines = head.split("\r\n") if head else [""]
        headers = {}
        for line in lines:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if " 101 " in f"{status_line} ":
            mask_key = os.urandom(4)
            payload = (1000).to_bytes(2, "big")
            masked = bytes(b ^ mask_key[i % 4] for i, b in enumerate(payload))
            with suppress(OSError):
                sock.sendall(bytes([0x88, 0x80 | len(payload)]) + mask_key + masked)
                sock.recv(16)  # the server's close frame
        return status_line.strip(), headers
    finally:
        sock.close()


# ----------------------------------------------------------------------
# DNS
# ----------------------------------------------------------------------
def resolve(host, timeout):
    """The addresses ``host`` resolves to, sorted.

    :raise TimeoutError: after ``timeout`` seconds (``getaddrinfo()`` has no
        timeout of its own: it is waited for in a thread)
    :raise OSError: when the name does not resolve
    """
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(socket.getaddrinfo, host, None)
    executor.shutdown(wait=False)
    try:
        infos = future.result(timeout=timeout)
    except FutureTimeout as exc:
        raise TimeoutError(f"resolving {host} timed out") from exc
    return sorted({info[4][0] for info in infos})


# ----------------------------------------------------------------------
# SMTP
# ----------------------------------------------------------------------
class SmtpStepError(Exception):
    """An SMTP session failed at one step."""

    def __init__(self, step, exc, steps):
        super().__init__(step)
        self.step = step
        self.exc = exc
        self.steps = steps


def smtp_error(exc):
    """A short description of an SMTP/socket error (never carries credentials)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or str(exc)
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"


@contextmanager
def smtp_session(target, timeout, context):
    """Open an SMTP session (EHLO, STARTTLS/SSL, login) and QUIT at the end.

    ``target`` holds ``host``, ``port``, ``encryption`` (none, starttls,
    ssl), ``user``, ``password`` and ``login`` (whether to log in). Yields
    ``(connection, steps)``; raises :class:`SmtpStepError` naming the step
    that failed.
    """
    steps = []
    step = "connect"
    connection = None
    try:
        if target["encryption"] == "ssl":
            connection = smtplib.SMTP_SSL(
                target["host"], target["port"], timeout=timeout, context=context
            )
            steps.append("ssl")
        else:
            connection = smtplib.SMTP(target["host"], target["port"], timeout=timeout)
        steps.append("connect")
        step = "ehlo"
        code, _msg = connection.ehlo()
        if code != 250:
            raise smtplib.SMTPHeloError(code, _msg)
        steps.append("ehlo")
        if target["encryption"] == "starttls":
            step = "starttls"
            connection.starttls(context=context)
            connection.ehlo()
            steps.append("starttls")
        if target["user"] and target["login"]:
            step = "login"
            connection.login(target["user"], target["password"] or "")
            steps.append("login")
        step = "session"
        yield connection, steps
        step = "quit"
        connection.quit()
        connection = None
        steps.append("quit")
    except SmtpStepError:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpStepError(step, exc, steps) from exc
    finally:
        if connection is not None:
            with suppress(OSError):
                connection.close()
