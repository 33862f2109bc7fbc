# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mail checks: outgoing server, SMTP probe, failed and stalled mails, alias
domain, test send, and the sending domain's authentication in DNS.

In test mode ``ir.mail_server.connect()`` returns None without connecting, so
the probe and the test send open their own SMTP session (tools/smtp.py) with
the record's host, port, encryption and credentials, always with a timeout.
The DNS records are read by tools/mail_dns.py.
"""

import socket
import sys
from datetime import timedelta

from odoo import fields, models
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import mail_dns, net, smtp
from ..tools.smtp import DEFAULT_SMTP_HOST


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
            targets.append(smtp.config_target(config))
        return targets

    def _golive_smtp_server_target(self, server):
        """The target dict of one ``ir.mail_server`` record."""
        if server.smtp_authentication == "cli":
            return smtp.config_target(config, server.name)
        return smtp.server_target(server)

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
        result = smtp.probe(
            target,
            ctx.network_timeout,
            verify=bool(ctx.params.get("verify_tls", True)),
            ca_file=ctx.params.get("ca_file") or None,
            action=action,
        )
        if result.failed_step:
            return self._golive_smtp_failed(target, result)
        evidence = self._golive_smtp_evidence(
            target, steps=result.steps, duration_ms=result.duration_ms, **result.extra
        )
        if result.tls_verified is not None:
            evidence["tls_verified"] = result.tls_verified
        if result.withheld:
            evidence["withheld"] = result.withheld
        return self._golive_smtp_answered(
            target, result.steps, result.tls_problem or None, evidence
        )

    def _golive_smtp_failed(self, target, result):
        """``(status, message, evidence)`` of a session that failed at a step."""
        evidence = self._golive_smtp_evidence(
            target,
            failed_step=result.failed_step,
            error=result.error,
            steps=result.steps,
            duration_ms=result.duration_ms,
        )
        message = self.env._(
            "%(server)s (%(host)s:%(port)s): %(step)s failed: %(error)s",
            server=target["key"],
            host=target["host"],
            port=target["port"],
            step=result.failed_step,
            error=result.error,
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
            message = self.env._(
                "%(server)s answers; verify_tls is off, so %(what)s not sent "
                "over the unverified connection.",
                server=target["key"],
                what=withheld,
            )
            return "warn", message, evidence
        message = self.env._(
            "%(server)s (%(host)s:%(port)s): %(steps)s.",
            server=target["key"],
            host=target["host"],
            port=target["port"],
            steps=", ".join(steps),
        )
        return "pass", message, evidence

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
        if host and smtp.server_explicit(host, config.rcfile, sys.argv):
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
            yield self._golive_alias_domain_finding(company)

    def _golive_alias_domain_finding(self, company):
        domain = company.alias_domain_id
        if not domain:
            return Finding.fail(
                self.env._(
                    "%s has no alias domain: replies and bounces cannot reach Odoo.",
                    company.name,
                ),
                company.name,
                company_id=company.id,
            )
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
        if missing:
            message = self.env._(
                "%(company)s: alias domain %(domain)s lacks %(missing)s.",
                company=company.name,
                domain=domain.name,
                missing=", ".join(missing),
            )
            return Finding.fail(message, company.name, **evidence)
        if not mail_dns.is_public_mail_domain(domain.name):
            message = self.env._(
                "%(company)s: alias domain %(domain)s is not a public mail domain.",
                company=company.name,
                domain=domain.name,
            )
            return Finding.fail(message, company.name, **evidence)
        message = self.env._(
            "%(company)s: %(domain)s (catchall %(catchall)s, default from %(from)s).",
            company=company.name,
            domain=domain.name,
            catchall=domain.catchall_email,
            **{"from": domain.default_from_email},
        )
        return Finding.pass_(message, company.name, **evidence)

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
        email_from = self._golive_test_send_from(ctx)
        wanted = ctx.params.get("server") or ""
        target = self._golive_test_send_target(email_from, wanted)
        if not target:
            yield Finding.fail(
                self.env._("No outgoing mail server to send through."),
                recipient,
                server=wanted,
            )
            return
        message, envelope_from = smtp.build_test_message(
            email_from,
            recipient,
            self.env._("Go-Live test message from database %s", self.env.cr.dbname),
            self.env._(
                "This message was sent by the Go-Live check mail.test_send of "
                "database %s. No action is needed.",
                self.env.cr.dbname,
            ),
            "mail.test_send",
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
        if status != "fail" and "message" not in evidence.get("withheld", ()):
            text = self.env._(
                "Test message %(msgid)s accepted by %(server)s for %(to)s.",
                msgid=message["Message-Id"],
                server=target["key"],
                to=recipient,
            )
        yield Finding(status, text, recipient, evidence)

    def _golive_test_send_from(self, ctx):
        return (
            ctx.params.get("email_from")
            or self.env.company.alias_domain_id.default_from_email
            or self.env.company.email
            or config.get("email_from")
            or f"golive-check@{socket.gethostname()}"
        )

    def _golive_test_send_target(self, email_from, wanted=""):
        """The target named ``wanted``, else the one Odoo itself would pick
        for this sender (from_filter, notification address, sequence; no
        record means the server options); None when there is none."""
        if wanted:
            targets = [t for t in self._golive_smtp_targets() if t["key"] == wanted]
            return targets[0] if targets else None
        server = self.env["ir.mail_server"]._find_mail_server(email_from)[0]
        if server:
            return self._golive_smtp_server_target(server)
        if config.get("smtp_server"):
            return smtp.config_target(config)
        return None

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
        title="Sending domain authenticated in DNS (SPF, DMARC, DKIM, return path)",
        category="mail",
        severity="high",
        severity_by_env={"dev": "info", "staging": "low"},
        remediation="Publish the records your mail provider gives (Mailgun: "
        "Sending > Domains > DNS records): SPF including the provider, DKIM "
        "under its selector, and a DMARC record at _dmarc.<domain>; keep the "
        "bounce address (return path) on the From domain, authorised by SPF.",
        tags=("network",),
        params={"nameserver": "", "dkim_selectors": ""},
    )
    def _check_mail_domain_auth(self, ctx):
        alias_domains = (
            self.env["mail.alias.domain"].sudo().search([("name", "!=", False)])
        )
        if not alias_domains:
            yield Finding.skip(
                self.env._("No alias domain: no sending domain to look up."),
                "mail.alias.domain",
            )
            return
        server = self.env["ir.mail_server"].sudo().search([], limit=1)
        host = server.smtp_host or config.get("smtp_server") or ""
        from_filter = server.from_filter if server else config.get("from_filter")
        selectors = [
            s.strip()
            for s in (ctx.params["dkim_selectors"] or "").split(",")
            if s.strip()
        ]
        resolver = mail_dns.make_resolver(
            ctx.params["nameserver"] or "", ctx.network_timeout
        )
        for alias_domain in alias_domains:
            domain = alias_domain.name
            try:
                if not mail_dns.exists(resolver, domain):
                    yield self._golive_domain_missing(resolver, domain)
                    continue
                yield self._golive_spf_finding(resolver, domain, host)
                tags = mail_dns.dmarc_tags(resolver, domain)
                yield self._golive_dmarc_finding(domain, tags)
                yield from self._golive_dkim_findings(resolver, domain, selectors)
                return_path = self._golive_return_path(alias_domain, from_filter)
                yield self._golive_bounce_finding(
                    resolver, alias_domain, return_path, host, tags
                )
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

    def _golive_domain_missing(self, resolver, domain):
        message = self.env._(
            "%s does not exist in DNS (NXDOMAIN): no mail from it can be "
            "authenticated.",
            domain,
        )
        nameservers = [str(ns) for ns in resolver.nameservers]
        return Finding.fail(message, domain, domain=domain, nameservers=nameservers)

    def _golive_spf_finding(self, resolver, domain, host):
        spf = mail_dns.spf_record(resolver, domain)
        key = f"{domain}:spf"
        if not spf:
            message = self.env._("%s has no SPF record.", domain)
            return Finding.fail(message, key, domain=domain)
        evidence = {"domain": domain, "spf": spf, "smtp_host": host}
        if host and not mail_dns.spf_names(spf, host):
            message = self.env._(
                "The SPF record of %(domain)s does not name the outgoing "
                "server %(host)s.",
                domain=domain,
                host=host,
            )
            return Finding.fail(message, key, **evidence)
        message = self.env._("%s has an SPF record.", domain)
        return Finding.pass_(message, key, **evidence)

    def _golive_dmarc_finding(self, domain, tags):
        """``tags``: the DMARC record's tags, None without a record."""
        key = f"{domain}:dmarc"
        if tags is None:
            return Finding.fail(
                self.env._("%s has no DMARC record.", domain), key, domain=domain
            )
        policy = tags.get("p", "")
        if policy not in ("quarantine", "reject"):
            message = self.env._(
                "The DMARC policy of %(domain)s is %(policy)r: monitoring only.",
                domain=domain,
                policy=policy or "missing",
            )
            return Finding.warn(message, key, domain=domain, policy=policy)
        message = self.env._(
            "The DMARC policy of %(domain)s is %(policy)s.",
            domain=domain,
            policy=policy,
        )
        return Finding.pass_(message, key, domain=domain, policy=policy)

    def _golive_dkim_findings(self, resolver, domain, selectors):
        for selector in selectors:
            key = f"{domain}:dkim:{selector}"
            evidence = {"domain": domain, "selector": selector}
            if mail_dns.dkim_record(resolver, selector, domain):
                message = self.env._(
                    "DKIM key found for selector %(selector)s of %(domain)s.",
                    **evidence,
                )
                yield Finding.pass_(message, key, **evidence)
            else:
                message = self.env._(
                    "No DKIM key for selector %(selector)s of %(domain)s.",
                    **evidence,
                )
                yield Finding.fail(message, key, **evidence)

    def _golive_return_path(self, alias_domain, from_filter):
        """The envelope sender Odoo uses for the alias domain's mail: its
        bounce address when the server's from_filter accepts it, else the
        From address (``ir.mail_server._prepare_email_message``)."""
        bounce = alias_domain.bounce_email
        if bounce and self.env["ir.mail_server"]._match_from_filter(
            bounce, from_filter
        ):
            return bounce
        return alias_domain.default_from_email or bounce or ""

    def _golive_bounce_finding(self, resolver, alias_domain, return_path, host, tags):
        """The return-path domain aligned with the From domain (DMARC SPF
        alignment, relaxed unless the From domain's record says ``aspf=s``;
        ``tags`` are the alias domain's) and authorised by its own SPF
        record: without both, SPF cannot pass DMARC."""
        domain = alias_domain.name
        from_address = alias_domain.default_from_email or alias_domain.bounce_email
        bounce_domain = return_path.rpartition("@")[2].lower()
        from_domain = from_address.rpartition("@")[2].lower()
        if from_domain != domain.lower():
            tags = mail_dns.dmarc_tags_applying(resolver, from_domain)
        strict = (tags or {}).get("aspf") == "s"
        evidence = {
            "domain": domain,
            "return_path": return_path,
            "return_path_domain": bounce_domain,
            "from_domain": from_domain,
            "organizational_domains": sorted(
                {
                    mail_dns.organizational_domain(d)
                    for d in (bounce_domain, from_domain)
                }
            ),
            "alignment": "strict" if strict else "relaxed",
            "smtp_host": host,
        }
        key = f"{domain}:bounce"
        if not mail_dns.aligned(bounce_domain, from_domain, strict=strict):
            message = self.env._(
                "The return-path domain %(bounce)s is not aligned with the From "
                "domain %(from)s (%(alignment)s DMARC alignment).",
                bounce=bounce_domain,
                alignment=evidence["alignment"],
                **{"from": from_domain},
            )
            return Finding.fail(message, key, **evidence)
        evidence["spf"] = spf = mail_dns.spf_record(resolver, bounce_domain)
        if not spf:
            message = self.env._(
                "The return-path domain %s has no SPF record.", bounce_domain
            )
            return Finding.fail(message, key, **evidence)
        if host and not mail_dns.spf_names(spf, host):
            message = self.env._(
                "The SPF record of the return-path domain %(bounce)s does not "
                "authorise the outgoing server %(host)s.",
                bounce=bounce_domain,
                host=host,
            )
            return Finding.fail(message, key, **evidence)
        message = self.env._(
            "Return path %(address)s aligned with the From domain %(from)s and "
            "authorised by SPF.",
            address=return_path,
            **{"from": from_domain},
        )
        return Finding.pass_(message, key, **evidence)
