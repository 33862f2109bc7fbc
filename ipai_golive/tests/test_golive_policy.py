# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
from datetime import date, datetime, timedelta, timezone

from prometheus_client.parser import text_string_to_metric_families

from odoo import fields
from odoo.tests import tagged

from odoo.addons.ipai_golive_checks.tools.metrics import collect_database, exposition

from ..models.golive_task import RED_GATE_DOMAIN
from .common import GoliveCase

TASK_STATES = ("todo", "in_progress", "done", "blocked", "waived", "na")
TASK_STATE_LABELS = ("To Do", "In Progress", "Done", "Blocked", "Waived", "N/A")
# How a task's bound check reads in the last audit: the code it is bound to
# (False: no binding), the status of that code's finding (None: no finding,
# the check did not run) and whether the finding is waived.
CHECKS = {
    "unbound": (False, None, False),
    "pass": ("policy.pass", "pass", False),
    "warn": ("policy.warn", "warn", False),
    "fail": ("policy.fail", "fail", False),
    "error": ("policy.error", "error", False),
    "not_run": ("policy.not_run", None, False),
    "fail_waived": ("policy.fail_waived", "fail", True),
}
SIGNOFFS = ("not_required", "missing", "signed")


def expected_red(is_gate, state, check, signoff):
    """The rule as the issue states it, written apart from the code."""
    if not is_gate or state == "waived":
        return False
    if state != "done":
        return True
    return check in ("fail", "error", "not_run") or signoff == "missing"


