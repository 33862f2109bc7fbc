# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import shutil
import subprocess
from unittest.mock import patch

from prometheus_client.parser import text_string_to_metric_families

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from ..controllers.metrics import TOKEN_OPTION
from ..tools.metrics import (
    FAMILIES,
    DatabaseSnapshot,
    MetricFamilies,
    collect_database,
    exposition,
)
from .common import GoliveCase

TOKEN = "Scrape-Token-Planted-8w1"
SMTP_PASSWORD = "Smtp-Metrics-Planted-2p5"
ADMIN_PASSWD = "Master-Metrics-Planted-6t4"


def key(name, **labels):
    return name, frozenset(labels.items())


def complete_audit(env, codes, **kwargs):
    """A complete audit of a catalogue cut down to ``codes``: every other
    check disabled, the whole enabled catalogue run (no selection)."""
    checks = env["golive.check"]._sync_registry()
    for code, check in checks.items():
        check.enabled = code in codes
    run = env["golive.check.run"]._run_checks(environment="prod", **kwargs)
    if run.scope != "complete":
        raise AssertionError(f"not a complete audit: {run.selection}")
    return run


def samples(body):
    """``{key(name, **labels): value}`` of an exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


@tagged("post_install", "-at_install")
class TestMetricsCollect(GoliveCase):
    def test_snapshot_matches_the_stored_run(self):
        with patch.dict(config.options, {"list_db": True}):
            run = complete_audit(self.env, ["config.list_db", "modules.stuck"])
        self.env.flush_all()
        snap = collect_database(self.env.cr, self.env.cr.dbname)
        self.assertTrue(snap.installed)
        self.assertEqual(snap.run_id, run.id)
        self.assertEqual(snap.score, run.score)
        self.assertEqual(snap.checks["config.list_db"], ("critical", "fail"))
        self.assertEqual(snap.checks["modules.stuck"], ("high", "pass"))
        self.assertEqual(snap.findings[("fail", "critical")], 1)

    def test_waived_findings_are_counted_apart(self):
        with patch.dict(config.options, {"list_db": True}):
            check = self.env["golive.check"].search([("code", "=", "config.list_db")])
            self.env["golive.waiver"].create(
                {"check_id": check.id, "reason": "Accepted on staging"}
            )
            complete_audit(self.env, ["config.list_db"])
        self.env.flush_all()
        snap = collect_database(self.env.cr, self.env.cr.dbname)
        self.assertEqual(snap.waived, 1)
        self.assertEqual(snap.findings, {})
        self.assertEqual(snap.checks["config.list_db"], ("critical", "pass"))

    def test_query_count_is_constant(self):
        """The scrape of a database costs the same whatever its history."""
        complete_audit(self.env, ["config.list_db"])
        cr = self.env.cr
        before = cr.sql_log_count
        collect_database(cr, cr.dbname)
        small = cr.sql_log_count - before
        for _i in range(3):
            # the local catalogue, several times
            complete_audit(self.env, ["config.list_db", "modules.stuck"])
            self.run_checks(None, exclude_tags=["network", "slow"])
        before = cr.sql_log_count
        collect_database(cr, cr.dbname)
        self.assertEqual(cr.sql_log_count - before, small)
        self.assertLessEqual(small, 7)

    def test_exposition_of_a_fleet(self):
        healthy = DatabaseSnapshot(
            db="acme_prod",
            installed=True,
            run_id=7,
            environment="prod",
            score=100.0,
            run_timestamp=1_000.0,
            findings={("pass", "high"): 3},
            checks={"config.list_db": ("critical", "pass")},
            extra={"x_widget_addon": {"red": 2, "blue": 5}},
        )
        failing = DatabaseSnapshot(
            db="beta_prod",
            installed=True,
            run_id=3,
            environment="prod",
            score=40.0,
            run_timestamp=1_500.0,
            findings={("fail", "critical"): 1},
            checks={"config.list_db": ("critical", "fail")},
        )
        bare = DatabaseSnapshot(db="no_addon")

        def expose_widgets(gauge, rows):
            widgets = gauge("x_widgets", "Widgets by colour.", ["db", "colour"])
            for db, counts in rows:
                for colour, count in counts.items():
                    widgets.labels(db, colour).set(count)

        # the families an installed addon registers
        families = MetricFamilies("x_widget_addon", dict, expose_widgets)
        with patch.dict(FAMILIES, {"x_widget_addon": families}):
            text = exposition([healthy, failing, bare], now=2_000.0).decode()
        values = samples(text)
        self.assertEqual(
            values[key("golive_score", db="beta_prod", env="prod")],
            40.0,
        )
        status = key(
            "golive_check_status",
            db="beta_prod",
            code="config.list_db",
            severity="critical",
        )
        self.assertEqual(values[status], 2.0)
        self.assertEqual(
            values[key("golive_last_run_age_seconds", db="acme_prod")],
            1_000.0,
        )
        self.assertEqual(values[key("golive_database_up", db="no_addon")], 0.0)
        widget = {"db": "acme_prod", "colour": "blue"}
        self.assertEqual(values[key("x_widgets", **widget)], 5.0)
        # only the databases where the addon is installed
        self.assertNotIn(key("x_widgets", db="beta_prod", colour="blue"), values)
        self.assertNotIn(key("golive_score", db="no_addon", env=""), values)


@tagged("post_install", "-at_install")
class TestMetricsEndpoint(HttpCase):
    def scrape(self, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.url_open("/golive/metrics", headers=headers, allow_redirects=False)

    def test_off_unless_configured(self):
        with patch.dict(config.options, {TOKEN_OPTION: ""}):
            self.assertEqual(self.scrape(TOKEN).status_code, 404)

    def test_wrong_or_missing_token(self):
        with patch.dict(config.options, {TOKEN_OPTION: TOKEN}):
            response = self.scrape(TOKEN + "x")
            self.assertEqual(response.status_code, 401)
            self.assertIn("Bearer", response.headers["WWW-Authenticate"])
            self.assertEqual(self.scrape().status_code, 401)
            basic = self.url_open(
                "/golive/metrics", headers={"Authorization": f"Basic {TOKEN}"}
            )
            self.assertEqual(basic.status_code, 401)

    def test_scrape_reads_the_stored_run(self):
        self.env["ir.mail_server"].create(
            {
                "name": "Planted SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": 2525,
                "smtp_user": "mailer",
                "smtp_pass": SMTP_PASSWORD,
            }
        )
        with patch.dict(
            config.options, {"admin_passwd": ADMIN_PASSWD, "list_db": True}
        ):
            run = complete_audit(
                self.env, ["config.list_db", "config.admin_passwd", "test.leaky"]
            )
        self.env.flush_all()
        with patch.dict(config.options, {TOKEN_OPTION: TOKEN}):
            response = self.scrape(TOKEN)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        body = response.text
        for secret in (TOKEN, SMTP_PASSWORD, ADMIN_PASSWD):
            self.assertNotIn(secret, body)
        db = self.env.cr.dbname
        values = samples(body)
        self.assertEqual(values[key("golive_database_up", db=db)], 1.0)
        self.assertEqual(values[key("golive_score", db=db, env="prod")], run.score)
        list_db = key(
            "golive_check_status", db=db, code="config.list_db", severity="critical"
        )
        self.assertEqual(values[list_db], 2.0)
        failed = sum(
            value
            for (name, labels), value in values.items()
            if name == "golive_findings" and ("status", "fail") in labels
        )
        self.assertEqual(failed, run.count_fail)
        self.assertGreaterEqual(values[key("golive_last_run_age_seconds", db=db)], 0)
        promtool = shutil.which("promtool")
        if not promtool:
            self.skipTest(
                "Allowed: promtool is not installed (Debian package prometheus); "
                ".ci/run installs it"
            )
        check = subprocess.run(
            [promtool, "check", "metrics"],
            input=body,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
