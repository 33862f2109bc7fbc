# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Users and security: admin password, administrators, dormant users, company
settings, time zones, audit trail, two-factor authentication."""

import functools

from odoo import SUPERUSER_ID, models
from odoo.tools import SQL

from ..models.golive_check_registry import Finding, golive_check
from ..tools import security_probes

AUDIT_MODELS = [
    "res.partner",
    "account.move",
    "account.payment",
    "sale.order",
    "purchase.order",
    "stock.picking",
    "hr.employee",
]


def _installed(env, module):
    env.cr.execute(
        "SELECT 1 FROM ir_module_module WHERE name = %s AND state = 'installed'",
        [module],
    )
    return bool(env.cr.fetchone())


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    _golive_internal_domain = [("share", "=", False), ("id", "!=", SUPERUSER_ID)]

    def _golive_admin_users(self):
        """Active users with Settings rights (groups_id holds implied groups)."""
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    *self._golive_internal_domain,
                    ("groups_id", "in", self.env.ref("base.group_system").id),
                ],
                order="id",
            )
        )

    @golive_check(
        "security.admin_password",
        title="The admin user's password is not 'admin'",
        category="security",
        severity="critical",
        severity_by_env={"dev": "low"},
        remediation="Log in as the administrator and change the password "
        "(Preferences > Account Security), or archive the admin user.",
        tags=("slow",),
        probe="_golive_probe_admin_password",
    )
    def _check_security_admin_password(self, ctx):
        admin, stored, active, probe = self._golive_admin_password()
        if not admin:
            yield Finding.pass_(self.env._("No base.user_admin user."), "admin")
            return
        evidence = {"user_id": admin.id, "login": admin.login, "active": active}
        if not stored:
            yield Finding.pass_(
                self.env._("The admin user has no password (cannot log in with one)."),
                "admin",
                **evidence,
            )
            return
        if ctx.probed(probe):
            yield Finding.fail(
                self.env._(
                    "The admin user (login %(login)s) still has the password "
                    "'admin'%(archived)s.",
                    login=admin.login,
                    archived="" if active else self.env._(" (archived)"),
                ),
                "admin",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._("The admin user's password is not 'admin'."),
                "admin",
                **evidence,
            )

    def _golive_admin_password(self):
        """``(admin, stored hash, active, probe)``: the probe hashes 'admin'
        against the stored hash (pbkdf2: slow, and it releases the GIL)."""
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if not admin:
            return admin, None, False, None
        self.env.cr.execute(
            SQL("SELECT password, active FROM res_users WHERE id = %s", admin.id)
        )
        stored, active = self.env.cr.fetchone()
        if not stored:
            return admin, stored, active, None
        # verify() only: verify_and_update() would rehash and write the hash.
        crypt = self.env["res.users"]._crypt_context()
        return admin, stored, active, functools.partial(crypt.verify, "admin", stored)

    def _golive_probe_admin_password(self, ctx):
        return self._golive_admin_password()[3]

    @golive_check(
        "security.settings_users",
        title="Few users with Settings rights",
        category="security",
        severity="medium",
        remediation="Keep Administration / Settings for the few people who "
        "configure the system; give the others Access Rights or narrower groups.",
        params={"max_settings_users": 3},
    )
    def _check_security_settings_users(self, ctx):
        admins = self._golive_admin_users()
        limit = int(ctx.params["max_settings_users"])
        evidence = {
            "count": len(admins),
            "max_settings_users": limit,
            "logins": admins[:50].mapped("login"),
        }
        if len(admins) > limit:
            yield Finding.fail(
                self.env._(
                    "%(count)s active users have Settings rights (at most %(limit)s "
                    "expected): %(logins)s.",
                    count=len(admins),
                    limit=limit,
                    logins=", ".join(admins[:20].mapped("login")),
                ),
                "group_system",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "%(count)s active users have Settings rights (at most %(limit)s).",
                    count=len(admins),
                    limit=limit,
                ),
                "group_system",
                **evidence,
            )

    @golive_check(
        "security.inactive_users",
        title="No dormant internal users",
        category="security",
        severity="low",
        remediation="Archive the internal users who never logged in or stopped "
        "logging in: dormant accounts are attack surface and cost licences.",
        params={"inactive_days": 90, "grace_days": 14},
    )
    def _check_security_inactive_users(self, ctx):
        inactive_days = int(ctx.params["inactive_days"])
        grace_days = int(ctx.params["grace_days"])
        never, dormant = security_probes.dormant_users(
            self.env.cr, SUPERUSER_ID, grace_days, inactive_days
        )
        if never:
            yield Finding.fail(
                self.env._(
                    "%(count)s active internal users never logged in (created more "
                    "than %(days)s days ago): %(logins)s.",
                    count=len(never),
                    days=grace_days,
                    logins=", ".join(never[:20]),
                ),
                "never_logged_in",
                count=len(never),
                logins=never[:50],
                grace_days=grace_days,
            )
        if dormant:
            yield Finding.fail(
                self.env._(
                    "%(count)s active internal users have not logged in for "
                    "%(days)s days: %(logins)s.",
                    count=len(dormant),
                    days=inactive_days,
                    logins=", ".join(dormant[:20]),
                ),
                "not_logged_in_recently",
                count=len(dormant),
                logins=dormant[:50],
                inactive_days=inactive_days,
            )
        if not never and not dormant:
            yield Finding.pass_(
                self.env._(
                    "Every active internal user logged in within %s days.",
                    inactive_days,
                ),
                "users",
                inactive_days=inactive_days,
                grace_days=grace_days,
            )

    @golive_check(
        "security.company_settings",
        title="Companies have time zone, language, country and currency",
        category="security",
        severity="medium",
        remediation="Complete each company (Settings > Companies): country, "
        "currency, and on its partner the language and time zone; they drive "
        "taxes, formats, reports and scheduled dates.",
        tags=("localization",),
    )
    def _check_security_company_settings(self, ctx):
        companies = (
            self.env["res.company"].sudo().search([("active", "=", True)], order="id")
        )
        for company in companies:
            values = {
                "timezone": company.partner_id.tz,
                "language": company.partner_id.lang,
                "country": company.country_id.code,
                "currency": company.currency_id.name,
            }
            missing = [name for name, value in values.items() if not value]
            evidence = dict(values, company=company.name, missing=missing)
            key = f"res.company,{company.id}"
            if missing:
                yield Finding.fail(
                    self.env._(
                        "Company %(company)s has no %(missing)s.",
                        company=company.name,
                        missing=", ".join(missing),
                    ),
                    key,
                    **evidence,
                )
            else:
                yield Finding.pass_(
                    self.env._(
                        "Company %(company)s: %(tz)s, %(lang)s, %(country)s, "
                        "%(currency)s.",
                        company=company.name,
                        tz=values["timezone"],
                        lang=values["language"],
                        country=values["country"],
                        currency=values["currency"],
                    ),
                    key,
                    **evidence,
                )

    @golive_check(
        "security.user_timezone",
        title="Internal users have a time zone",
        category="security",
        severity="low",
        remediation="Set the time zone of each internal user (Preferences): "
        "without it dates in reports, mails and scheduled actions are in UTC.",
        tags=("localization",),
    )
    def _check_security_user_timezone(self, ctx):
        Users = self.env["res.users"].sudo()
        domain = [*self._golive_internal_domain, ("tz", "in", (False, ""))]
        count = Users.search_count(domain)
        if count:
            logins = Users.search(domain, order="id", limit=50).mapped("login")
            yield Finding.fail(
                self.env._(
                    "%(count)s of %(total)s internal users have no time zone: "
                    "%(logins)s.",
                    count=count,
                    total=Users.search_count(self._golive_internal_domain),
                    logins=", ".join(logins[:20]),
                ),
                "tz",
                count=count,
                logins=logins,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "All %(total)s internal users have a time zone.",
                    total=Users.search_count(self._golive_internal_domain),
                ),
                "tz",
                count=0,
            )

    def _golive_audit_trail_models(self, models):
        """The key models ``security.audit_trail`` inspects.

        Extension point: ``models`` is the check's ``models`` threshold; an
        addon adds its own key models by overriding this method
        (``super()`` plus its models).
        """
        return list(models)

    @golive_check(
        "security.audit_trail",
        title="Audit trail on key models",
        category="security",
        severity="medium",
        remediation="Keep field tracking (chatter) on the key business models; "
        "where OCA auditlog is installed, subscribe rules for the sensitive "
        "models (users, groups, partners, accounting).",
        params={"models": AUDIT_MODELS},
    )
    def _check_security_audit_trail(self, ctx):
        key_models = list(
            dict.fromkeys(self._golive_audit_trail_models(ctx.params["models"]))
        )
        audited = set()
        has_auditlog = _installed(self.env, "auditlog") and (
            "auditlog.rule" in self.env
        )
        rules = self.env["auditlog.rule"].sudo() if has_auditlog else None
        if has_auditlog:
            rules = rules.search([("state", "=", "subscribed")])
            audited = set(rules.mapped("model_id.model"))
        tracked, untracked = self._golive_tracked_models(key_models, audited)
        evidence = {
            "tracked": tracked,
            "untracked": untracked,
            "auditlog_models": sorted(audited),
        }
        if untracked:
            yield Finding.fail(
                self.env._(
                    "No field tracking nor audit rule on: %s.", ", ".join(untracked)
                ),
                "tracking",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Changes are tracked on %s key models.",
                    len(tracked) + len(set(key_models) & audited),
                ),
                "tracking",
                **evidence,
            )
        yield self._golive_auditlog_finding(has_auditlog, rules, audited)

    def _golive_tracked_models(self, key_models, audited):
        """``({model: tracked fields}, [untracked models])`` of the installed
        ``key_models``; a model with an auditlog rule (``audited``) is not
        untracked."""
        tracked, untracked = {}, []
        for model_name in key_models:
            if model_name not in self.env:
                continue
            model = self.env[model_name]
            fields = (
                sorted(model._track_get_fields())
                if hasattr(model, "_track_get_fields")
                else []
            )
            if fields:
                tracked[model_name] = fields[:30]
            elif model_name not in audited:
                untracked.append(model_name)
        return tracked, untracked

    def _golive_auditlog_finding(self, has_auditlog, rules, audited):
        """The finding of OCA auditlog: installed or not, rules subscribed."""
        if not has_auditlog:
            return Finding.skip(
                self.env._("OCA auditlog is not installed: chatter tracking only."),
                "auditlog",
            )
        if not rules:
            return Finding.fail(
                self.env._(
                    "OCA auditlog is installed but no rule is subscribed: "
                    "nothing is logged."
                ),
                "auditlog",
                subscribed_rules=0,
            )
        return Finding.pass_(
            self.env._(
                "%(count)s auditlog rules subscribed (%(models)s).",
                count=len(rules),
                models=", ".join(sorted(audited)),
            ),
            "auditlog",
            subscribed_rules=len(rules),
            models=sorted(audited),
        )

    @golive_check(
        "security.two_factor",
        title="Two-factor authentication for administrators",
        category="security",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Install auth_totp (Settings > Permissions > Two-factor "
        "Authentication) and have every administrator enable it (Preferences > "
        "Account Security).",
    )
    def _check_security_two_factor(self, ctx):
        if not _installed(self.env, "auth_totp") or "totp_enabled" not in (
            self.env["res.users"]._fields
        ):
            yield Finding.warn(
                self.env._("Two-factor authentication (auth_totp) is not installed."),
                "auth_totp",
                installed=False,
            )
            return
        admins = self._golive_admin_users()
        without = admins.filtered(lambda u: not u.totp_enabled)
        if without:
            yield Finding.warn(
                self.env._(
                    "%(count)s of %(total)s administrators have no two-factor "
                    "authentication: %(logins)s.",
                    count=len(without),
                    total=len(admins),
                    logins=", ".join(without[:20].mapped("login")),
                ),
                "administrators",
                installed=True,
                without_2fa=without[:50].mapped("login"),
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "All %s administrators use two-factor authentication.",
                    len(admins),
                ),
                "administrators",
                installed=True,
            )
