# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Config hygiene, process owner, capacity and the mail queue (issue 23)."""

import json
import os
import tempfile
from datetime import timedelta
from unittest.mock import patch

import psutil

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import BaseCase
from odoo.tools import config

from ..tools import mail_dns
from ._dns_server import LoopbackDns
from .common import GoliveCase

CONF = """\
[options]
; a comment
db_host = localhost
db_password = {password}
{extra}
[queue_job]
channels = root:2
"""


@tagged("post_install", "-at_install")
class TestChecksHygiene(GoliveCase):
    def write_conf(self, mode=0o600, password="Xk2#9vLq7pWz", extra=""):
        handle, path = tempfile.mkstemp(suffix=".conf")
        with os.fdopen(handle, "w") as conf:
            conf.write(CONF.format(password=password, extra=extra))
        os.chmod(path, mode)
        self.addCleanup(os.unlink, path)
        return path

    def run_with_conf(self, code, path, **options):
        with (
            patch.object(config, "rcfile", path),
            patch.dict(config.options, options),
        ):
            return self.run_checks([code])

    def test_ignored_options(self):
        run = self.run_with_conf("config.ignored_options", self.write_conf())
        self.assertStatus(run, "config.ignored_options", "pass")
        path = self.write_conf(extra="db_filter = ^prod$\ndata-dir = /srv/odoo")
        run = self.run_with_conf("config.ignored_options", path)
        self.assertEqual(
            self.statuses(run, "config.ignored_options"),
            {"db_filter": "fail", "data-dir": "fail"},
        )
        result = self.results(run).filtered(lambda r: r.object_key == "db_filter")
        self.assertIn("line 5", result.message)
        self.assertEqual(result.evidence["line"], 5)
        # the queue_job section's options are not Odoo's options: not judged
        run = self.run_with_conf("config.ignored_options", "/nonexistent/odoo.conf")
        self.assertStatus(run, "config.ignored_options", "skipped")

    def test_absurd_values(self):
        sane = {
            "limit_memory_soft": 2048 * 1024 * 1024,
            "limit_memory_hard": 2560 * 1024 * 1024,
            "limit_time_cpu": 60,
            "limit_time_real": 120,
        }
        path = self.write_conf(extra="workers = 4\nlog_level = warn")
        run = self.run_with_conf("config.absurd_values", path, **sane)
        self.assertStatus(run, "config.absurd_values", "pass")
        path = self.write_conf(extra="workers = 4 ; four\nlog_level = warning")
        huge = 250 * 1024**3
        self.assertGreater(huge, psutil.virtual_memory().total)
        run = self.run_with_conf(
            "config.absurd_values",
            path,
            **dict(sane, limit_memory_hard=huge, limit_time_real=600000000),
        )
        self.assertEqual(
            self.statuses(run, "config.absurd_values"),
            {
                "workers": "fail",
                "log_level": "fail",
                "limit_memory_hard": "fail",
                "limit_time_real": "fail",
            },
        )
        results = self.results(run)
        workers = results.filtered(lambda r: r.object_key == "workers")
        self.assertIn("line 5", workers.message)
        self.assertIn("not a number", workers.message)
        level = results.filtered(lambda r: r.object_key == "log_level")
        self.assertEqual(level.evidence["line"], 6)
        self.assertIn("'warning'", level.message)
        run = self.run_with_conf(
            "config.absurd_values", path, **dict(sane, limit_time_real=0)
        )
        zero = self.results(run).filtered(lambda r: r.object_key == "limit_time_real")
        self.assertEqual(zero.status, "fail")
        self.assertIn("killed at once", zero.message)

    def test_db_tls(self):
        for host in (False, "/var/run/postgresql", "127.0.0.1", "::1", "localhost"):
            with patch.dict(config.options, {"db_host": host, "db_sslmode": "disable"}):
                run = self.run_checks(["config.db_tls"])
            self.assertStatus(run, "config.db_tls", "pass")
        for mode in ("disable", "allow", "prefer"):
            with patch.dict(
                config.options, {"db_host": "db.example.com", "db_sslmode": mode}
            ):
                run = self.run_checks(["config.db_tls"])
            self.assertStatus(run, "config.db_tls", "fail")
            self.assertEqual(self.results(run)[0].severity, "high")
        with patch.dict(
            config.options, {"db_host": "db.example.com", "db_sslmode": "verify-full"}
        ):
            run = self.run_checks(["config.db_tls"])
        self.assertStatus(run, "config.db_tls", "pass")
        with patch.dict(
            config.options, {"db_host": "db.example.com", "db_sslmode": "prefer"}
        ):
            run = self.run_checks(["config.db_tls"], environment="dev")
        self.assertEqual(self.results(run, "config.db_tls")[0].severity, "info")

    def test_dev_settings(self):
        with patch.dict(config.options, {"dev_mode": [], "log_level": "info"}):
            run = self.run_checks(["config.dev_settings"])
        self.assertStatus(run, "config.dev_settings", "pass")
        with patch.dict(
            config.options, {"dev_mode": ["reload", "qweb"], "log_level": "debug_sql"}
        ):
            run = self.run_checks(["config.dev_settings"])
        self.assertStatus(run, "config.dev_settings", "fail")
        self.assertEqual(self.results(run)[0].severity, "high")
        with patch.dict(config.options, {"dev_mode": ["reload"]}):
            run = self.run_checks(["config.dev_settings"], environment="dev")
        self.assertEqual(self.results(run, "config.dev_settings")[0].severity, "info")

    def test_placeholder_secrets(self):
        good = {
            "admin_passwd": "$pbkdf2-sha512$600000$c2FsdHNhbHQ$aGFzaGhhc2g",
            "db_password": "Xk2#9vLq7pWz",
            "smtp_password": False,
        }
        with patch.dict(config.options, good):
            run = self.run_checks(["config.placeholder_secrets"])
        self.assertStatus(run, "config.placeholder_secrets", "pass")
        self.env["ir.mail_server"].create(
            {
                "name": "Mailgun",
                "smtp_host": "smtp.example.com",
                "smtp_pass": "changeme",
            }
        )
        bad = dict(
            good,
            admin_passwd="$pbkdf2-sha512$25000$changeme",
            db_password="CHANGE_ME_STRONG_DB_PASSWORD",
            smtp_password="your_password",
        )
        with patch.dict(config.options, bad):
            run = self.run_checks(["config.placeholder_secrets"])
        results = self.results(run)
        self.assertEqual(set(results.mapped("status")), {"fail"})
        self.assertEqual(len(results), 4)
        self.assertIn("placeholder hash", results[0].message)
        for result in results:  # never the value
            for secret in ("changeme", "CHANGE_ME", "your_password"):
                self.assertNotIn(secret, result.message)
                self.assertNotIn(secret, str(result.evidence))

    def test_file_mode(self):
        path = self.write_conf(mode=0o640)
        run = self.run_with_conf("config.file_mode", path)
        self.assertStatus(run, "config.file_mode", "pass")
        self.assertEqual(self.results(run).evidence["mode"], "0640")
        path = self.write_conf(mode=0o644)
        run = self.run_with_conf("config.file_mode", path)
        self.assertStatus(run, "config.file_mode", "fail")
        self.assertEqual(
            self.results(run).evidence["sensitive_options"], ["db_password"]
        )
        # readable, but no secret in it
        path = self.write_conf(mode=0o644, password="")
        run = self.run_with_conf("config.file_mode", path)
        self.assertStatus(run, "config.file_mode", "pass")

    def test_process_owner(self):
        run = self.run_checks(["process.owner"])
        expected = "fail" if os.geteuid() == 0 else "pass"
        self.assertStatus(run, "process.owner", expected)
        if os.geteuid() != 0:
            return
        # the other side, for real: drop the effective uid to nobody and back
        os.seteuid(65534)
        try:
            run = self.run_checks(["process.owner"])
        finally:
            os.seteuid(0)
        self.assertStatus(run, "process.owner", "pass")
        self.assertEqual(self.results(run).evidence["uid"], 65534)

    def test_capacity(self):
        cpus = psutil.cpu_count()
        memory = psutil.virtual_memory().total
        fitting = {
            "workers": 2 * cpus + 1,
            "max_cron_threads": 1,
            "limit_memory_hard": memory // (2 * cpus + 2) - 1,
        }
        with patch.dict(config.options, fitting):
            run = self.run_checks(["process.capacity"])
        self.assertStatus(run, "process.capacity", "pass")
        oversized = dict(fitting, workers=2 * cpus + 2, limit_memory_hard=memory)
        with patch.dict(config.options, oversized):
            run = self.run_checks(["process.capacity"])
        self.assertEqual(
            self.statuses(run, "process.capacity"),
            {"workers": "fail", "memory": "fail"},
        )
        self.assertEqual(self.results(run)[0].evidence["max_workers"], 2 * cpus + 1)

    def test_mail_queue_stalled(self):
        # this database's own queue is not the subject of the test
        self.env["mail.mail"].search([("state", "=", "outgoing")]).state = "cancel"
        mail = self.env["mail.mail"].create(
            {"subject": "Queued", "email_to": "a@example.com", "body_html": "x"}
        )
        run = self.run_checks(["mail.queue_stalled"])
        self.assertStatus(run, "mail.queue_stalled", "pass")
        old = fields.Datetime.now() - timedelta(hours=3)
        self.env.cr.execute(
            "UPDATE mail_mail SET create_date = %s WHERE id = %s", (old, mail.id)
        )
        self.env.invalidate_all()
        run = self.run_checks(["mail.queue_stalled"])
        self.assertStatus(run, "mail.queue_stalled", "fail")
        self.assertEqual(self.results(run).evidence["count"], 1)
        # scheduled for later: not stalled
        mail.scheduled_date = fields.Datetime.now() + timedelta(hours=1)
        run = self.run_checks(["mail.queue_stalled"])
        self.assertStatus(run, "mail.queue_stalled", "pass")


