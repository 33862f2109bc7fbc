# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib
import os
import tempfile
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config
from odoo.tools.config import crypt_context

from .common import GoliveCase

GOOD = {
    "proxy_mode": True,
    "list_db": False,
    "workers": 4,
    "max_cron_threads": 1,
    "limit_memory_soft": 2048 * 1024 * 1024,
    "limit_memory_hard": 2560 * 1024 * 1024,
    "limit_time_cpu": 600,
    "limit_time_real": 700,
    "logfile": "/var/log/odoo/odoo.log",
    "syslog": False,
}


@tagged("post_install", "-at_install")
class TestChecksConfig(GoliveCase):
    def check(self, code, options, status, object_key=None, environment="prod"):
        with patch.dict(config.options, dict(GOOD, **options)):
            run = self.run_checks([code], environment=environment)
        self.assertStatus(run, code, status, object_key)
        return self.results(run)

    def test_proxy_mode(self):
        self.check("config.proxy_mode", {}, "pass")
        self.check("config.proxy_mode", {"proxy_mode": False}, "fail")

    def test_dbfilter(self):
        dbname = self.env.cr.dbname
        self.check("config.dbfilter", {"dbfilter": f"^{dbname}$"}, "pass")
        self.check("config.dbfilter", {"dbfilter": ""}, "fail")
        self.check("config.dbfilter", {"dbfilter": "^other_db$"}, "fail")
        self.check("config.dbfilter", {"dbfilter": "^(unclosed"}, "fail")
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", f"https://{dbname}.example.com"
        )
        result = self.check("config.dbfilter", {"dbfilter": "^%d$"}, "pass")
        self.assertTrue(result.evidence["dynamic"])

    def test_list_db(self):
        self.check("config.list_db", {}, "pass")
        result = self.check("config.list_db", {"list_db": True}, "fail")
        self.assertEqual(result.severity, "critical")

    def test_admin_passwd(self):
        hashed = crypt_context.copy(pbkdf2_sha512__rounds=1000).hash("a long password")
        self.check("config.admin_passwd", {"admin_passwd": hashed}, "pass")
        result = self.check("config.admin_passwd", {"admin_passwd": "admin"}, "fail")
        self.assertEqual(result.evidence, {"default": True, "hashed": False})
        result = self.check("config.admin_passwd", {"admin_passwd": "S3cret!x"}, "fail")
        self.assertEqual(result.evidence, {"default": False, "hashed": False})

    def test_workers(self):
        self.check("config.workers", {}, "pass")
        self.check("config.workers", {"workers": 0}, "fail", "workers")
        self.check(
            "config.workers", {"max_cron_threads": 0}, "fail", "max_cron_threads"
        )

    def test_limits(self):
        self.check("config.limits", {}, "pass")
        self.check("config.limits", {"limit_memory_soft": 0}, "fail", "limit_memory")
        self.check(
            "config.limits",
            {"limit_memory_soft": 3000 * 1024 * 1024},
            "fail",
            "limit_memory",
        )
        self.check("config.limits", {"limit_time_cpu": 900}, "fail", "limit_time")
        result = self.check(
            "config.limits", {"limit_time_real": 720}, "warn", "limit_time"
        )
        self.assertEqual(result[-1].evidence["proxy_timeout"], 720)

    def test_data_dir(self):
        home_tmp = tempfile.mkdtemp(dir=os.path.expanduser("~"))
        try:
            self.check("config.data_dir", {"data_dir": home_tmp}, "pass")
            os.chmod(home_tmp, 0o500)
            with contextlib.ExitStack() as stack:
                if os.access(home_tmp, os.W_OK):
                    # root may write anyway: answer access() by the mode bits,
                    # as for the (non-root) user Odoo should run as
                    real_access = os.access

                    def access_by_mode(path, mode, **kwargs):
                        if path != home_tmp:
                            return real_access(path, mode, **kwargs)
                        bits = os.stat(path).st_mode >> 6
                        return all(
                            not mode & flag or bits & flag
                            for flag in (os.R_OK, os.W_OK, os.X_OK)
                        )

                    stack.enter_context(patch("os.access", access_by_mode))
                result = self.check("config.data_dir", {"data_dir": home_tmp}, "fail")
            self.assertEqual(
                result.message, f"data_dir {home_tmp}: it is not writable."
            )
            self.assertEqual(result.object_key, "data_dir")
            self.assertEqual(result.evidence["data_dir"], home_tmp)
        finally:
            os.chmod(home_tmp, 0o700)
            os.rmdir(home_tmp)
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp_dir:
            self.check("config.data_dir", {"data_dir": tmp_dir}, "fail")
        self.check("config.data_dir", {"data_dir": "/nonexistent/odoo"}, "fail")

    def test_logfile(self):
        self.check("config.logfile", {}, "pass")
        self.check("config.logfile", {"logfile": False, "syslog": True}, "pass")
        self.check("config.logfile", {"logfile": False}, "fail")

    def test_demo_data(self):
        self.env["ir.module.module"].search([("name", "=", "base")]).demo = True
        result = self.check("config.demo_data", {}, "fail")
        self.assertIn("base", result.evidence["modules"])
        self.assertEqual(result.severity, "high")
        self.check("config.demo_data", {}, "fail", environment="dev")
        self.env["ir.module.module"].search([("demo", "=", True)]).write(
            {"demo": False}
        )
        self.check("config.demo_data", {}, "pass")
