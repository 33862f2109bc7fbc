# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlsplit

from odoo import models
from odoo.tools import SQL, str2bool

from ..models.golive_check_registry import Finding, golive_check
from ..tools import net

ENTERPRISE_PARAMS = (
    "database.expiration_date",
    "database.expiration_reason",
    "database.enterprise_code",
    "database.already_linked_subscription_url",
    "database.already_linked_email",
    "database.already_linked_send_mail_url",
)


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_param(self, key, default=False):
        return self.env["ir.config_parameter"].sudo().get_param(key, default)

    @golive_check(
        "params.base_url",
        title="Base URL is public HTTPS",
        category="params",
        severity="high",
        severity_by_env={"dev": "info", "staging": "medium"},
        remediation="Set the system parameter web.base.url to the public https:// "
        "address users reach (and freeze it).",
        tags=("http",),
    )
    def _check_params_base_url(self, ctx):
        url = self._golive_param("web.base.url") or ""
        parts = urlsplit(url)
        problems = []
        if parts.scheme != "https":
            problems.append(self.env._("it is not https"))
        if net.is_local_host(parts.hostname):
            problems.append(self.env._("it points to a local host"))
        if problems:
            yield Finding.fail(
                self.env._(
                    "web.base.url %(url)r: %(problems)s.",
                    url=url,
                    problems=", ".join(problems),
                ),
                "web.base.url",
                url=url,
            )
        else:
            yield Finding.pass_(
                self.env._("web.base.url is %(url)s.", url=url), "web.base.url", url=url
            )

    @golive_check(
        "params.base_url_freeze",
        title="Base URL frozen",
        category="params",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Set the system parameter web.base.url.freeze to True so that an "
        "administrator's login from another address does not rewrite web.base.url.",
        tags=("http",),
    )
    def _check_params_base_url_freeze(self, ctx):
        value = self._golive_param("web.base.url.freeze")
        if str2bool(value or "0", False):
            yield Finding.pass_(
                self.env._("web.base.url is frozen."), "web.base.url.freeze"
            )
        else:
            yield Finding.fail(
                self.env._(
                    "web.base.url is not frozen: the next administrator login "
                    "rewrites it."
                ),
                "web.base.url.freeze",
                value=value,
            )

    @golive_check(
        "params.attachment_location",
        title="Attachments stored in the filestore",
        category="params",
        severity="medium",
        remediation="Set ir_attachment.location to file (or remove the parameter) "
        "and move the attachments out of the database (force_storage).",
        tags=("storage",),
    )
    def _check_params_attachment_location(self, ctx):
        location = self._golive_param("ir_attachment.location") or "file"
        if location == "file":
            yield Finding.pass_(
                self.env._("Attachments are stored in the filestore."),
                "ir_attachment.location",
                location=location,
            )
        else:
            yield Finding.fail(
                self.env._(
                    "Attachments are stored in %(location)r, not in the filestore.",
                    location=location,
                ),
                "ir_attachment.location",
                location=location,
            )

    @golive_check(
        "params.no_enterprise_params",
        title="No Enterprise subscription parameters",
        category="params",
        severity="medium",
        remediation="Delete the Enterprise expiration/subscription system "
        "parameters left by an Enterprise database or trial.",
        tags=("licensing",),
    )
    def _check_params_no_enterprise_params(self, ctx):
        self.env.cr.execute(
            SQL(
                "SELECT key FROM ir_config_parameter WHERE key = ANY(%s) ORDER BY key",
                list(ENTERPRISE_PARAMS),
            )
        )
        keys = [row[0] for row in self.env.cr.fetchall()]
        for key in keys:
            yield Finding.fail(
                self.env._("Enterprise parameter %(key)s is set.", key=key), key
            )
        if not keys:
            yield Finding.pass_(self.env._("No Enterprise subscription parameter."))

    @golive_check(
        "params.neutralized",
        title="Neutralization matches the environment",
        category="params",
        severity="critical",
        severity_by_env={"dev": "low", "staging": "high"},
        remediation="Production must not be neutralized; a staging or development "
        "copy of production must be (odoo-bin neutralize -d DB).",
    )
    def _check_params_neutralized(self, ctx):
        neutralized = str2bool(
            self._golive_param("database.is_neutralized") or "0", False
        )
        evidence = {"neutralized": neutralized, "environment": ctx.environment}
        if ctx.is_prod and neutralized:
            yield Finding.fail(
                self.env._(
                    "The production database is neutralized: mail and crons "
                    "are disabled."
                ),
                "database.is_neutralized",
                **evidence,
            )
        elif not ctx.is_prod and not neutralized:
            yield Finding.fail(
                self.env._(
                    "This %(environment)s database is not neutralized: it may send "
                    "mail and call external services as production.",
                    environment=ctx.environment,
                ),
                "database.is_neutralized",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Neutralization is as expected in %(environment)s.",
                    environment=ctx.environment,
                ),
                "database.is_neutralized",
                **evidence,
            )
