# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An SMTP session run as a probe, and the test message, in plain Python.

The mail checks describe a server as a *target* dict (``host``, ``port``,
``encryption``, ``user``, ``password``, ``login``, ``client_cert``...);
:func:`probe` opens a session on it, always with a timeout, and returns a
:class:`Probe` that the checks turn into a finding. Nothing here knows Odoo,
and nothing here keeps or returns the password.
"""

import base64
import configparser
import socket
import ssl
import time
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from . import net

DEFAULT_SMTP_HOST = "localhost"


def server_explicit(host, rcfile, argv):
    """Whether smtp_server was set on purpose, not left at Odoo's default
    ``localhost``: another value, ``--smtp`` on the command line ``argv``,
    or an ``smtp_server`` line in the configuration file ``rcfile``."""
    if host != DEFAULT_SMTP_HOST:
        return True
    if any(arg == "--smtp" or arg.startswith("--smtp=") for arg in argv):
        return True
    parser = configparser.RawConfigParser()
    with suppress(OSError, configparser.Error):
        parser.read([rcfile])
    return parser.has_option("options", "smtp_server")


def server_target(server):
    """The target of an outgoing mail server (an ``ir.mail_server`` record
    or any object with its fields) that does not use the server options."""
    client_cert = None
    if server.smtp_authentication == "certificate":
        client_cert = (
            base64.b64decode(server.smtp_ssl_certificate or b""),
            base64.b64decode(server.smtp_ssl_private_key or b""),
        )
    return {
        "key": server.name,
        "source": "ir.mail_server",
        "host": server.smtp_host,
        "port": server.smtp_port,
        "encryption": server.smtp_encryption or "none",
        "user": server.smtp_user or "",
        "password": server.smtp_pass or "",
        "authentication": server.smtp_authentication or "login",
        "login": server.smtp_authentication in (False, "login"),
        "client_cert": client_cert,
        "from_filter": server.from_filter or "",
    }


def config_target(options, key="server options"):
    """The target of the server options (``smtp_server``...), as Odoo sends
    without a mail server record or with one set to use them (``cli``)."""
    return {
        "key": key,
        "source": "server options",
        "host": options.get("smtp_server") or DEFAULT_SMTP_HOST,
        "port": int(options.get("smtp_port") or 25),
        "encryption": "starttls" if options.get("smtp_ssl") else "none",
        "user": options.get("smtp_user") or "",
        "password": options.get("smtp_password") or "",
        "authentication": "cli",
        "login": True,
        "client_cert": None,
        "from_filter": options.get("from_filter") or "",
    }


@dataclass
class Probe:
    """What an SMTP session showed.

    ``failed_step`` is empty when the session went through. ``tls_verified``
    is None without TLS. ``tls_problem`` is the verification error of a first
    attempt when the session only went through unverified. ``withheld`` names
    what was not sent over an unverified connection (``login``, ``message``).
    """

    steps: list
    duration_ms: int
    failed_step: str = ""
    error: str = ""
    tls_verified: bool | None = None
    tls_problem: str = ""
    withheld: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _withheld(target, verified, uses_tls, action):
    """What an unverified TLS session must not carry: a man in the middle
    would get the password and the message."""
    withheld = []
    if uses_tls and not verified:
        if target["user"] and target["login"]:
            withheld.append("login")
        if action:
            withheld.append("message")
    return withheld


def probe(target, timeout, verify=True, ca_file=None, action=None):
    """Run an SMTP session on ``target``; return a :class:`Probe`.

    ``action(connection)`` runs inside the session (after login) and returns
    extra evidence. With ``verify``, an untrusted certificate is remembered
    and the session retried without verification (Odoo itself does not
    verify the SMTP certificate), with neither login nor ``action``.
    """
    started = time.perf_counter()
    tls_problem = ""
    uses_tls = target["encryption"] in ("ssl", "starttls")
    for verified in [verify, False] if uses_tls and verify else [False]:
        context = None
        if uses_tls or target["client_cert"]:
            context = net.tls_context(verified, ca_file, target["client_cert"])
        withheld = _withheld(target, verified, uses_tls, action)
        session_target = dict(target, login=False) if "login" in withheld else target
        try:
            with net.smtp_session(session_target, timeout, context) as (
                connection,
                steps,
            ):
                extra = {
                    "features": sorted(connection.esmtp_features),
                    "tls_version": connection.sock.version()
                    if isinstance(connection.sock, ssl.SSLSocket)
                    else None,
                }
                if action and "message" not in withheld:
                    extra.update(action(connection))
        except net.SmtpStepError as error:
            if isinstance(error.exc, ssl.SSLCertVerificationError) and verified:
                tls_problem = net.smtp_error(error.exc)
                continue
            return Probe(
                steps=error.steps,
                duration_ms=net.elapsed_ms(started),
                failed_step=error.step,
                error=net.smtp_error(error.exc),
            )
        return Probe(
            steps=steps,
            duration_ms=net.elapsed_ms(started),
            tls_verified=verified if uses_tls else None,
            tls_problem=tls_problem,
            withheld=withheld,
            extra=extra,
        )
    raise AssertionError("unreachable")  # pragma: no cover


def build_test_message(email_from, recipient, subject, body, check_code):
    """The test message and its envelope sender.

    ``"ERP <erp@x>"`` gives the envelope ``erp@x``, whose domain also names
    the Message-Id.
    """
    envelope_from = parseaddr(email_from)[1] or email_from
    message = EmailMessage()
    message["From"] = email_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    from_domain = envelope_from.rpartition("@")[2]
    message["Message-Id"] = make_msgid(domain=from_domain or socket.gethostname())
    message["X-Golive-Check"] = check_code
    message.set_content(body)
    return message, envelope_from
