# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestChecksCrons(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = cls.env.ref("base.model_res_partner")
        cls.Cron = cls.env["ir.cron"].with_context(active_test=False)
        # a healthy baseline: every job due in the future
        cls.Cron.search([]).write(
            {"nextcall": fields.Datetime.now() + timedelta(hours=1)}
        )
        cls.env["ir.cron.progress"].create(
            {"cron_id": cls.Cron.search([], limit=1).id, "done": 1}
        )

    def _cron(self, name, **values):
        return self.env["ir.cron"].create(
            dict(
                {
                    "name": name,
                    "model_id": self.model.id,
                    "state": "code",
                    "code": "model",
                    "interval_number": 1,
                    "interval_type": "hours",
                },
                **values,
            )
        )

    def test_overdue(self):
        self.assertStatus(self.run_checks(["crons.overdue"]), "crons.overdue", "pass")
        cron = self._cron(
            "Late job", nextcall=fields.Datetime.now() - timedelta(minutes=90)
        )
        run = self.run_checks(["crons.overdue"])
        self.assertStatus(run, "crons.overdue", "fail", f"ir.cron,{cron.id}")
        self.assertGreaterEqual(self.results(run).evidence["minutes_late"], 89)
        # within the tolerance threshold, edited on the check
        check = self.results(run).check_id
        check.parameters = '{"tolerance_minutes": 120}'
        self.assertStatus(self.run_checks(["crons.overdue"]), "crons.overdue", "pass")
        # xml ids are the stable keys when there is one
        with freeze_time(datetime.now() + timedelta(hours=5)):
            run = self.run_checks(["crons.overdue"])
        self.assertEqual(
            self.statuses(run, "crons.overdue").get(
                "ipai_golive_checks.ir_cron_golive_self_audit"
            ),
            "fail",
        )

    def test_failing(self):
        self.assertStatus(self.run_checks(["crons.failing"]), "crons.failing", "pass")
        cron = self._cron(
            "Broken job",
            failure_count=3,
            first_failure_date=fields.Datetime.now() - timedelta(days=1),
        )
        run = self.run_checks(["crons.failing"])
        self.assertStatus(run, "crons.failing", "fail", f"ir.cron,{cron.id}")
        result = self.results(run)
        self.assertEqual(result.evidence["failure_count"], 3)
        self.assertEqual(
            result.evidence["switched_off_after"],
            fields.Datetime.to_string(cron.first_failure_date + timedelta(days=7)),
        )
        self.assertIn("switches it off at its 5th failure", result.message)
        # a first failure within the grace period warns: the next call may pass
        cron.write(
            {
                "failure_count": 1,
                "first_failure_date": fields.Datetime.now() - timedelta(minutes=5),
            }
        )
        run = self.run_checks(["crons.failing"])
        self.assertStatus(run, "crons.failing", "warn", f"ir.cron,{cron.id}")
        check = self.env["golive.check"].search([("code", "=", "crons.failing")])
        check.parameters = '{"grace_hours": 0}'
        run = self.run_checks(["crons.failing"])
        self.assertStatus(run, "crons.failing", "fail", f"ir.cron,{cron.id}")

    def test_deactivated_since_previous_run(self):
        check = self.env["golive.check"].search([("code", "=", "crons.deactivated")])
        check.memory = False
        cron = self._cron("Will be deactivated")
        run = self.run_checks(["crons.deactivated"])
        self.assertStatus(run, "crons.deactivated", "pass")
        self.assertGreaterEqual(check.memory["max_id"], cron.id)
        self.assertStatus(
            self.run_checks(["crons.deactivated"]), "crons.deactivated", "pass"
        )
        # Odoo deactivates a job failing for days and resets its counters
        cron.write({"active": False, "failure_count": 0, "first_failure_date": False})
        key = f"ir.cron,{cron.id}"
        for _i in range(2):  # remembered until reactivated
            run = self.run_checks(["crons.deactivated"])
            self.assertEqual(self.statuses(run, "crons.deactivated"), {key: "fail"})
        cron.active = True
        # a job created inactive after the previous run was never deactivated
        self._cron("Born inactive", active=False)
        self.assertStatus(
            self.run_checks(["crons.deactivated"]), "crons.deactivated", "pass"
        )

    def test_scheduler_alive(self):
        with patch.dict(config.options, {"max_cron_threads": 2}):
            run = self.run_checks(["crons.scheduler_alive"])
        self.assertStatus(run, "crons.scheduler_alive", "pass")
        self.assertEqual(len(self.results(run)), 3)
        with patch.dict(config.options, {"max_cron_threads": 0}):
            run = self.run_checks(["crons.scheduler_alive"])
        self.assertStatus(run, "crons.scheduler_alive", "fail", "max_cron_threads")
        # three days later, nothing ran: the scheduler is stuck
        with (
            freeze_time(datetime.now() + timedelta(days=3)),
            patch.dict(config.options, {"max_cron_threads": 2}),
        ):
            run = self.run_checks(["crons.scheduler_alive"])
        self.assertEqual(
            self.statuses(run, "crons.scheduler_alive"),
            {
                "max_cron_threads": "pass",
                "nextcall": "fail",
                "ir.cron.progress": "fail",
            },
        )

    def test_queue_job_backlog_without_queue_job(self):
        # queue_job (OCA) is not a dependency of these addons: not installed
        self.assertFalse(
            self.env["ir.module.module"].search_count(
                [("name", "=", "queue_job"), ("state", "=", "installed")]
            )
        )
        run = self.run_checks(["crons.queue_job_backlog"])
        self.assertStatus(run, "crons.queue_job_backlog", "skipped")
        self.assertIn("not installed", self.results(run).message)