@tagged("post_install", "-at_install")
class TestGolivePolicy(GoliveCase):
    """Every combination of gate × task state × check status × sign-off ×
    waived finding, and every surface reading the go-live policy agrees."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only the tasks of the table in this checklist
        (cls.task_plain | cls.gate_ci | cls.gate_backup | cls.task_post).unlink()
        run = cls.env["golive.check.run"].create(
            {"name": "Policy audit", "trigger": "manual", "environment": "prod"}
        )
        check = cls.env["golive.check"].search([], limit=1)
        for code, status, waived in CHECKS.values():
            if code and status:
                cls.env["golive.check.result"].create(
                    {
                        "run_id": run.id,
                        "check_id": check.id,
                        "code": code,
                        "severity": "high",
                        "status": status,
                        "waived": waived,
                        "message": f"{code} says {status}",
                    }
                )
        cls.checklist.check_run_id = run
        cls.cases = {}
        for is_gate, state, check, signoff in itertools.product(
            (True, False), TASK_STATES, CHECKS, SIGNOFFS
        ):
            task = cls._create_task(
                cls.phase_golive,
                f"{'gate' if is_gate else 'task'} {state} {check} {signoff}",
                is_gate=is_gate,
                check_codes=CHECKS[check][0],
                signoff_required=signoff != "not_required",
            )
            vals = {"state": state}
            if state == "waived":
                vals["waive_reason"] = "Accepted risk"
            elif state == "na":
                vals["na_reason"] = "Out of scope"
            if signoff == "signed":
                vals.update(
                    signoff_user_id=cls.manager.id,
                    signoff_date=fields.Datetime.now(),
                )
            task.write(vals)
            cls.cases[task] = expected_red(is_gate, state, check, signoff)
        cls.red = cls.env["golive.task"].union(
            *(task for task, red in cls.cases.items() if red)
        )

    def test_check_status_of_the_table(self):
        """The table really produces each check status it names."""
        for task in self.cases:
            check = task.name.split()[2]
            expected = {"unbound": False, "fail_waived": "pass"}.get(check, check)
            self.assertEqual(task.check_status, expected, task.name)

    def test_task_field_and_search(self):
        found = self.env["golive.task"].search(
            [("checklist_id", "=", self.checklist.id), *RED_GATE_DOMAIN]
        )
        for task, red in self.cases.items():
            with self.subTest(task=task.name):
                self.assertEqual(task.is_red_gate, red)
                self.assertEqual(task.is_green, task.is_gate and not red)
                self.assertEqual(task in found, red)
        self.assertEqual(found, self.red)

    def test_overview_and_phase_bars(self):
        self.assertEqual(self.checklist.gate_red_count, len(self.red))
        self.assertEqual(self.checklist.gate_status, "red")
        self.assertEqual(
            self.checklist.gate_count, len([t for t in self.cases if t.is_gate])
        )
        self.assertIn(
            f'<span class="badge text-bg-danger ms-1">{len(self.red)}</span>',
            self.checklist.phase_readiness,
        )

    def test_readiness_and_refusal(self):
        reasons = self.checklist._golive_readiness()
        gates = [r for r in reasons if r.startswith("Cannot go live while")]
        self.assertEqual(len(gates), 1)
        self.assertIn(f"while {len(self.red)} gate(s)", gates[0])
        for task, red in self.cases.items():
            self.assertEqual(f"] {task.display_name} (" in gates[0], red, task.name)

    def test_refusal_tells_each_gate_with_its_reasons(self):
        """The refusal restates the policy's reasons of each red gate: its
        state, its bound checks when they fail or did not run, a done gate's
        missing sign-off."""
        states = dict(zip(TASK_STATES, TASK_STATE_LABELS, strict=True))
        checks = {"fail": "Fail", "error": "Error", "not_run": "Not Run"}
        (refusal,) = self.checklist._golive_red_gate_reasons()
        for task in self.red:
            _kind, state, check, signoff = task.name.split()
            details = states[state]
            if check in checks:
                details += f", checks {checks[check]}"
            if state == "done" and signoff == "missing":
                details += ", sign-off missing"
            line = f"- [{self.checklist.name}] {task.display_name} ({details})\n"
            self.assertIn(line, refusal + "\n", task.name)

    def test_preflight_summary(self):
        values = self.checklist._golive_preflight_values()
        self.assertEqual(values["red_gates"], self.red)

    def test_prometheus_exposition(self):
        self.env.flush_all()
        text = exposition([collect_database(self.env.cr, self.env.cr.dbname)])
        values = {
            sample.labels["checklist"]: sample.value
            for family in text_string_to_metric_families(text.decode())
            for sample in family.samples
            if sample.name == "golive_checklist_red_gates"
        }
        self.assertEqual(values[self.checklist.name], len(self.red))


@tagged("post_install", "-at_install")
class TestGoliveReadiness(GoliveCase):
    """The go-live refusal gives every reason at once, on write and create."""

    def test_every_gate_done_by_hand_without_audit(self):
        """Gates bound to checks, done by hand, never audited: the app and the
        Prometheus exposition count the same red gates."""
        (self.gate_ci | self.gate_backup).write(
            {"check_codes": "config.list_db", "state": "done"}
        )
        self.assertEqual(self.checklist.gate_red_count, 2)
        self.env.flush_all()
        text = exposition([collect_database(self.env.cr, self.env.cr.dbname)])
        values = {
            (sample.name, sample.labels["checklist"]): sample.value
            for family in text_string_to_metric_families(text.decode())
            for sample in family.samples
            if "checklist" in sample.labels
        }
        name = self.checklist.name
        self.assertEqual(values["golive_checklist_red_gates", name], 2.0)
        # the app's other families, contributed to the engine's exposition
        golive = datetime(2026, 2, 16, tzinfo=timezone.utc).timestamp()
        self.assertEqual(
            values["golive_checklist_golive_timestamp_seconds", name], golive
        )

    def test_old_audit_does_not_hide_red_gates(self):
        run = self.env["golive.check.run"].create(
            {"name": "Old audit", "trigger": "manual", "environment": "prod"}
        )
        run.date_start = fields.Datetime.now() - timedelta(days=30)
        self.checklist.check_run_id = run
        self.gate_ci.check_codes = "config.list_db"
        reasons = self.checklist._golive_readiness()
        self.assertEqual(len(reasons), 3, reasons)
        self.assertIn("hours old", reasons[0])
        self.assertIn("gate(s) are not green", reasons[1])
        self.assertIn("no Go decision", reasons[2])
        self.checklist.with_user(self.manager).action_start()
        self.checklist.with_user(self.manager).action_ready()
        with self.assertUserError("Cannot go live: the last audit") as caught:
            self.checklist.with_user(self.manager).action_go_live()
        for reason in reasons:
            self.assertIn(reason, str(caught.exception))

    def test_audit_of_this_second_is_fresh(self):
        """An audit started in the current second is zero hours old: fresh,
        for the overview as for the go-live guard."""
        run = self.env["golive.check.run"].create(
            {"name": "Fresh audit", "trigger": "manual", "environment": "prod"}
        )
        run.date_start = fields.Datetime.now()
        self.checklist.check_run_id = run
        self.gate_ci.check_codes = "config.list_db"
        self.assertEqual(self.checklist.audit_age_hours, 0)
        self.assertFalse(self.checklist.audit_stale)
        self.assertEqual(self.checklist._golive_audit_reasons(), [])
        run.date_start = fields.Datetime.now() - timedelta(days=2)
        self.assertTrue(self.checklist.audit_stale)
        (reason,) = self.checklist._golive_audit_reasons()
        max_age = self.checklist._audit_max_age_hours()
        self.assertIn(f"is 48 hours old, older than {max_age} hours", reason)

    def test_create_live_checks_the_audit(self):
        """create(state='live') refuses a missing audit as write() does."""
        with self.assertUserError("Cannot go live: Born live has gates bound"):
            self.env["golive.checklist"].create(
                {
                    "name": "Born live",
                    "state": "live",
                    "date_kickoff": date(2026, 1, 5),
                    "date_golive": date(2026, 2, 16),
                    "phase_ids": [
                        fields.Command.create(
                            {
                                "code": "8",
                                "name": "Go-Live",
                                "task_ids": [
                                    fields.Command.create(
                                        {
                                            "name": "Bound gate",
                                            "is_gate": True,
                                            "state": "done",
                                            "check_codes": "config.list_db",
                                        }
                                    )
                                ],
                            }
                        )
                    ],
                }
            )