@tagged("post_install", "-at_install")
class TestChecksMailDomainAuth(GoliveCase):
    CODE = "mail.domain_auth"

    def setUp(self):
        super().setUp()
        self.env["mail.alias.domain"].search([]).unlink()
        self.env["mail.alias.domain"].create({"name": "shop.example.com"})
        self.env["ir.mail_server"].search([]).unlink()
        self.env["ir.mail_server"].create(
            {"name": "Mailgun", "smtp_host": "smtp.mailgun.org"}
        )

    def run_against(self, nameserver, **params):
        self.env["golive.check"]._sync_registry()[self.CODE].parameters = json.dumps(
            dict({"nameserver": nameserver, "dkim_selectors": "mx"}, **params)
        )
        return self.run_checks([self.CODE])

    def test_authenticated(self):
        records = {
            "shop.example.com": ["v=spf1 include:mailgun.org ~all"],
            "_dmarc.shop.example.com": ["v=DMARC1; p=quarantine; rua=mailto:d@x"],
            "mx._domainkey.shop.example.com": ["k=rsa; p=MIGfMA0GCSqGSIb3DQEB"],
        }
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver)
        self.assertEqual(
            self.statuses(run, self.CODE),
            {
                "shop.example.com:spf": "pass",
                "shop.example.com:dmarc": "pass",
                "shop.example.com:dkim:mx": "pass",
                "shop.example.com:bounce": "pass",
            },
        )

    def test_not_authenticated(self):
        records = {
            "shop.example.com": ["v=spf1 include:_spf.google.com -all"],
            "_dmarc.shop.example.com": ["v=DMARC1; p=none"],
        }
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver)
        self.assertEqual(
            self.statuses(run, self.CODE),
            {
                "shop.example.com:spf": "fail",
                "shop.example.com:dmarc": "warn",
                "shop.example.com:dkim:mx": "fail",
                "shop.example.com:bounce": "fail",
            },
        )
        # the domain itself unknown to DNS: one finding, not one per record
        with LoopbackDns({}) as server:
            run = self.run_against(server.nameserver)
        self.assertEqual(self.statuses(run, self.CODE), {"shop.example.com": "fail"})
        self.assertEqual(
            self.results(run, self.CODE).message,
            "shop.example.com does not exist in DNS (NXDOMAIN): no mail from it "
            "can be authenticated.",
        )

    def test_dns_unreachable(self):
        with LoopbackDns({}) as server:
            closed = server.nameserver  # the port is closed after the block
        run = self.run_against(closed, network_timeout=1)
        self.assertStatus(run, self.CODE, "skipped")
        self.assertIn("DNS unreachable", self.results(run).message)

    def bounce(self, run):
        """The return-path finding of the shop domain."""
        return self.results(run, self.CODE).filtered(
            lambda r: r.object_key == "shop.example.com:bounce"
        )

    def test_return_path_aligned_and_authorised(self):
        records = {
            "shop.example.com": ["v=spf1 include:mailgun.org ~all"],
            "_dmarc.shop.example.com": ["v=DMARC1; p=reject"],
        }
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        bounce = self.bounce(run)
        self.assertEqual(bounce.status, "pass", bounce.message)
        self.assertEqual(bounce.evidence["return_path"], "bounce@shop.example.com")
        self.assertEqual(bounce.evidence["from_domain"], "shop.example.com")
        self.assertEqual(bounce.evidence["alignment"], "relaxed")
        # the From on the parent domain: the same organizational domain
        # (example.com), aligned under relaxed alignment ...
        self.env["mail.alias.domain"].search([]).default_from = "erp@example.com"
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        self.assertEqual(self.bounce(run).status, "pass", self.bounce(run).message)
        # ... but not when the From domain's DMARC record asks for strict SPF
        # alignment (the alias domain's own record does not apply to it)
        records["_dmarc.shop.example.com"] = ["v=DMARC1; p=reject; aspf=s"]
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        self.assertEqual(self.bounce(run).status, "pass", self.bounce(run).message)
        records["_dmarc.shop.example.com"] = ["v=DMARC1; p=reject"]
        records["_dmarc.example.com"] = ["v=DMARC1; p=reject; aspf=s"]
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        bounce = self.bounce(run)
        self.assertEqual(bounce.status, "fail")
        self.assertEqual(
            bounce.message,
            "The return-path domain shop.example.com is not aligned with the "
            "From domain example.com (strict DMARC alignment).",
        )
        # a From subdomain without a record of its own: the organizational
        # domain's record applies
        self.env["mail.alias.domain"].search([]).default_from = "erp@news.example.com"
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        self.assertEqual(self.bounce(run).status, "fail", self.bounce(run).message)
        self.assertEqual(self.bounce(run).evidence["alignment"], "strict")

    def test_return_path_not_aligned(self):
        # mail sent as another brand while bounces go to the shop's domain:
        # SPF passes for the bounce domain but cannot pass DMARC for the From
        self.env["mail.alias.domain"].search([]).default_from = "news@brand.co.uk"
        records = {"shop.example.com": ["v=spf1 include:mailgun.org ~all"]}
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        bounce = self.bounce(run)
        self.assertEqual(bounce.status, "fail")
        self.assertEqual(bounce.evidence["return_path_domain"], "shop.example.com")
        self.assertEqual(bounce.evidence["from_domain"], "brand.co.uk")
        self.assertIn("not aligned", bounce.message)

    def test_return_path_follows_from_filter(self):
        # The server only sends as erp@example.com: Odoo then puts the From,
        # not the bounce address, in the envelope, and SPF is checked there.
        self.env["mail.alias.domain"].search([]).default_from = "erp@example.com"
        self.env["ir.mail_server"].search([]).from_filter = "erp@example.com"
        records = {"shop.example.com": ["v=spf1 include:mailgun.org ~all"]}
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        bounce = self.bounce(run)
        self.assertEqual(bounce.status, "fail")
        self.assertEqual(bounce.evidence["return_path"], "erp@example.com")
        self.assertIsNone(bounce.evidence["spf"])
        self.assertEqual(
            bounce.message, "The return-path domain example.com has no SPF record."
        )
        # an SPF record there, but for another provider
        records["example.com"] = ["v=spf1 include:_spf.google.com -all"]
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        self.assertEqual(
            self.bounce(run).message,
            "The SPF record of the return-path domain example.com does not "
            "authorise the outgoing server smtp.mailgun.org.",
        )
        records["example.com"] = ["v=spf1 include:mailgun.org -all"]
        with LoopbackDns(records) as server:
            run = self.run_against(server.nameserver, dkim_selectors="")
        self.assertEqual(self.bounce(run).status, "pass", self.bounce(run).message)

    def test_return_path_dns_unreachable(self):
        # the name server answers for the alias domain but not for the
        # return-path domain: that part is unknown, skipped with the reason
        self.env["mail.alias.domain"].search([]).default_from = "erp@example.com"
        self.env["ir.mail_server"].search([]).from_filter = "erp@example.com"
        records = {
            "shop.example.com": ["v=spf1 include:mailgun.org ~all"],
            "_dmarc.shop.example.com": ["v=DMARC1; p=reject"],
        }
        with LoopbackDns(records, silent=["example.com"]) as server:
            run = self.run_against(
                server.nameserver, dkim_selectors="", network_timeout=1
            )
        self.assertEqual(
            self.statuses(run, self.CODE),
            {
                "shop.example.com:spf": "pass",
                "shop.example.com:dmarc": "pass",
                "shop.example.com": "skipped",
            },
        )
        skipped = self.results(run, self.CODE).filtered(lambda r: r.status == "skipped")
        self.assertIn("DNS unreachable, shop.example.com not verified", skipped.message)


