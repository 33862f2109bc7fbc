# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One score: the database's score is its latest complete audit's."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from ..tools.metrics import collect_database, exposition
from .common import GoliveCase
from .test_metrics import complete_audit, key, samples


@tagged("post_install", "-at_install")
class TestScoreScope(GoliveCase):
    def test_scope_of_a_selection(self):
        scope = self.Run._selection_scope
        self.assertEqual(scope(None, None, None, None), "complete")
        # audited without the network, as a server may be configured to
        self.assertEqual(scope(None, None, None, ["network"]), "complete")
        for partial in (
            (["config.workers"], None, None, None),
            (None, ["mail"], None, None),
            (None, None, ["security"], None),
            (None, None, None, ["network", "slow"]),
        ):
            self.assertEqual(scope(*partial), "partial", partial)

    def test_runs_say_what_they_are(self):
        run = complete_audit(self.env, ["config.list_db", "http.health"])
        self.assertEqual(run.scope, "complete")
        self.assertTrue(run.network_included)
        offline = self.Run._run_checks(environment="prod", exclude_tags=["network"])
        self.assertEqual(offline.scope, "complete")
        self.assertFalse(offline.network_included)
        self.assertEqual(offline.check_count, 1)
        partial = self.run_checks(["config.list_db"])
        self.assertEqual(partial.scope, "partial")
        self.assertEqual(self.Run._latest_complete(), offline)
        self.assertEqual(offline._golive_report_data()["summary"]["scope"], "complete")
        self.assertEqual(partial._golive_report_data()["summary"]["scope"], "partial")

    def test_partial_run_leaves_the_metrics_score(self):
        """A one-check run (the CLI's --check, a check's own Run) neither
        replaces the score nor hides the other checks' status."""
        codes = ["config.list_db", "modules.stuck", "config.admin_passwd"]
        with patch.dict(config.options, {"list_db": True}):
            audit = complete_audit(self.env, codes)
        self.assertLess(audit.score, 100)
        self.env.flush_all()
        before = collect_database(self.env.cr, self.env.cr.dbname)
        self.assertEqual(before.run_id, audit.id)
        self.assertEqual(set(before.checks), set(codes))

        partial = self.run_checks(["modules.stuck"])
        self.env["golive.check"].search(
            [("code", "=", "config.list_db")]
        ).action_run_now()
        self.assertEqual(partial.score, 100.0)
        self.env.flush_all()
        after = collect_database(self.env.cr, self.env.cr.dbname)
        self.assertEqual(after.run_id, audit.id)
        self.assertEqual(after.score, audit.score)
        self.assertEqual(after.checks, before.checks)
        values = samples(exposition([after]).decode())
        db = self.env.cr.dbname
        self.assertEqual(values[key("golive_score", db=db, env="prod")], audit.score)
        self.assertEqual(
            values[
                key(
                    "golive_check_status",
                    db=db,
                    code="config.list_db",
                    severity="critical",
                )
            ],
            2.0,
        )

    def test_no_complete_audit_no_score(self):
        """Partial runs only: the metrics give no score rather than theirs."""
        self.env.cr.execute("UPDATE golive_check_run SET scope = 'partial'")
        self.run_checks(["modules.stuck"])
        self.env.flush_all()
        snapshot = collect_database(self.env.cr, self.env.cr.dbname)
        self.assertIsNone(snapshot.run_id)
        values = samples(exposition([snapshot]).decode())
        self.assertNotIn(key("golive_score", db=self.env.cr.dbname, env="prod"), values)

    def test_trend_aggregate_is_the_mean(self):
        with patch.dict(config.options, {"list_db": True}):
            failing = complete_audit(self.env, ["config.list_db", "modules.stuck"])
        passing = complete_audit(self.env, ["modules.stuck"])
        self.assertNotEqual(failing.score, passing.score)
        runs = failing | passing
        groups = self.Run.read_group([("id", "in", runs.ids)], ["score"], [])
        self.assertAlmostEqual(
            groups[0]["score"], (failing.score + passing.score) / 2, places=1
        )

    def test_category_lights(self):
        """The EarlyWatch picture of a run: red, yellow, green, grey."""
        with patch.dict(config.options, {"list_db": True, "proxy_mode": False}):
            run = complete_audit(
                self.env, ["config.list_db", "modules.stuck", "http.endpoint"]
            )
        lights = run._category_light_map()
        self.assertEqual(lights["config"], "red")  # list_db: critical fail
        self.assertEqual(lights["modules"], "green")
        self.assertEqual(lights["http"], "grey")  # no endpoint: skipped
        self.assertEqual(lights["mail"], "grey")  # nothing ran
        check = self.env["golive.check"].search([("code", "=", "config.list_db")])
        check.severity_prod = "low"
        with patch.dict(config.options, {"list_db": True}):
            run = complete_audit(self.env, ["config.list_db"])
        self.assertEqual(run._category_light_map()["config"], "yellow")
        self.assertIn('<span class="badge text-bg-warning"', run.category_lights)
