# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The overview and the trend show the database's score: its latest complete
audit's. A checklist's bound checks keep their own, differently named figure."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import config, safe_eval

from .common import GoliveCase

CATALOGUE = ("config.list_db", "params.attachment_location", "modules.stuck")


@tagged("post_install", "-at_install")
class TestGoliveScoreScope(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["golive.check.run"]
        # a catalogue cut down to three checks, run whole: a complete audit
        for code, check in cls.env["golive.check"]._sync_registry().items():
            check.enabled = code in CATALOGUE
        cls.task_plain.check_codes = "config.list_db"
        cls.other = cls.env["golive.checklist"].create(
            {
                "name": "Second release",
                "date_kickoff": date(2026, 1, 5),
                "date_golive": date(2026, 1, 20),
            }
        )

    def complete_audit(self, list_db):
        with patch.dict(config.options, {"list_db": list_db}):
            run = self.Run._run_checks(trigger="cron", environment="prod")
        self.assertEqual(run.scope, "complete")
        return run

    def test_partial_runs_leave_the_overview_unchanged(self):
        audit = self.complete_audit(list_db=True)
        self.assertLess(audit.score, 100)
        overview = self.env["golive.checklist"].with_user(self.user)
        checklists = overview.browse((self.checklist | self.other).ids)
        fields = ["database_score", "database_audit_id"]
        before = checklists.read(fields)
        self.assertEqual({row["database_score"] for row in before}, {audit.score})

        # a checklist's Run Checks (its bound checks), a one-check run
        with patch.dict(config.options, {"list_db": False}):
            self.checklist.with_user(self.manager).action_run_checks()
        self.Run._run_checks(codes=["modules.stuck"], environment="prod")
        bound = self.checklist.check_run_id
        self.assertEqual(bound.scope, "partial")
        self.assertEqual(self.checklist.bound_check_score, 100.0)

        checklists.invalidate_recordset()
        self.assertEqual(checklists.read(fields), before)
        # the two checklists of one database show one database score
        self.assertEqual(self.other.with_user(self.user).database_score, audit.score)

        # the next complete audit is the score
        passing = self.complete_audit(list_db=False)
        checklists.invalidate_recordset()
        self.assertEqual(checklists.database_audit_id, passing)
        self.assertEqual(checklists.mapped("database_score"), [100.0, 100.0])

    def test_trend_one_point_per_complete_audit_mean_of_a_group(self):
        self.Run.search([]).unlink()
        with freeze_time("2026-12-01 06:00:00"):
            failing = self.complete_audit(list_db=True)
        with freeze_time("2026-12-01 06:10:00"):
            self.Run._run_checks(codes=["modules.stuck"], environment="prod")
        with freeze_time("2026-12-01 18:00:00"):
            passing = self.complete_audit(list_db=False)
        action = self.env.ref("ipai_golive.golive_check_run_action_trend")
        domain = safe_eval.safe_eval(action.domain)
        self.assertEqual(self.Run.search(domain), failing | passing)
        # the graph's groups: one point per audit
        points = self.Run.read_group(
            domain, ["score"], ["name", "environment"], lazy=False
        )
        self.assertEqual(
            sorted(point["score"] for point in points),
            sorted([failing.score, passing.score]),
        )
        # the pivot's total of the two audits: their mean, not their sum
        total = self.Run.read_group(domain, ["score"], [])
        self.assertAlmostEqual(
            total[0]["score"], (failing.score + passing.score) / 2, places=1
        )
