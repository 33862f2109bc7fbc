# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import new_test_user, tagged

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestChecksSecurity(GoliveCase):
    def set_params(self, code, **params):
        self.env["golive.check"]._sync_registry()[code].parameters = json.dumps(params)

    def internal_users(self):
        return self.env["res.users"].search([("share", "=", False), ("id", "!=", 1)])

    def test_admin_password(self):
        admin = self.env.ref("base.user_admin")
        admin.password = "admin"
        self.env.flush_all()
        run = self.run_checks(["security.admin_password"])
        result = self.assertFinding(
            run,
            "security.admin_password",
            "fail",
            f"The admin user (login {admin.login}) still has the password 'admin'.",
            "admin",
            user_id=admin.id,
            login=admin.login,
            active=True,
        )
        self.assertIn("slow", result.tags)
        # archived, the admin still fails (and the message says so)
        admin.active = False
        self.env.flush_all()
        self.assertFinding(
            self.run_checks(["security.admin_password"]),
            "security.admin_password",
            "fail",
            f"The admin user (login {admin.login}) still has the password 'admin' "
            "(archived).",
            "admin",
            active=False,
        )
        admin.active = True
        admin.password = "correct horse battery staple"
        self.env.flush_all()
        run = self.run_checks(["security.admin_password"])
        self.assertStatus(run, "security.admin_password", "pass")
        # verify() only: the stored hash is left as it is
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [admin.id])
        before = self.env.cr.fetchone()[0]
        self.run_checks(["security.admin_password"])
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [admin.id])
        self.assertEqual(self.env.cr.fetchone()[0], before)

    def test_settings_users(self):
        admins = self.internal_users().filtered(
            lambda u: u.has_group("base.group_system")
        )
        self.set_params("security.settings_users", max_settings_users=len(admins) + 1)
        run = self.run_checks(["security.settings_users"])
        self.assertStatus(run, "security.settings_users", "pass")
        new_test_user(self.env, login="golive_admin2", groups="base.group_system")
        new_test_user(self.env, login="golive_admin3", groups="base.group_system")
        run = self.run_checks(["security.settings_users"])
        self.assertStatus(run, "security.settings_users", "fail")
        result = self.results(run)
        self.assertEqual(result.evidence["count"], len(admins) + 2)
        self.assertIn("golive_admin3", result.message)

    def test_inactive_users(self):
        run = self.run_checks(["security.inactive_users"])
        self.assertStatus(run, "security.inactive_users", "pass")
        never = new_test_user(self.env, login="golive_never")
        dormant = new_test_user(self.env, login="golive_dormant")
        self.env.flush_all()
        # new users are within the grace period
        run = self.run_checks(["security.inactive_users"])
        self.assertStatus(run, "security.inactive_users", "pass")
        self.env.cr.execute(
            "UPDATE res_users SET create_date = now() - interval '30 days' "
            "WHERE id IN %s",
            [(never.id, dormant.id)],
        )
        self.env.cr.execute(
            "INSERT INTO res_users_log (create_uid, write_uid, create_date, "
            "write_date) VALUES (%s, %s, now() - interval '200 days', now())",
            [dormant.id, dormant.id],
        )
        run = self.run_checks(["security.inactive_users"])
        self.assertStatus(run, "security.inactive_users", "fail", "never_logged_in")
        self.assertStatus(
            run, "security.inactive_users", "fail", "not_logged_in_recently"
        )
        by_key = {r.object_key: r for r in self.results(run)}
        self.assertIn("golive_never", by_key["never_logged_in"].evidence["logins"])
        self.assertEqual(
            by_key["not_logged_in_recently"].evidence["logins"], ["golive_dormant"]
        )
        # a recent login clears it; archived users do not count
        self.env.cr.execute(
            "INSERT INTO res_users_log (create_uid, write_uid, create_date, "
            "write_date) VALUES (%s, %s, now(), now())",
            [dormant.id, dormant.id],
        )
        never.active = False
        self.env.flush_all()
        run = self.run_checks(["security.inactive_users"])
        self.assertStatus(run, "security.inactive_users", "pass")

    def test_company_settings(self):
        company = self.env.company
        company.partner_id.write({"tz": "Europe/Brussels", "lang": "en_US"})
        company.country_id = self.env.ref("base.be")
        self.env["res.company"].search([("id", "!=", company.id)]).write(
            {"active": False}
        )
        run = self.run_checks(["security.company_settings"])
        self.assertStatus(run, "security.company_settings", "pass")
        company.partner_id.tz = False
        company.country_id = False
        run = self.run_checks(["security.company_settings"])
        key = f"res.company,{company.id}"
        self.assertStatus(run, "security.company_settings", "fail", key)
        result = self.results(run)
        self.assertEqual(result.evidence["missing"], ["timezone", "country"])

    def test_user_timezone(self):
        self.internal_users().write({"tz": "Europe/Brussels"})
        run = self.run_checks(["security.user_timezone"])
        self.assertStatus(run, "security.user_timezone", "pass")
        new_test_user(self.env, login="golive_no_tz", tz=False)
        run = self.run_checks(["security.user_timezone"])
        self.assertStatus(run, "security.user_timezone", "fail")
        self.assertEqual(self.results(run).evidence["logins"], ["golive_no_tz"])

    def test_audit_trail_tracking(self):
        run = self.run_checks(["security.audit_trail"])
        self.assertStatus(run, "security.audit_trail", "pass", "tracking")
        result = self.results(run).filtered(lambda r: r.object_key == "tracking")
        self.assertIn("email", result.evidence["tracked"]["res.partner"])
        # res.groups has no tracking and no audit rule
        self.set_params("security.audit_trail", models=["res.partner", "res.groups"])
        run = self.run_checks(["security.audit_trail"])
        self.assertStatus(run, "security.audit_trail", "fail", "tracking")
        result = self.results(run).filtered(lambda r: r.object_key == "tracking")
        self.assertEqual(result.evidence["untracked"], ["res.groups"])

    def test_audit_trail_auditlog(self):
        self.assertIn("auditlog.rule", self.env)
        self.env["auditlog.rule"].search([]).write({"state": "draft"})
        self.set_params("security.audit_trail", models=["res.partner", "res.groups"])
        run = self.run_checks(["security.audit_trail"])
        self.assertStatus(run, "security.audit_trail", "fail", "auditlog")
        # A subscribed rule. The logged operations are left off so that the
        # rule does not patch the registry's classes during the test.
        self.env["auditlog.rule"].create(
            {
                "name": "Groups",
                "model_id": self.env["ir.model"]._get_id("res.groups"),
                "log_create": False,
                "log_write": False,
                "log_unlink": False,
                "log_export_data": False,
                "state": "subscribed",
            }
        )
        run = self.run_checks(["security.audit_trail"])
        self.assertStatus(run, "security.audit_trail", "pass", "auditlog")
        # the rule covers res.groups, which has no tracking
        self.assertStatus(run, "security.audit_trail", "pass", "tracking")

    def test_audit_trail_without_auditlog(self):
        self.env["ir.module.module"].search(
            [("name", "=", "auditlog")]
        ).state = "uninstalled"
        run = self.run_checks(["security.audit_trail"])
        self.assertStatus(run, "security.audit_trail", "skipped", "auditlog")

    def admins(self):
        return self.internal_users().filtered(
            lambda u: u.has_group("base.group_system")
        )

    def test_two_factor(self):
        admins = self.admins()
        self.assertTrue(admins)
        run = self.run_checks(["security.two_factor"])
        self.assertStatus(run, "security.two_factor", "warn", "administrators")
        self.assertIn(admins[0].login, self.results(run).message)
        for user in admins:
            user.sudo().totp_secret = "JBSWY3DPEHPK3PXP"
        run = self.run_checks(["security.two_factor"])
        self.assertStatus(run, "security.two_factor", "pass", "administrators")

    def test_two_factor_not_installed(self):
        self.env["ir.module.module"].search(
            [("name", "=", "auth_totp")]
        ).state = "uninstalled"
        run = self.run_checks(["security.two_factor"])
        self.assertStatus(run, "security.two_factor", "warn", "auth_totp")
        self.assertIn("not installed", self.results(run).message)
