# Copyright 2026 IPAI
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks added by inheritance alone: nothing else in this addon."""

import socket
import time

from odoo import models
from odoo.tools import config

from odoo.addons.ipai_golive_checks.models.golive_check_registry import (
    Finding,
    golive_check,
)

PARAM = "test_ipai_golive_checks.flag"
PLANTED_TOKEN = "Planted-Tok-4j8q"


class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    @golive_check(
        "test.flag_param",
        title="Test flag parameter is set",
        category="other",
        severity="high",
        remediation="Set the system parameter test_ipai_golive_checks.flag to ok.",
        tags=("test",),
    )
    def _check_test_flag_param(self, ctx):
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM)
        if value == "ok":
            return [Finding.pass_("The flag is ok.", PARAM)]
        return [
            {"status": "fail", "message": f"The flag is {value!r}.", "object": PARAM}
        ]

    @golive_check(
        "test.process",
        title="A process check (skipped from the CLI)",
        category="process",
        severity="low",
        process=True,
        tags=("test",),
    )
    def _check_test_process(self, ctx):
        yield Finding.pass_("Measured the server process.", "process")

    @golive_check(
        "test.crash",
        title="A check that crashes (isolation)",
        category="other",
        severity="low",
        tags=("test", "crash"),
        enabled=False,
    )
    def _check_test_crash(self, ctx):
        # write something first: the savepoint must undo it
        self.env["ir.config_parameter"].sudo().set_param(PARAM, "written-by-crash")
        raise RuntimeError("boom from test.crash")

    @golive_check(
        "test.sql_timeout",
        title="A check whose SQL runs over its time budget",
        category="other",
        severity="low",
        tags=("test", "crash"),
        timeout=0.2,
        enabled=False,
    )
    def _check_test_sql_timeout(self, ctx):
        self.env.cr.execute("SELECT pg_sleep(2)")
        yield Finding.pass_("unreachable")

    @golive_check(
        "test.leaky",
        title="A check that tries to leak secrets",
        category="other",
        severity="low",
        tags=("test", "secrets"),
        enabled=False,
    )
    def _check_test_leaky(self, ctx):
        """Puts every secret it can find in its message and evidence."""
        self.env.cr.execute(
            "SELECT smtp_user, smtp_pass FROM ir_mail_server ORDER BY id"
        )
        servers = self.env.cr.fetchall()
        self.env.cr.execute(
            "SELECT key, value FROM ir_config_parameter WHERE key LIKE 'test_%'"
        )
        params = dict(self.env.cr.fetchall())
        url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        yield Finding.warn(
            f"admin_passwd={config.get('admin_passwd')} db {config.get('db_password')}"
            f" smtp {servers} url {url} params {params}",
            "leak",
            options={key: config.get(key) for key in ("admin_passwd", "db_password")},
            smtp=[{"user": user, "password": pwd} for user, pwd in servers],
            url=url,
            params=params,
            slept=time.time() > 0,
        )

    @golive_check(
        "test.masked_token",
        title="A check whose message and object carry a token",
        category="other",
        severity="low",
        tags=("test", "secrets"),
        enabled=False,
    )
    def _check_test_masked_token(self, ctx):
        yield Finding.warn(
            f"The upstream refused token={PLANTED_TOKEN}",
            f"https://ops:{PLANTED_TOKEN}@upstream.example.com",
        )

    @golive_check(
        "test.network_probe",
        title="A network check reporting the timeouts it gets",
        category="other",
        severity="low",
        tags=("test", "network"),
        params={"network_timeout": 3},
        enabled=False,
    )
    def _check_test_network_probe(self, ctx):
        yield Finding.pass_(
            "Timeouts measured.",
            "timeouts",
            socket_default=socket.getdefaulttimeout(),
            network_timeout=ctx.network_timeout,
        )

    @golive_check(
        "test.bad_evidence",
        title="A check whose evidence is not JSON",
        category="other",
        severity="low",
        tags=("test", "crash"),
        enabled=False,
    )
    def _check_test_bad_evidence(self, ctx):
        yield Finding.warn("Not a number.", "nan", ratio=float("nan"))
        yield Finding.warn("Tuple key.", "tuple", mapping={(1, 2): "x"})
        yield Finding.pass_("Plain.", "plain", mapping={3: "int keys are fine"})

    @golive_check(
        "test.bad_memory",
        title="A check that remembers something that is not JSON",
        category="other",
        severity="low",
        tags=("test", "crash"),
        enabled=False,
    )
    def _check_test_bad_memory(self, ctx):
        ctx.memory["ratio"] = float("inf")
        yield Finding.pass_("Remembered.", "memory")