@tagged("post_install", "-at_install")
class TestChecksCronsQueueJob(GoliveCase):
    """crons.queue_job_backlog on a real ``queue_job`` table.

    OCA's queue_job is not a dependency of these addons and is not installed
    in the test database: installing it (``odoo-addon-queue_job``) would add a
    server-wide module and its job runner to every test run and to CI for a
    check that reads two things only, whether the module is installed
    (``ir_module_module.state``) and the ``state``/``date_created`` columns of
    its ``queue_job`` table. So the test creates that table with OCA's column
    names and types, and the module row as installed, inside the test's
    transaction: DDL is transactional in PostgreSQL, and everything is rolled
    back after each test.
    """

    CODE = "crons.queue_job_backlog"

    def setUp(self):
        super().setUp()
        self.env.cr.execute("SELECT to_regclass('queue_job')")
        self.assertIsNone(self.env.cr.fetchone()[0], "OCA queue_job is installed")
        self.env.cr.execute(
            """
            CREATE TABLE queue_job (
                id serial PRIMARY KEY,
                uuid varchar NOT NULL,
                name varchar,
                channel varchar,
                state varchar NOT NULL,
                priority integer,
                exc_info text,
                date_created timestamp without time zone,
                date_enqueued timestamp without time zone,
                date_done timestamp without time zone,
                eta timestamp without time zone
            )
            """
        )
        Module = self.env["ir.module.module"]
        module = Module.search([("name", "=", "queue_job")]) or Module.create(
            {"name": "queue_job", "shortdesc": "Job Queue"}
        )
        module.state = "installed"

    def enqueue(self, state, minutes_ago):
        """A job created ``minutes_ago`` (UTC, as Odoo stores datetimes)."""
        self.env.cr.execute(
            "INSERT INTO queue_job (uuid, name, channel, state, date_created) "
            "VALUES (gen_random_uuid()::varchar, 'res.partner.write', 'root', %s, "
            "now() at time zone 'UTC' - make_interval(mins => %s))",
            (state, minutes_ago),
        )

    def set_params(self, **params):
        check = self.env["golive.check"]._sync_registry()[self.CODE]
        check.parameters = json.dumps(params)

    def test_backlog(self):
        self.enqueue("pending", 5)
        self.enqueue("enqueued", 180)  # waiting for three hours
        self.enqueue("done", 600)
        self.enqueue("failed", 30)
        run = self.run_checks([self.CODE])
        self.assertEqual(
            self.statuses(run, self.CODE), {"backlog": "fail", "failed": "warn"}
        )
        backlog = self.results(run, self.CODE).filtered(
            lambda r: r.object_key == "backlog"
        )
        self.assertEqual(
            backlog.message,
            "1 of 2 waiting jobs wait for more than 60 minutes.",
        )
        self.assertEqual(backlog.evidence["late"], 1)
        self.assertEqual(backlog.evidence["waiting"], 2)
        self.assertEqual(backlog.evidence["failed"], 1)
        # the threshold is the check's: four hours of patience clear the backlog
        self.set_params(max_wait_minutes=240)
        run = self.run_checks([self.CODE])
        self.assertStatus(run, self.CODE, "pass", "backlog")

    def test_no_backlog(self):
        self.enqueue("pending", 5)
        self.enqueue("started", 90)  # running, not waiting
        self.enqueue("done", 600)
        run = self.run_checks([self.CODE])
        self.assertEqual(self.statuses(run, self.CODE), {"backlog": "pass"})
        self.assertEqual(
            self.results(run, self.CODE).message,
            "1 jobs waiting, none for more than 60 minutes.",
        )
        # the module uninstalled: no queue to look at
        self.env["ir.module.module"].search(
            [("name", "=", "queue_job")]
        ).state = "uninstalled"
        run = self.run_checks([self.CODE])
        self.assertStatus(run, self.CODE, "skipped")
