# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checklist's audit: its last run of the bound checks, the tasks
that follow it, and the alerts."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.policy import FAILING_CHECKS, audit_state, is_red_gate
from .golive_task import CHECK_GRAVITY

# Checklists the scheduled self-audit keeps auditing.
AUDITED_STATES = ("in_progress", "ready", "live", "stabilizing")

# A finding in one of these statuses is news when it was not in the previous run.
ALERT_STATUSES = ("warn", "fail", "error")


# Fields of golive.task the audit's UPDATE writes (and write_uid, write_date).
AUDIT_WRITTEN_FIELDS = (
    "check_status",
    "check_message",
    "state",
    "signoff_user_id",
    "signoff_date",
    "signoff_missing",
    "is_red_gate",
)
# Their computed ones, written by the statement with the policy's verdict.
AUDIT_COMPUTED_FIELDS = ("signoff_missing", "is_red_gate")


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    check_run_id = fields.Many2one(
        "golive.check.run",
        string="Last Audit",
        readonly=True,
        copy=False,
        help="Last run of the automated checks bound to this checklist's tasks.",
    )
    # the checklist's own figure: its bound checks, never the database's score
    bound_check_score = fields.Float(
        related="check_run_id.score",
        string="Bound Checks Score",
        help="Score of the checks bound to this checklist's tasks, in its last "
        "audit. The database's score is its latest complete audit's.",
    )
    database_audit_id = fields.Many2one(
        "golive.check.run",
        string="Latest Complete Audit",
        compute="_compute_database_audit",
        help="The latest audit of the whole catalogue: its score is the "
        "database's score, whatever partial runs came after it.",
    )
    database_score = fields.Float(
        digits=(16, 1),
        compute="_compute_database_audit",
    )

    check_run_date = fields.Datetime(
        related="check_run_id.date_start", string="Last Audit On", store=True
    )
    audit_age_hours = fields.Integer(
        string="Audit Age (h)",
        compute="_compute_audit_age_hours",
        help="Hours since the last audit of this checklist started.",
    )
    audit_stale = fields.Boolean(
        compute="_compute_audit_age_hours",
        help="No audit, or one older than the age a go-live accepts.",
    )
    audit_critical_count = fields.Integer(
        string="Critical Findings",
        compute="_compute_audit_critical_count",
        store=True,
        help="Critical findings of the checks bound to this checklist that fail "
        "in its last audit.",
    )

    def _compute_database_audit(self):
        audit = self.env["golive.check.run"]._latest_complete()
        for checklist in self:
            checklist.database_audit_id = audit
            checklist.database_score = audit.sudo().score

    @api.depends("check_run_date")
    def _compute_audit_age_hours(self):
        now = fields.Datetime.now()
        max_age = timedelta(hours=self._audit_max_age_hours())
        for checklist in self:
            if not checklist.check_run_date:
                checklist.audit_age_hours = 0
                checklist.audit_stale = True
                continue
            # an audit of this very second is zero hours old, not missing
            age = now - checklist.check_run_date
            checklist.audit_age_hours = int(age.total_seconds() // 3600)
            checklist.audit_stale = age > max_age

    @api.depends("check_run_id", "task_ids.check_codes")
    def _compute_audit_critical_count(self):
        codes = self._bound_codes_by_checklist()
        critical = defaultdict(set)
        for run, code, key in (
            self.env["golive.check.result"]
            .sudo()
            ._read_group(
                [
                    ("run_id", "in", self.check_run_id.ids),
                    ("status", "in", FAILING_CHECKS),
                    ("severity", "=", "critical"),
                    ("waived", "=", False),
                ],
                ["run_id", "code", "object_key"],
            )
        ):
            critical[run.id].add((code, key or None))
        for checklist in self:
            bound = codes[checklist.id]
            checklist.audit_critical_count = sum(
                1
                for code, key in critical[checklist.check_run_id.id]
                if (code, None) in bound or (code, key) in bound
            )

    def _bound_codes_by_checklist(self):
        """``{checklist id: {(code, object key or None)}}`` in one read."""
        bindings = defaultdict(set)
        tasks = self.env["golive.task"].search_fetch(
            [("checklist_id", "in", self.ids), ("check_codes", "!=", False)],
            ["checklist_id", "check_codes"],
        )
        for task in tasks:
            bindings[task.checklist_id.id].update(task._check_bindings())
        return bindings

    def _post_alert(self, body):
        """Post ``body`` on the chatter, notifying the company's alert recipients."""
        self.ensure_one()
        self.message_post(
            body=body,
            partner_ids=self.company_id.golive_alert_partner_ids.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _alert_gates_red(self):
        for checklist in self:
            checklist._post_alert(
                checklist._render_html(
                    "golive_message_gates_red",
                    checklist=checklist,
                    tasks=checklist.task_ids.filtered("is_red_gate"),
                )
            )

    def _bound_check_codes(self):
        """Codes of the enabled checks bound to the tasks, and the unknown ones."""
        codes = set()
        for task in self.task_ids:
            codes.update(task._check_code_list())
        checks = self.env["golive.check"].sudo().search([("code", "in", list(codes))])
        return (
            sorted(checks.filtered("enabled").mapped("code")),
            sorted(codes - set(checks.mapped("code"))),
        )

    def action_run_checks(self):
        """Run the automated checks bound to the tasks, judged in the
        checklist's environment, and show their status on the tasks."""
        self._check_manager()
        summaries = [checklist._run_bound_checks() for checklist in self]
        failing = any(run.count_fail or run.count_error for run in self.check_run_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Automated checks done"),
                "message": "\n".join(summaries),
                "type": "warning" if failing else "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _run_bound_checks(self):
        """Run the enabled checks bound to this checklist's tasks, make the
        run its audit and post what it found.

        :return: the line of the Run Checks notification (see
            :meth:`_audit_change_summary`)
        """
        self.ensure_one()
        codes, unknown = self._bound_check_codes()
        if not codes:
            raise UserError(
                self.env._(
                    "No task of %(name)s is bound to an enabled automated check.",
                    name=self.name,
                )
            )
        # the run is the checklist's company's, as the checklist is
        run_model = self.env["golive.check.run"].with_company(self.company_id)
        run = run_model._run_checks(
            trigger="manual",
            environment=self.environment,
            codes=codes,
            manifest=self.manifest_id.id,
        )
        done, reopened = self._set_audit(run)
        self._post_run_checks_message(run, done, unknown)
        return self._audit_change_summary(run, done, reopened)

    def _post_run_checks_message(self, run, done, unknown):
        """Post what the audit ``run`` found and changed on the tasks; an
        alert when findings fail."""
        self.ensure_one()
        tasks = self.task_ids
        body = self._render_html(
            "golive_message_run_checks",
            run=run,
            failing=tasks.filtered(lambda t: t.check_status in FAILING_CHECKS),
            done=done,
            held=tasks.filtered(
                lambda t: t.state == "blocked" and t.check_status == "pass"
            ),
            unknown=unknown,
        )
        if run.count_fail or run.count_error:
            self._post_alert(body)
        else:
            self.message_post(body=body)

    def _audit_change_summary(self, run, done, reopened):
        """One line saying what an audit changed on this checklist, for the
        notification of Run Checks: "Score 81.5: 3 tasks done, 2 reopened"."""
        self.ensure_one()
        changes = []
        if done:
            changes.append(self.env._("%(count)s tasks done", count=len(done)))
        if reopened:
            changes.append(self.env._("%(count)s reopened", count=len(reopened)))
        if not changes:
            changes.append(self.env._("no task changed"))
        failing = run.count_fail + run.count_error
        if failing:
            changes.append(self.env._("%(count)s findings failing", count=failing))
        return self.env._(
            "Score %(score)s: %(changes)s.",
            score=format(run.score, ".1f"),
            changes=", ".join(changes),
        )

    def _sync_tasks_with_audit(self):
        """Give every task bound to checks the state of the last audit.

        All its findings pass: done. One fails or errors: back to to-do,
        without its sign-off (a sign-off holds for the done state only).
        Nothing ran, or warnings only: unchanged. Waived and n/a tasks keep
        their state, and so do blocked ones: a person blocked them, a person
        unblocks them (the audit only records their check status); nobody
        signs off here; manual tasks are left alone.

        A constant number of queries whatever the number of tasks: one
        grouped read of the findings and one ``UPDATE ... FROM (VALUES ...)``
        (:meth:`_audit_write`) for the check status, message, state and
        red-gate verdict (of the go-live policy, ``tools.policy.is_red_gate``)
        of every task of the checklists (the ORM would flush them a hundred
        rows at a time). The same statement tracks the state changes on the
        tasks' own chatter (``golive.task._audit_tracking_sql``) and finds the
        "Automated checks fail" activities of the tasks done again, which are
        then closed.

        :return: ``(done, reopened)`` tasks that changed state
        """
        Task = self.env["golive.task"].sudo()
        everyone = Task.search([("checklist_id", "in", self.ids)])
        # the others' check status does not depend on the audit: it is empty
        tasks = everyone.filtered("check_codes")
        rows, before, after = self._audit_task_rows(tasks)
        for name in ("check_status", "check_message"):
            self.env.remove_to_compute(Task._fields[name], everyone)
        moved = [task_id for task_id in tasks.ids if after[task_id] != before[task_id]]
        done = Task.browse([i for i in moved if after[i] == "done"])
        reopened = Task.browse([i for i in moved if after[i] == "todo"])
        done, reopened = done.with_env(self.env), reopened.with_env(self.env)
        changed = done | reopened
        tracking = SQL("SELECT NULL WHERE false")
        if changed:
            tracking = changed._audit_tracking_sql(before, after, done.ids)
        activity_ids = self._audit_write(rows, tracking)
        tasks.invalidate_recordset(
            [*AUDIT_WRITTEN_FIELDS, "write_uid", "write_date"], flush=False
        )
        tasks.modified(AUDIT_WRITTEN_FIELDS)
        for name in AUDIT_COMPUTED_FIELDS:
            self.env.remove_to_compute(Task._fields[name], tasks)
        # the tasks' chatter as cached before the statement is stale
        changed.invalidate_recordset(["message_ids"], flush=False)
        self.env["mail.activity"].sudo().browse(activity_ids).action_feedback(
            feedback=self.env._("The automated checks pass again.")
        )
        return done, reopened

    @api.model
    def _audit_task_rows(self, tasks):
        """The values the last audit gives ``tasks``: the ``VALUES`` rows of
        :meth:`_audit_write`, and ``{task id: state}`` before and after."""
        values = tasks._audit_check_values()
        rows, before, after = [], {}, {}
        for task in tasks:
            status, message = values[task.id]
            before[task.id] = task.state
            state = after[task.id] = audit_state(task.state, status)
            # back to to-do, the sign-off goes (it holds for done only)
            signoff_missing = bool(
                task.signoff_required and (state == "todo" or not task.signoff_user_id)
            )
            # the go-live policy's verdict on the new values, written with them
            red = is_red_gate(task.is_gate, state, status or False, signoff_missing)
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s)",
                    task.id,
                    status or None,
                    message or None,
                    state,
                    signoff_missing,
                    red,
                )
            )
        return rows, before, after

    @api.model
    def _audit_write(self, rows, tracking):
        """Write the audit's ``rows`` (:meth:`_audit_task_rows`) on the tasks
        in one statement ending with ``tracking``
        (``golive.task._audit_tracking_sql``).

        :return: ids of the activities to close
        """
        if not rows:
            return []
        self.env.cr.execute(
            SQL(
                """
                WITH audit(id, check_status, check_message, state,
                           signoff_missing, is_red_gate)
                  AS (VALUES %s),
                updated AS (
                    UPDATE golive_task AS task
                       SET check_status = audit.check_status,
                           check_message = audit.check_message,
                           state = audit.state,
                           signoff_user_id = CASE WHEN audit.state = 'todo'
                               THEN NULL ELSE task.signoff_user_id END,
                           signoff_date = CASE WHEN audit.state = 'todo'
                               THEN NULL ELSE task.signoff_date END,
                           signoff_missing = audit.signoff_missing,
                           is_red_gate = audit.is_red_gate,
                           write_uid = %s,
                           write_date = (now() at time zone 'UTC')
                      FROM audit
                     WHERE task.id = audit.id
                ) %s
                """,
                SQL(", ").join(rows),
                self.env.uid,
                tracking,
            )
        )
        return [row[0] for row in self.env.cr.fetchall() if row[0]]

    def _set_audit(self, run):
        """Make ``run`` the last audit of the checklists and update their tasks.

        :return: ``(done, reopened)`` tasks that changed state
        """
        # an audit may turn gates red or green: that is a change of a gate
        gates = self.task_ids.filtered("is_gate")
        before = gates._gate_snapshot()
        self.sudo().check_run_id = run
        res = self._sync_tasks_with_audit()
        gates._touch_changed_gates(before)
        return res

    # ------------------------------------------------------------------
    # The scheduled self-audit (see golive.check.run._cron_self_audit)
    # ------------------------------------------------------------------
    @api.model
    def _self_audit_plan(self):
        """What the scheduled self-audit runs for the open checklists:
        ``{environment: (checklists, codes)}``, the enabled checks bound to
        the checklists of each environment."""
        plan = {}
        for checklist in self.sudo().search([("state", "in", AUDITED_STATES)]):
            codes, _unknown = checklist._bound_check_codes()
            if codes:
                members, bound = plan.get(checklist.environment, (self.sudo(), set()))
                plan[checklist.environment] = (members | checklist, bound | set(codes))
        return plan

    def _self_audit_apply(self, run):
        """Make ``run`` the checklists' audit: their tasks follow, alerts go
        out on change, stabilizing checklists get their digest."""
        for checklist in self:
            previous = checklist.check_run_id
            checklist._set_audit(run)
            news = checklist._alert_audit_changes(previous, run)
            if checklist.state == "stabilizing":
                checklist._post_digest(run, news)

    def _finding_statuses(self, runs):
        """``{(run id, code, object key or None): status}`` of ``runs``
        restricted to the checks bound to this checklist; waived findings count
        as passing, skipped ones are left out."""
        self.ensure_one()
        bound = self._bound_codes_by_checklist()[self.id]
        codes = {code for code, _key in bound}
        statuses = {}
        for run, code, key, status, waived in (
            self.env["golive.check.result"]
            .sudo()
            ._read_group(
                [
                    ("run_id", "in", runs.ids),
                    ("code", "in", list(codes)),
                    ("status", "!=", "skipped"),
                ],
                ["run_id", "code", "object_key", "status", "waived"],
            )
        ):
            key = key or None
            if (code, None) not in bound and (code, key) not in bound:
                continue
            slot = (run.id, code, key)
            status = "pass" if waived else status
            if CHECK_GRAVITY[status] > CHECK_GRAVITY.get(statuses.get(slot), 0):
                statuses[slot] = status
        return statuses

    def _alert_audit_changes(self, previous, run):
        """Compare ``run`` with ``previous`` per (check, object key) and speak
        on change only: a finding newly warning or failing posts an alert on
        the chatter (one email to the alert recipients) and schedules an
        activity for the responsible of each task it is bound to; a finding
        passing again after warning or failing posts a recovery note. An
        unchanged failure stays silent.

        :return: the new failures, ``[(code, object key, status)]``
        """
        self.ensure_one()
        statuses = self._finding_statuses(previous | run)
        before = {
            (code, key): status
            for (run_id, code, key), status in statuses.items()
            if run_id == previous.id and run_id != run.id
        }
        now = {
            (code, key): status
            for (run_id, code, key), status in statuses.items()
            if run_id == run.id
        }
        news = sorted(
            (code, key, status)
            for (code, key), status in now.items()
            if status in ALERT_STATUSES
            and before.get((code, key)) not in ALERT_STATUSES
        )
        recovered = sorted(
            (code, key)
            for (code, key), status in now.items()
            if status == "pass" and before.get((code, key)) in ALERT_STATUSES
        )
        if news:
            self._alert_new_failures(run, news)
        if recovered:
            self.message_post(
                body=self._render_html(
                    "golive_message_recovered",
                    run=run,
                    findings=[(code, key, "pass") for code, key in recovered],
                ),
                subtype_xmlid="mail.mt_note",
            )
        return news

    def _alert_new_failures(self, run, news):
        self.ensure_one()
        slots = {(code, key) for code, key, _status in news}
        codes = {code for code, _key in slots}
        # searched, not self.task_ids: a cached one2many may hold the new
        # records the ORM made to precompute fields at create
        tasks = (
            self.env["golive.task"]
            .search([("checklist_id", "=", self.id), ("check_codes", "!=", False)])
            .filtered(
                lambda t: any(
                    (code, key) in slots if key else code in codes
                    for code, key in t._check_bindings()
                )
            )
        )
        self._post_alert(
            self._render_html(
                "golive_message_new_failures", run=run, findings=news, tasks=tasks
            )
        )
        for task in tasks:
            task.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=task._audit_failing_summary(),
                note=task.check_message or "",
                user_id=(task.user_id or self.user_id or self.env.user).id,
            )

    def _post_digest(self, run, news):
        """The daily digest of a stabilizing checklist: score, new failures,
        overdue routines."""
        self.ensure_one()
        overdue = self.env["golive.task"].search(
            [
                ("checklist_id", "=", self.id),
                ("is_overdue", "=", True),
                ("frequency", "!=", False),
            ]
        )
        self.message_post(
            body=self._render_html(
                "golive_message_digest",
                checklist=self,
                run=run,
                findings=news,
                overdue=overdue,
            ),
            subtype_xmlid="mail.mt_note",
        )
