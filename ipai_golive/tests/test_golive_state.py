# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveState(GoliveCase):
    def _make_ready(self):
        self.checklist.with_user(self.user).action_start()
        self.checklist.with_user(self.user).action_ready()

    def _green_gates(self):
        """Gates green, then the Go decision (which a later gate change voids)."""
        self.gate_ci.state = "done"
        self.gate_backup.state = "done"
        if self.checklist.state == "ready":
            self._decide_go()

    def test_happy_path(self):
        self._make_ready()
        self._green_gates()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")
        self.assertTrue(self.checklist.date_live)
        self.assertEqual(
            (self.checklist.date_freeze_end - self.checklist.date_live).days,
            self.checklist.freeze_days,
        )
        self.checklist.with_user(self.user).action_stabilize()
        self.assertEqual(self.checklist.state, "stabilizing")
        self.checklist.with_user(self.manager).action_close()
        self.assertEqual(self.checklist.state, "closed")

    def test_state_changes_are_tracked(self):
        checklist = (
            self.env["golive.checklist"]
            .with_context(tracking_disable=False)
            .create({"name": "Tracked", "date_golive": "2030-01-01"})
        )
        self.env.flush_all()
        self.env.cr.precommit.run()  # as at commit: tracking starts afresh
        checklist.with_user(self.user).action_start()
        self.env.flush_all()
        self.env.cr.precommit.run()
        checklist.invalidate_recordset(["message_ids"])
        tracked = checklist.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(tracked.new_value_char, "In Progress")

    def test_guard_refuses_direct_write_naming_red_gates(self):
        """The guard is in the ORM: a plain write cannot bypass it."""
        self._make_ready()
        self.gate_ci.state = "done"
        with self.assertUserError(
            "Cannot go live while 1 gate(s) are not green (done or waived):"
        ) as refusal:
            self.checklist.with_user(self.manager).write({"state": "live"})
        message = str(refusal.exception)
        self.assertIn("Backup taken right before cutover", message)
        self.assertNotIn("CI gates green", message)
        self.assertEqual(self.checklist.state, "ready")

    def test_guard_holds_for_superuser(self):
        self._make_ready()
        with self.assertUserError(
            "Cannot go live while 2 gate(s) are not green (done or waived):"
        ):
            self.checklist.sudo().write({"state": "live"})
        self.assertEqual(self.checklist.state, "ready")

    def test_live_by_write_records_the_date(self):
        self._make_ready()
        self._green_gates()
        self.checklist.with_user(self.manager).write({"state": "live"})
        self.assertTrue(self.checklist.date_live)
        self.assertTrue(self.checklist.date_freeze_end)

    def test_user_cannot_write_manager_states(self):
        """Closing, aborting, resetting and going live are the manager's, even
        through a plain write (RPC, kanban drag)."""
        self._make_ready()
        self._green_gates()
        for target in ("live", "draft", "aborted"):
            with (
                self.subTest(target=target),
                self.assertUserError(
                    "Only a Go-Live Manager can take this checklist there."
                ),
            ):
                self.checklist.with_user(self.user).write(
                    {"state": target, "abort_reason": "x"}
                )
        self.checklist.with_user(self.manager).write({"state": "live"})
        with self.assertUserError(
            "Only a Go-Live Manager can take this checklist there."
        ):
            self.checklist.with_user(self.user).write({"state": "closed"})
        with self.assertUserError("Only a Go-Live Manager can change Went Live On."):
            self.checklist.with_user(self.user).write({"date_live": False})
        self.checklist.with_user(self.user).write({"state": "stabilizing"})
        self.assertEqual(self.checklist.state, "stabilizing")

    def test_user_cannot_create_past_draft(self):
        with self.assertUserError(
            "Only a Go-Live Manager can create a checklist past draft."
        ):
            self.env["golive.checklist"].with_user(self.user).create(
                {"name": "Sneaky", "date_golive": "2030-01-01", "state": "closed"}
            )

    def test_transitions_follow_the_state_machine(self):
        """Even a manager cannot skip states."""
        for target in ("ready", "live", "stabilizing", "closed", "aborted"):
            with (
                self.subTest(target=target),
                self.assertUserError("ACME v1.1.0 cannot move from Draft to "),
            ):
                self.checklist.with_user(self.manager).write(
                    {"state": target, "abort_reason": "x"}
                )
        self.assertEqual(self.checklist.state, "draft")

    def test_checklist_kanban_cards_cannot_be_dragged(self):
        arch = self.env["golive.checklist"].get_views([(False, "kanban")])["views"][
            "kanban"
        ]["arch"]
        self.assertIn('records_draggable="0"', arch)

    def test_guard_on_create(self):
        """A checklist cannot be created live: with a red gate, nor with green
        gates, since no Go decision can exist before the checklist does."""
        vals = {
            "name": "Imported go-live",
            "date_kickoff": "2026-01-05",
            "date_golive": "2026-02-16",
            "state": "live",
            "task_ids": [Command.create({"name": "Red gate", "is_gate": True})],
        }
        with self.assertUserError(
            "Cannot go live while 1 gate(s) are not green (done or waived):"
        ) as refusal:
            self.env["golive.checklist"].create(vals)
        self.assertIn("Red gate", str(refusal.exception))
        vals["task_ids"] = [
            Command.create({"name": "Green gate", "is_gate": True, "state": "done"})
        ]
        with self.assertUserError(
            "Cannot go live:\n- Imported go-live has no Go decision: the approver "
            "records it with Go/No-Go."
        ):
            self.env["golive.checklist"].create(vals)

    def test_gate_not_applicable_stays_red(self):
        self._make_ready()
        self.gate_ci.state = "done"
        self.gate_backup.write({"state": "na", "na_reason": "No database yet"})
        self.assertEqual(self.checklist.gate_status, "red")
        with self.assertUserError(
            "Cannot go live while 1 gate(s) are not green (done or waived):"
        ) as refusal:
            self.checklist.with_user(self.manager).action_go_live()
        self.assertIn("Backup taken right before cutover", str(refusal.exception))

    def test_blocked_gate_is_red(self):
        self._make_ready()
        self._green_gates()
        self.gate_backup.state = "blocked"
        with self.assertUserError(
            "Cannot go live while 1 gate(s) are not green (done or waived):"
        ):
            self.checklist.write({"state": "live"})

    def test_waived_gate_is_green(self):
        self._make_ready()
        self.gate_ci.state = "done"
        self.gate_backup.with_user(self.manager)._waive("Backups are continuous (PITR)")
        self.assertEqual(self.checklist.gate_status, "green")
        self._decide_go()
        self.checklist.with_user(self.manager).action_go_live()
        self.assertEqual(self.checklist.state, "live")

    def test_go_live_needs_manager(self):
        self._make_ready()
        self._green_gates()
        with self.assertUserError(
            "Only a Go-Live Manager can take this checklist there."
        ):
            self.checklist.with_user(self.user).action_go_live()
        self.assertEqual(self.checklist.state, "ready")

    def test_transitions_refused_from_wrong_state(self):
        with self.assertUserError("ACME v1.1.0 cannot move from Draft to Ready."):
            self.checklist.action_ready()
        with self.assertUserError("ACME v1.1.0 cannot move from Draft to Live."):
            self.checklist.action_go_live()
        with self.assertUserError("ACME v1.1.0 cannot move from Draft to Stabilizing."):
            self.checklist.action_stabilize()
        with self.assertUserError("ACME v1.1.0 cannot move from Draft to Closed."):
            self.checklist.action_close()
        with self.assertUserError(
            "ACME v1.1.0 cannot be aborted from its current state."
        ):
            self.checklist.action_abort()
        self.checklist.action_start()
        self.checklist.action_start()  # already there: nothing to do
        self.assertEqual(self.checklist.state, "in_progress")
        with self.assertUserError(
            "ACME v1.1.0 cannot move from In Progress to Stabilizing."
        ):
            self.checklist.write({"state": "stabilizing"})

    def test_abort_needs_reason_and_manager(self):
        self._make_ready()
        with self.assertUserError(
            "Only a Go-Live Manager can take this checklist there."
        ):
            self.checklist.with_user(self.user).action_abort()
        with self.assertUserError("An aborted or rolled-back go-live needs a reason."):
            self.checklist.write({"state": "aborted"})
        action = self.checklist.with_user(self.manager).action_abort()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Cutover rehearsal failed: restore took 4 h"})
        )
        wizard.action_confirm()
        self.assertEqual(self.checklist.state, "aborted")
        self.assertIn("restore took 4 h", self.checklist.abort_reason)
        self.checklist.with_user(self.manager).action_reset_draft()
        self.assertEqual(self.checklist.state, "draft")
        self.assertFalse(self.checklist.abort_reason)

    def test_rollback_after_live(self):
        self._make_ready()
        self._green_gates()
        self.checklist.with_user(self.manager).action_go_live()
        self.checklist.write(
            {"state": "aborted", "abort_reason": "Rolled back to v1.0"}
        )
        self.assertEqual(self.checklist.state, "aborted")

    def test_waive_needs_manager_and_reason(self):
        with self.assertUserError("Only a Go-Live Manager can waive a task."):
            self.gate_ci.with_user(self.user).action_waive()
        with self.assertUserError("Only a Go-Live Manager can waive a task."):
            self.gate_ci.with_user(self.user).write(
                {"state": "waived", "waive_reason": "no time"}
            )
        with self.assertUserError("Waiving a task needs a reason."):
            self.gate_ci.with_user(self.manager)._waive("  ")
        with self.assertUserError("Waiving a task needs a reason."):
            self.gate_ci.with_user(self.manager).write({"state": "waived"})
        self.assertEqual(self.gate_ci.state, "todo")
        action = self.gate_ci.with_user(self.manager).action_waive()
        self.env[action["res_model"]].with_user(self.manager).with_context(
            **action["context"]
        ).create({"reason": "Covered by the staging run"}).action_confirm()
        self.assertEqual(self.gate_ci.state, "waived")
        self.assertEqual(self.gate_ci.waived_by_id, self.manager)

    def test_sign_off_needs_manager_and_green_task(self):
        with self.assertUserError(
            "Only done or waived tasks can be signed off: CI gates green on release tag"
        ):
            self.gate_ci.with_user(self.manager).action_sign_off()
        self.gate_ci.with_user(self.user).action_done()
        with self.assertUserError("Only a Go-Live Manager can sign off a task."):
            self.gate_ci.with_user(self.user).action_sign_off()
        with self.assertUserError("Only a Go-Live Manager can change Signed Off By."):
            self.gate_ci.with_user(self.user).write({"signoff_user_id": self.user.id})
        self.gate_ci.with_user(self.manager).action_sign_off()
        self.assertEqual(self.gate_ci.signoff_user_id, self.manager)
        self.assertTrue(self.gate_ci.signoff_date)
        # Reopening the task voids its sign-off.
        self.gate_ci.with_user(self.user).action_todo()
        self.assertFalse(self.gate_ci.signoff_user_id)
        self.assertFalse(self.gate_ci.signoff_date)

    def test_user_cannot_unmake_a_gate_or_forge_a_sign_off(self):
        gate = self.gate_backup.with_user(self.user)
        for vals in (
            {"is_gate": False},
            {"signoff_date": "2026-01-01 00:00:00"},
            {"waive_reason": "forged"},
            {"waived_by_id": self.manager.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertUserError("Only a Go-Live Manager can change "),
            ):
                gate.write(vals)
        self.assertTrue(self.gate_backup.is_gate)
        self.gate_backup.with_user(self.manager).write({"is_gate": False})
        self.assertFalse(self.gate_backup.is_gate)
        # Users may still create gates: that only makes the go-live stricter.
        new_gate = (
            self.env["golive.task"]
            .with_user(self.user)
            .create(
                {
                    "phase_id": self.phase_golive.id,
                    "name": "Extra gate",
                    "is_gate": True,
                }
            )
        )
        self.assertTrue(new_gate.is_gate)

    def test_tasks_and_phases_stay_in_their_checklist(self):
        """Moving a red gate to another checklist would open the go-live."""
        other = self.env["golive.checklist"].create(
            {"name": "Other", "date_golive": "2030-01-01"}
        )
        other_phase = self.env["golive.phase"].create(
            {"checklist_id": other.id, "name": "Elsewhere"}
        )
        for user in (self.user, self.manager):
            with self.subTest(user=user.login):
                with self.assertUserError(
                    "Task Backup taken right before cutover cannot move to another "
                    "checklist."
                ):
                    self.gate_backup.with_user(user).write({"phase_id": other_phase.id})
                with self.assertUserError(
                    "Task Backup taken right before cutover cannot move to another "
                    "checklist."
                ):
                    self.gate_backup.with_user(user).write({"checklist_id": other.id})
                with self.assertUserError("A phase cannot move to another checklist."):
                    self.phase_golive.with_user(user).write({"checklist_id": other.id})
        self.assertEqual(self.gate_backup.checklist_id, self.checklist)
        self.gate_backup.with_user(self.user).write({"phase_id": self.phase_post.id})
        self.assertEqual(self.gate_backup.phase_id, self.phase_post)

    def test_closed_checklist_is_locked_for_users(self):
        self._make_ready()
        self._green_gates()
        self.checklist.with_user(self.manager).action_go_live()
        self.checklist.with_user(self.manager).action_close()
        for write in (
            lambda: self.task_plain.with_user(self.user).write({"state": "done"}),
            lambda: self.checklist.with_user(self.user).write({"freeze_days": 9}),
            lambda: self.phase_post.with_user(self.user).write({"day_end": 30}),
            lambda: self.env["golive.task"]
            .with_user(self.user)
            .create({"phase_id": self.phase_post.id, "name": "Late"}),
        ):
            with self.assertUserError(
                "ACME v1.1.0 is closed: only a Go-Live Manager can change it."
            ):
                write()
        self.task_plain.with_user(self.manager).write({"notes": "Post-mortem link"})
        self.assertEqual(self.task_plain.notes, "Post-mortem link")

    def test_task_quick_state_buttons(self):
        task = self.task_plain.with_user(self.user)
        for action, state in (
            (task.action_start, "in_progress"),
            (task.action_block, "blocked"),
            (task.action_done, "done"),
            (lambda: task._set_not_applicable("Not in this project"), "na"),
            (task.action_todo, "todo"),
        ):
            action()
            self.assertEqual(task.state, state)