PSL = """\
// ===BEGIN ICANN DOMAINS===
com
uk
co.uk
*.ck
!www.ck
// ===BEGIN PRIVATE DOMAINS===
github.io
"""


@tagged("post_install", "-at_install")
class TestOrganizationalDomain(BaseCase):
    """DMARC's organizational domain, from a Public Suffix List file, and
    from the fallback rule when the host has none."""

    def setUp(self):
        super().setUp()
        handle, self.psl = tempfile.mkstemp(suffix=".dat")
        with os.fdopen(handle, "w") as psl:
            psl.write(PSL)
        self.addCleanup(os.unlink, self.psl)

    def test_public_suffix_list(self):
        for name, expected in (
            ("mail.shop.example.com", "example.com"),
            ("example.com", "example.com"),
            ("Bounce.Brand.co.uk.", "brand.co.uk"),
            ("a.b.kawasaki.ck", "b.kawasaki.ck"),  # *.ck: kawasaki.ck is public
            ("shop.www.ck", "www.ck"),  # !www.ck: www.ck is registrable
            ("eu.shop.github.io", "shop.github.io"),
            ("com", "com"),
        ):
            with self.subTest(name=name):
                self.assertEqual(
                    mail_dns.organizational_domain(name, self.psl), expected
                )

    def test_without_public_suffix_list(self):
        missing = self.psl + ".missing"
        for name, expected in (
            ("mail.shop.example.com", "example.com"),
            ("bounce.brand.co.uk", "brand.co.uk"),
            ("mg.brand.de", "brand.de"),
        ):
            with self.subTest(name=name):
                self.assertEqual(
                    mail_dns.organizational_domain(name, missing), expected
                )

    def test_alignment(self):
        self.assertTrue(mail_dns.aligned("mg.shop.example.com", "example.com"))
        self.assertFalse(
            mail_dns.aligned("mg.shop.example.com", "example.com", strict=True)
        )
        self.assertTrue(mail_dns.aligned("Example.COM.", "example.com", strict=True))
        self.assertFalse(mail_dns.aligned("brand.co.uk", "other.co.uk"))
