# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The responsible of a task re-runs the checks bound to it, to confirm a fix."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.notification import notification
from ..tools.policy import audit_state


class GoliveTask(models.Model):
    _inherit = "golive.task"  # pylint: disable=consider-merging-classes-inherited

    can_rerun_checks = fields.Boolean(
        compute="_compute_can_rerun_checks",
        help="The current user may re-run the checks bound to this task: its "
        "responsible, or a Go-Live Manager.",
    )

    @api.depends("user_id", "check_codes")
    @api.depends_context("uid")
    def _compute_can_rerun_checks(self):
        manager = self._is_manager()
        for task in self:
            task.can_rerun_checks = bool(task.check_codes) and (
                manager or task.user_id == self.env.user
            )

    def _check_can_rerun(self):
        self.check_access("write")
        if self._is_manager():
            return
        others = self.filtered(lambda t: t.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "Only the task's responsible or a Go-Live Manager can re-run "
                    "its checks: %(tasks)s",
                    tasks=", ".join(others.mapped("name")),
                )
            )

    def action_rerun_checks(self):
        """Run the checks bound to this task now, in its checklist's
        environment, and give the task their verdict (done when they all
        pass, back to To Do when one fails), as the checklist's audit would.

        The findings themselves stay with Go-Live Managers; the responsible
        sees the task's check status, its failing messages and the message
        posted on the task.
        """
        self.ensure_one()
        self._check_can_rerun()
        checklist = self.checklist_id
        run = (
            self.env["golive.check.run"]
            .sudo()
            ._run_checks(
                trigger="manual",
                environment=checklist.environment,
                codes=self._rerun_codes(),
                manifest=checklist.manifest_id.id,
            )
        )
        status, message = self._audit_check_values(run)[self.id]
        self._rerun_apply(status, message)
        labels = dict(self._fields["check_status"]._description_selection(self.env))
        summary = self.env._(
            "Checks re-run by %(user)s: %(status)s (score %(score)s).",
            user=self.env.user.name,
            status=labels.get(status, status),
            score=format(run.score, ".1f"),
        )
        body = Markup("<p>%s</p>") % summary
        if message:
            body += Markup("<pre>%s</pre>") % message
        self.message_post(body=body)
        return notification(
            summary,
            title=self.env._("Checks re-run"),
            kind="success" if status == "pass" else "warning",
        )

    def _rerun_codes(self):
        """The enabled checks bound to this task; refused when there is none."""
        codes = sorted(
            self.env["golive.check"]
            .sudo()
            .search([("code", "in", self._check_code_list()), ("enabled", "=", True)])
            .mapped("code")
        )
        if not codes:
            raise UserError(
                self.env._(
                    "No enabled automated check is bound to %(task)s.", task=self.name
                )
            )
        return codes

    def _rerun_apply(self, status, message):
        """Give the task its checks' verdict the way the audit does
        (:func:`~..tools.policy.audit_state`), and close the "Automated checks
        fail" activity once they pass and the task is done."""
        # a gate turning green or red is a change of a gate (voids a Go)
        before = self._gate_snapshot()
        self.sudo().write({"check_status": status, "check_message": message})
        state = audit_state(self.state, status)
        if state == "done" and self.state != "done":
            self.action_done()
        elif state == "todo" and self.state != "todo":
            self.action_todo()
        self._touch_changed_gates(before)
        if status == "pass" and self.state == "done":
            todo = self.env.ref("mail.mail_activity_data_todo")
            self.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == todo
                and a.summary == self._audit_failing_summary()
            ).action_feedback(feedback=self.env._("The automated checks pass again."))
