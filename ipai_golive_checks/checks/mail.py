# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mail checks: outgoing server, SMTP probe, failed mails, alias domain, test send.

In test mode ``ir.mail_server.connect()`` returns None without connecting, so
the probe and the test send open their own ``smtplib`` session with the
record's host, port, encryption and credentials, always with a timeout.
"""

import base64
import configparser
import socket
import ssl
import sys
import time
from contextlib import suppress
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from odoo import fields, models
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import mail_dns, net

DEFAULT_SMTP_HOST = "localhost"
RESERVED_DOMAINS = ("localhost", "example.com", "example.org", "example.net")
RESERVED_SUFFIXES = (".localhost", ".local", ".invalid", ".test", ".example")


def _smtp_server_explicit(host):
    """Whether smtp_server was set on purpose, not left at Odoo's default
    ``localhost``: another value, ``--smtp`` on the command line, or an
    ``smtp_server`` line in the configuration file."""
    if host != DEFAULT_SMTP_HOST:
        return True
    if any(arg == "--smtp" or arg.startswith("--smtp=") for arg in sys.argv):
        return True
    parser = configparser.RawConfigParser()
    with suppress(OSError, configparser.Error):
        parser.read([config.rcfile])
    return parser.has_option("options", "smtp_server")


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _golive_smtp_targets(self):
        """What Odoo sends through: the active outgoing servers, in order.

        Without any, Odoo falls back to the server options (smtp_server ...).
        Each target is a dict; ``password`` and certificates stay in memory and
        never go to a finding.
        """
        targets = []
        servers = (
            self.env["ir.mail_server"]
            .sudo()
            .search([("active", "=", True)], order="sequence, id")
        )
        for server in servers:
            targets.append(self._golive_smtp_server_target(server))
        if not targets and config.get("smtp_server"):
            targets.append(self._golive_smtp_config_target())
        return targets

    def _golive_smtp_server_target(self, server):
        """The target dict of one ``ir.mail_server`` record."""
        if server.smtp_authentication == "cli":
            return self._golive_smtp_config_target(server)
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

    def _golive_smtp_config_target(self, server=None):
        return {
            "key": server.name if server else "server options",
            "source": "server options",
            "host": config.get("smtp_server") or DEFAULT_SMTP_HOST,
            "port": int(config.get("smtp_port") or 25),
            "encryption": "starttls" if config.get("smtp_ssl") else "none",
            "user": config.get("smtp_user") or "",
            "password": config.get("smtp_password") or "",
            "authentication": "cli",
            "login": True,
            "client_cert": None,
            "from_filter": config.get("from_filter") or "",
        }

    def _golive_smtp_evidence(self, target, **extra):
        evidence = {
            "host": target["host"],
            "port": target["port"],
            "encryption": target["encryption"],
            "authentication": target["authentication"],
            "login": bool(target["user"] and target["login"]),
            "user": target["user"],
            "source": target["source"],
        }
        evidence.update(extra)
        return evidence

    def _golive_smtp_run(self, ctx, target, action=None):
        """Run an SMTP session on ``target``; return ``(status, message, evidence)``.

        ``action(connection)`` runs inside the session (after login) and returns
        extra evidence. With ``verify_tls`` (default), an untrusted certificate
        gives a warning and the session is retried without verification (Odoo
        itself does not verify the SMTP certificate), with neither login nor
        ``action``: credentials and mail never cross an unverified connection.
        """
        timeout = ctx.network_timeout
        verify = bool(ctx.params.get("verify_tls", True))
        ca_file = ctx.params.get("ca_file") or None
        started = time.perf_counter()
        tls_problem = None
        uses_tls = target["encryption"] in ("ssl", "starttls")
        attempts = [verify, False] if uses_tls and verify else [False]
        for verified in attempts:
            context = None
            if uses_tls or target["client_cert"]:
                context = net.tls_context(verified, ca_file, target["client_cert"])
            # Over TLS whose certificate was not verified, neither the
            # password nor a message is sent: a man in the middle would get
            # them. The session only shows that the server answers.
            withheld = []
            session_target = target
            if uses_tls and not verified:
                if target["user"] and target["login"]:
                    withheld.append("login")
                    session_target = dict(target, login=False)
                if action:
                    withheld.append("message")
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
                return self._golive_smtp_failed(target, error, started)
            evidence = self._golive_smtp_evidence(
                target, steps=steps, duration_ms=net.elapsed_ms(started), **extra
            )
            if uses_tls:
                evidence["tls_verified"] = verified
            if withheld:
                evidence["withheld"] = withheld
            return self._golive_smtp_answered(target, steps, tls_problem, evidence)
        raise AssertionError("unreachable")  # pragma: no cover

    def _golive_smtp_failed(self, target, error, started):
        """``(status, message, evidence)`` of a session that failed at a step."""
        evidence = self._golive_smtp_evidence(
            target,
            failed_step=error.step,
            error=net.smtp_error(error.exc),
            steps=error.steps,
            duration_ms=net.elapsed_ms(started),
        )
        message = self.env._(
            "%(server)s (%(host)s:%(port)s): %(step)s failed: %(error)s",
            server=target["key"],
            host=target["host"],
            port=target["port"],
            step=error.step,
            error=net.smtp_error(error.exc),
        )
        return "fail", message, evidence

    def _golive_smtp_answered(self, target, steps, tls_problem, evidence):
        """``(status, message, evidence)`` of a session that went through; a
        warning when it needed an unverified TLS certificate."""
        withheld = " and ".join(evidence.get("withheld", ()))
        if tls_problem:
            evidence["tls_verified"] = False
            evidence["tls_error"] = tls_problem
            message = self.env._(
                "%(server)s answers, but its TLS certificate is not trusted: %(error)s",
                server=target["key"],
                error=tls_problem,
            )
            if withheld:
                message += " " + self.env._(
                    "(%(what)s not sent over the unverified connection).",
                    what=withheld,
                )
            return "warn", message, evidence
        if withheld:
            return (
                "warn",
                self.env._(
                    "%(server)s answers; verify_tls is off, so %(what)s not sent "
                    "over the unverified connection.",
                    server=target["key"],
                    what=withheld,
                ),
                evidence,
            )
        return (
            "pass",
            self.env._(
                "%(server)s (%(host)s:%(port)s): %(steps)s.",
                server=target["key"],
                host=target["host"],
                port=target["port"],
                steps=", ".join(steps),
            ),
            evidence,
        )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @golive_check(
        "mail.outgoing_server",
        title="Outgoing mail server configured",
        category="mail",
        severity="high",
        severity_by_env={"dev": "info", "staging": "medium"},
        remediation="Create an active outgoing mail server (Settings > Technical > "
        "Outgoing Mail Servers) or set smtp_server in the server configuration.",
    )
    def _check_mail_outgoing_server(self, ctx):
        servers = (
            self.env["ir.mail_server"]
            .sudo()
            .search([("active", "=", True)], order="sequence, id")
        )
        if servers:
            yield Finding.pass_(
                self.env._(
                    "%(count)s active outgoing mail server(s): %(names)s.",
                    count=len(servers),
                    names=", ".join(servers.mapped("name")),
                ),
                "ir.mail_server",
                servers=[
                    {"name": s.name, "host": s.smtp_host, "port": s.smtp_port}
                    for s in servers[:20]
                ],
            )
            return
        host = config.get("smtp_server") or ""
        if host and not net.is_local_host(host):
            yield Finding.pass_(
                self.env._(
                    "No outgoing mail server record; the server options send "
                    "through %s.",
                    host,
                ),
                "ir.mail_server",
                smtp_server=host,
                smtp_port=config.get("smtp_port"),
            )
            return
        if host and _smtp_server_explicit(host):
            # A local MTA (postfix relaying out) is a legitimate set-up: the
            # smtp_probe check says whether it answers.
            yield Finding.warn(
                self.env._(
                    "No outgoing mail server record; the server options send "
                    "through the local server %(host)s:%(port)s: make sure it "
                    "relays out (see mail.smtp_probe).",
                    host=host,
                    port=config.get("smtp_port") or 25,
                ),
                "ir.mail_server",
                smtp_server=host,
                smtp_port=config.get("smtp_port"),
            )
            return
        yield Finding.fail(
            self.env._(
                "No active outgoing mail server: Odoo would try %(host)s:%(port)s.",
                host=host or DEFAULT_SMTP_HOST,
                port=config.get("smtp_port") or 25,
            ),
            "ir.mail_server",
            smtp_server=host or DEFAULT_SMTP_HOST,
        )

    @golive_check(
        "mail.smtp_probe",
        title="Outgoing mail server answers (SMTP session)",
        category="mail",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Fix host, port, encryption or credentials of the outgoing "
        "mail server, or open the firewall towards it; the finding names the "
        "step that failed.",
        tags=("network",),
        params={"verify_tls": True, "ca_file": ""},
    )
    def _check_mail_smtp_probe(self, ctx):
        targets = self._golive_smtp_targets()
        if not targets:
            yield Finding.skip(
                self.env._("No outgoing mail server to probe."), "ir.mail_server"
            )
            return
        for target in targets:
            status, message, evidence = self._golive_smtp_run(ctx, target)
            if status == "pass" and target["user"] and not target["login"]:
                evidence["note"] = f"login not tested ({target['authentication']})"
            yield Finding(status, message, target["key"], evidence)

    @golive_check(
        "mail.exceptions",
        title="No outgoing mail in exception",
        category="mail",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Open Settings > Technical > Emails, filter on 'Delivery "
        "Failed', fix the cause (server, address) and retry or cancel them.",
        params={"days": 7, "fail_count": 10},
    )
    def _check_mail_exceptions(self, ctx):
        days = int(ctx.params["days"])
        fail_count = int(ctx.params["fail_count"])
        since = fields.Datetime.now() - timedelta(days=days)
        Mail = self.env["mail.mail"].sudo()
        domain = [("state", "=", "exception"), ("write_date", ">=", since)]
        count = Mail.search_count(domain)
        evidence = {"days": days, "count": count}
        if not count:
            yield Finding.pass_(
                self.env._("No mail in exception in the last %s days.", days),
                "mail.mail",
                **evidence,
            )
            return
        samples = Mail.search(domain, order="write_date desc, id desc", limit=10)
        evidence["types"] = {}
        for group in Mail._read_group(domain, ["failure_type"], ["__count"]):
            evidence["types"][group[0] or "unknown"] = group[1]
        evidence["latest"] = [
            {
                "id": mail.id,
                "date": fields.Datetime.to_string(mail.write_date),
                "failure_type": mail.failure_type or "",
                "failure_reason": (mail.failure_reason or "")[:200],
            }
            for mail in samples
        ]
        message = self.env._(
            "%(count)s mail(s) in exception in the last %(days)s days.",
            count=count,
            days=days,
        )
        if count >= fail_count:
            yield Finding.fail(message, "mail.mail", **evidence)
        else:
            yield Finding.warn(message, "mail.mail", **evidence)

    @golive_check(
        "mail.alias_domain",
        title="Alias domain, catchall and default sender set",
        category="mail",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Settings > General Settings > Discuss: set the alias domain of "
        "each company (mail.alias.domain) with its bounce, catchall and default "
        "from aliases; use the company's real mail domain.",
    )
    def _check_mail_alias_domain(self, ctx):
        companies = (
            self.env["res.company"].sudo().search([("active", "=", True)], order="id")
        )
        for company in companies:
            key = company.name
            domain = company.alias_domain_id
            if not domain:
                yield Finding.fail(
                    self.env._(
                        "%s has no alias domain: replies and bounces cannot reach "
                        "Odoo.",
                        company.name,
                    ),
                    key,
                    company_id=company.id,
                )
                continue
            evidence = {
                "company_id": company.id,
                "alias_domain": domain.name,
                "bounce": domain.bounce_email or "",
                "catchall": domain.catchall_email or "",
                "default_from": domain.default_from_email or "",
            }
            missing = [
                label
                for label, value in (
                    ("bounce", domain.bounce_alias),
                    ("catchall", domain.catchall_alias),
                    ("default from", domain.default_from),
                )
                if not value
            ]
            name = (domain.name or "").strip().lower()
            if missing:
                yield Finding.fail(
                    self.env._(
                        "%(company)s: alias domain %(domain)s lacks %(missing)s.",
                        company=company.name,
                        domain=domain.name,
                        missing=", ".join(missing),
                    ),
                    key,
                    **evidence,
                )
            elif (
                "." not in name
                or name in RESERVED_DOMAINS
                or name.endswith(RESERVED_SUFFIXES)
            ):
                yield Finding.fail(
                    self.env._(
                        "%(company)s: alias domain %(domain)s is not a public "
                        "mail domain.",
                        company=company.name,
                        domain=domain.name,
                    ),
                    key,
                    **evidence,
                )
            else:
                yield Finding.pass_(
                    self.env._(
                        "%(company)s: %(domain)s (catchall %(catchall)s, default "
                        "from %(from)s).",
                        company=company.name,
                        domain=domain.name,
                        catchall=domain.catchall_email,
                        **{"from": domain.default_from_email},
                    ),
                    key,
                    **evidence,
                )

    @golive_check(
        "mail.test_send",
        title="Test message delivered to the outgoing server",
        category="mail",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Set the recipient threshold, run this check by its code, and "
        "confirm the message arrived in that mailbox; a refusal names the reason.",
        tags=("network",),
        params={"recipient": "", "email_from": "", "server": ""},
        enabled=False,
    )
    def _check_mail_test_send(self, ctx):
        recipient = (ctx.params.get("recipient") or "").strip()
        if not recipient or "@" not in recipient:
            yield Finding.skip(
                self.env._(
                    "On demand only: set the 'recipient' threshold to an address "
                    "to send a test message to."
                ),
                "recipient",
            )
            return
        email_from = (
            ctx.params.get("email_from")
            or self.env.company.alias_domain_id.default_from_email
            or self.env.company.email
            or config.get("email_from")
            or f"golive-check@{socket.gethostname()}"
        )
        wanted = ctx.params.get("server") or ""
        if wanted:
            targets = [t for t in self._golive_smtp_targets() if t["key"] == wanted]
        else:
            # The server Odoo itself would pick for this sender (from_filter,
            # notification address, sequence); None means the server options.
            server = self.env["ir.mail_server"]._find_mail_server(email_from)[0]
            if server:
                targets = [self._golive_smtp_server_target(server)]
            elif config.get("smtp_server"):
                targets = [self._golive_smtp_config_target()]
            else:
                targets = []
        if not targets:
            yield Finding.fail(
                self.env._("No outgoing mail server to send through."),
                recipient,
                server=wanted,
            )
            return
        target = targets[0]
        # "ERP <erp@x>" -> "erp@x": the envelope and the Message-Id domain
        envelope_from = parseaddr(email_from)[1] or email_from
        message = EmailMessage()
        message["From"] = email_from
        message["To"] = recipient
        message["Subject"] = self.env._(
            "Go-Live test message from database %s", self.env.cr.dbname
        )
        message["Date"] = formatdate(localtime=True)
        from_domain = envelope_from.rpartition("@")[2]
        message["Message-Id"] = make_msgid(domain=from_domain or socket.gethostname())
        message["X-Golive-Check"] = "mail.test_send"
        message.set_content(
            self.env._(
                "This message was sent by the Go-Live check mail.test_send of "
                "database %s. No action is needed.",
                self.env.cr.dbname,
            )
        )

        def send(connection):
            refused = connection.send_message(
                message, from_addr=envelope_from, to_addrs=[recipient]
            )
            return {"refused": sorted(refused)}

        status, text, evidence = self._golive_smtp_run(ctx, target, action=send)
        evidence.update(
            recipient=recipient,
            email_from=email_from,
            envelope_from=envelope_from,
            server=target["key"],
            message_id=message["Message-Id"],
        )
        if status == "fail" or "message" in evidence.get("withheld", ()):
            yield Finding(status, text, recipient, evidence)
            return
        yield Finding(
            "pass" if status == "pass" else status,
            self.env._(
                "Test message %(msgid)s accepted by %(server)s for %(to)s.",
                msgid=message["Message-Id"],
                server=target["key"],
                to=recipient,
            ),
            recipient,
            evidence,
        )

    @golive_check(
        "mail.queue_stalled",
        title="Outgoing mail queue moving",
        category="mail",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Check that the 'Mail: Email Queue Manager' scheduled action "
        "is active and runs (cron worker, outgoing server), then send the queue "
        "from Settings > Technical > Emails.",
        params={"minutes": 120},
    )
    def _check_mail_queue_stalled(self, ctx):
        """Mails still outgoing well after the queue manager should have sent
        them (scheduled mails count from their scheduled date)."""
        minutes = int(ctx.params["minutes"])
        limit = fields.Datetime.now() - timedelta(minutes=minutes)
        Mail = self.env["mail.mail"].sudo()
        domain = [
            ("state", "=", "outgoing"),
            "|",
            "&",
            ("scheduled_date", "=", False),
            ("create_date", "<", limit),
            ("scheduled_date", "<", limit),
        ]
        count = Mail.search_count(domain)
        oldest = Mail.search(domain, order="create_date, id", limit=1).create_date
        evidence = {"minutes": minutes, "count": count}
        if count:
            evidence["oldest"] = fields.Datetime.to_string(oldest)
            yield Finding.fail(
                self.env._(
                    "%(count)s outgoing mail(s) waiting for more than %(minutes)s "
                    "minutes (oldest %(oldest)s).",
                    count=count,
                    minutes=minutes,
                    oldest=evidence["oldest"],
                ),
                "mail.mail",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "No outgoing mail waiting for more than %s minutes.", minutes
                ),
                "mail.mail",
                **evidence,
            )

    @golive_check(
        "mail.domain_auth",
        title="Sending domain authenticated in DNS (SPF, DMARC, DKIM)",
        category="mail",
        severity="high",
        severity_by_env={"dev": "info", "staging": "low"},
        remediation="Publish the records your mail provider gives (Mailgun: "
        "Sending > Domains > DNS records): SPF including the provider, DKIM "
        "under its selector, and a DMARC record at _dmarc.<domain>.",
        tags=("network",),
        params={"nameserver": "", "dkim_selectors": ""},
    )
    def _check_mail_domain_auth(self, ctx):
        domains = (
            self.env["mail.alias.domain"]
            .sudo()
            .search([("name", "!=", False)])
            .mapped("name")
        )
        if not domains:
            yield Finding.skip(
                self.env._("No alias domain: no sending domain to look up."),
                "mail.alias.domain",
            )
            return
        server = self.env["ir.mail_server"].sudo().search([], limit=1)
        host = server.smtp_host or config.get("smtp_server") or ""
        selectors = [
            s.strip()
            for s in (ctx.params["dkim_selectors"] or "").split(",")
            if s.strip()
        ]
        resolver = mail_dns.make_resolver(
            ctx.params["nameserver"] or "", ctx.network_timeout
        )
        for domain in domains:
            try:
                yield from self._golive_domain_auth(resolver, domain, host, selectors)
            except mail_dns.DnsUnreachable as exc:
                yield Finding.skip(
                    self.env._(
                        "DNS unreachable, %(domain)s not verified: %(error)s",
                        domain=domain,
                        error=exc,
                    ),
                    domain,
                    error=str(exc),
                )

    def _golive_domain_auth(self, resolver, domain, host, selectors):
        spf = mail_dns.spf_record(resolver, domain)
        key = f"{domain}:spf"
        if not spf:
            yield Finding.fail(
                self.env._("%s has no SPF record.", domain), key, domain=domain
            )
        elif host and not mail_dns.spf_names(spf, host):
            yield Finding.fail(
                self.env._(
                    "The SPF record of %(domain)s does not name the outgoing "
                    "server %(host)s.",
                    domain=domain,
                    host=host,
                ),
                key,
                domain=domain,
                spf=spf,
                smtp_host=host,
            )
        else:
            yield Finding.pass_(
                self.env._("%s has an SPF record.", domain),
                key,
                domain=domain,
                spf=spf,
                smtp_host=host,
            )
        policy = mail_dns.dmarc_policy(resolver, domain)
        key = f"{domain}:dmarc"
        if policy is None:
            yield Finding.fail(
                self.env._("%s has no DMARC record.", domain), key, domain=domain
            )
        elif policy not in ("quarantine", "reject"):
            yield Finding.warn(
                self.env._(
                    "The DMARC policy of %(domain)s is %(policy)r: monitoring only.",
                    domain=domain,
                    policy=policy or "missing",
                ),
                key,
                domain=domain,
                policy=policy,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "The DMARC policy of %(domain)s is %(policy)s.",
                    domain=domain,
                    policy=policy,
                ),
                key,
                domain=domain,
                policy=policy,
            )
        for selector in selectors:
            key = f"{domain}:dkim:{selector}"
            if mail_dns.dkim_record(resolver, selector, domain):
                yield Finding.pass_(
                    self.env._(
                        "DKIM key found for selector %(selector)s of %(domain)s.",
                        selector=selector,
                        domain=domain,
                    ),
                    key,
                    domain=domain,
                    selector=selector,
                )
            else:
                yield Finding.fail(
                    self.env._(
                        "No DKIM key for selector %(selector)s of %(domain)s.",
                        selector=selector,
                        domain=domain,
                    ),
                    key,
                    domain=domain,
                    selector=selector,
                )
