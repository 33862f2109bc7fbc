# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an audit does to a task: the status of its bound checks read from the
findings, and the tracking of the state the audit's single ``UPDATE`` gives
it (see ``golive.checklist._sync_tasks_with_audit``)."""

from collections import defaultdict

from markupsafe import Markup

from odoo import models
from odoo.tools import SQL

from ..tools.policy import FAILING_CHECKS, NOT_RUN
from .golive_task import CHECK_GRAVITY, MAX_CHECK_MESSAGE


class GoliveTask(models.Model):
    # one concern of golive.task per file, as Odoo spreads project.task
    _inherit = "golive.task"  # pylint: disable=consider-merging-classes-inherited

    def _audit_check_values(self, run=None):
        """``{task id: (check status, failing messages)}`` from the last audit
        of each task's checklist (or from ``run``), in one grouped read of the
        findings.

        A finding's status counts as ``pass`` when waived; skipped findings
        leave a binding without a status, as if its check had not run.
        """
        runs = run or self.checklist_id.check_run_id
        worst, messages = {}, defaultdict(list)
        for run, code, key, status, waived, texts in (
            self.env["golive.check.result"]
            .sudo()
            ._read_group(
                [("run_id", "in", runs.ids), ("status", "!=", "skipped")],
                ["run_id", "code", "object_key", "status", "waived"],
                ["message:array_agg"],
            )
        ):
            status = "pass" if waived else status
            # per check, and per (check, object) for object bindings
            for slot in ((run.id, code, None), (run.id, code, key or None)):
                if CHECK_GRAVITY[status] > CHECK_GRAVITY.get(worst.get(slot), 0):
                    worst[slot] = status
                if status in FAILING_CHECKS:
                    label = f"{code} [{key}]" if key else code
                    messages[slot] += [f"{label}: {text}" for text in texts if text]
        values = {}
        for task in self:
            bindings = task._check_bindings()
            run_id = run.id if run else task.checklist_id.check_run_id.id
            statuses = [
                worst.get((run_id, code, key), NOT_RUN) for code, key in bindings
            ]
            failing = [
                line
                for code, key in bindings
                for line in messages.get((run_id, code, key), ())
            ]
            values[task.id] = (
                max(statuses, key=CHECK_GRAVITY.get, default=False),
                "\n".join(dict.fromkeys(failing))[:MAX_CHECK_MESSAGE] or False,
            )
        return values

    def _audit_tracking_sql(self, before, after, recovered):
        """The end of the audit's ``UPDATE`` statement (its common table
        expressions go after ``WITH ...``) that tracks on each task's chatter
        the state the audit gave it, as the ORM's tracking would
        (``State: To Do → Done``), and selects the "Automated checks fail"
        activities of the tasks whose checks pass again, to be closed.

        The audit writes the states in SQL, untracked: the messages and their
        tracking values go in the same statement, so that the audit costs a
        constant number of queries whatever the number of tasks. They are
        system notes as ``mail.thread._message_log_batch`` writes them:
        internal, nobody notified, no reply-to, no signature.

        :param before: ``{task id: state before the audit}``
        :param after: ``{task id: state after the audit}``
        :param recovered: ids of the tasks done again
        :return: ``SQL`` selecting the ids of the activities to close
        """
        return SQL(
            "%s %s",
            self._audit_tracking_ctes(self._audit_state_changes(before, after)),
            self._audit_failing_activities_sql(recovered),
        )

    def _audit_state_changes(self, before, after):
        """The ``VALUES`` of the state changes of these tasks: ``(task id,
        old state label, new state label, message body, Message-Id)``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        bodies = {
            "done": self.env._("Its automated checks pass in the last audit."),
            "todo": self.env._("Its automated checks fail in the last audit."),
        }
        Message = self.env["mail.message"]
        return SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s)",
                task_id,
                labels.get(before[task_id]),
                labels.get(after[task_id]),
                Markup("<p>%s</p>") % bodies[after[task_id]],
                Message._get_message_id({"model": self._name, "res_id": task_id}),
            )
            for task_id in self.ids
        )

    def _audit_tracking_ctes(self, changes):
        """The common table expressions inserting a system note and its
        tracking value per row of ``changes`` (:meth:`_audit_state_changes`)."""
        now = SQL("(now() at time zone 'UTC')")
        return SQL(
            """
            , change(res_id, old_value, new_value, body, message_id) AS (
                VALUES %(changes)s
            ), message AS (
                INSERT INTO mail_message (
                    model, res_id, message_type, subtype_id, author_id,
                    email_from, message_id, body, is_internal,
                    email_add_signature, date,
                    create_uid, create_date, write_uid, write_date
                )
                SELECT %(model)s, change.res_id, 'notification',
                       (SELECT res_id FROM ir_model_data
                         WHERE module = 'mail' AND name = 'mt_note'),
                       partner.id,
                       '"' || partner.name || '" <' || partner.email || '>',
                       change.message_id, change.body, true, false, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM change, res_partner AS partner
                 WHERE partner.id = %(author)s
                RETURNING id, res_id
            ), tracking AS (
                INSERT INTO mail_tracking_value (
                    mail_message_id, field_id, old_value_char, new_value_char,
                    create_uid, create_date, write_uid, write_date
                )
                SELECT message.id,
                       (SELECT id FROM ir_model_fields
                         WHERE model = %(model)s AND name = 'state'),
                       change.old_value, change.new_value,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM message JOIN change USING (res_id)
            )
            """,
            changes=changes,
            model=self._name,
            now=now,
            uid=self.env.uid,
            author=self.env.user.partner_id.id,
        )

    def _audit_failing_activities_sql(self, recovered):
        """``SQL`` selecting the open "Automated checks fail" activities of
        the tasks ``recovered`` (ids), to close once their checks pass."""
        return SQL(
            """
            SELECT activity.id
              FROM mail_activity AS activity
             WHERE activity.res_model = %(model)s
               AND activity.res_id = ANY(%(recovered)s)
               AND activity.active
               AND activity.summary = %(summary)s
               AND activity.activity_type_id = (
                   SELECT res_id FROM ir_model_data
                    WHERE module = 'mail' AND name = 'mail_activity_data_todo')
            """,
            model=self._name,
            recovered=list(recovered),
            summary=self._audit_failing_summary(),
        )

    def _audit_failing_summary(self):
        """Summary of the activity a new failure of a task's checks schedules."""
        return self.env._("Automated checks fail")
