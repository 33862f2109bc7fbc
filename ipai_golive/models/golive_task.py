# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP, STATUSES

from ..tools.notification import notification
from ..tools.policy import (
    GREEN_STATES,
    NOT_RUN,
    is_red_gate,
)

TASK_STATES = [
    ("todo", "To Do"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("blocked", "Blocked"),
    ("waived", "Waived"),
    ("na", "N/A"),
]
OPEN_STATES = ("todo", "in_progress", "blocked")
# Counted as progress; n/a tasks leave the denominator instead.
CLOSED_STATES = ("done", "waived")
# When a gate is red: tools/policy.py, the one statement of the rule.
CHECK_STATUSES = [*STATUSES, (NOT_RUN, "Not Run")]
# Worst first when a task has several bindings: a failure says more than an
# absence, an absence more than a warning.
CHECK_GRAVITY = {"pass": 1, "warn": 2, NOT_RUN: 3, "fail": 4, "error": 5}
# The search of the red gates: the stored verdict of the policy.
RED_GATE_DOMAIN = [("is_red_gate", "=", True)]
# Longest failing message kept on a task.
MAX_CHECK_MESSAGE = 2000


VERIFICATION_MODES = [
    ("manual", "Manual"),
    ("automated", "Automated Check"),
    ("evidence", "Evidence"),
]
# Writing these may change whether a gate is green.
GATE_FIELDS = (
    "state",
    "is_gate",
    "signoff_user_id",
    "signoff_required",
    "check_codes",
)
SIGNOFF_FIELDS = ("signoff_user_id", "signoff_date", "waive_reason", "waived_by_id")
# Fields only Go-Live Managers may change on an existing task.
MANAGER_FIELDS = ("is_gate", "signoff_required", "check_codes", *SIGNOFF_FIELDS)


class GoliveTask(models.Model):
    _name = "golive.task"
    _description = "Go-Live Task"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "checklist_id, phase_sequence, sequence, id"

    name = fields.Char(string="Task", required=True, tracking=True)
    checklist_id = fields.Many2one(
        "golive.checklist",
        compute="_compute_checklist_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="checklist_id.company_id", store=True)
    checklist_state = fields.Selection(
        related="checklist_id.state", string="Checklist State"
    )
    phase_id = fields.Many2one(
        "golive.phase",
        domain="[('checklist_id', '=', checklist_id)]",
        index=True,
        tracking=True,
    )
    phase_sequence = fields.Integer(
        related="phase_id.sequence", string="Phase Sequence", store=True
    )
    sequence = fields.Integer(default=10)
    section = fields.Char(help="Section of the checklist, e.g. 2.3.")
    section_title = fields.Char()
    state = fields.Selection(
        TASK_STATES,
        default="todo",
        required=True,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    is_gate = fields.Boolean(
        string="Gate",
        tracking=True,
        help="A gate must be green before the checklist can go live: done or "
        "waived, and when done, with its bound checks passing in the last audit "
        "and the sign-off it asks for given.",
    )
    is_green = fields.Boolean(compute="_compute_is_green")
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True)
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="End of the phase window; moves with the kickoff and go-live dates "
        "while the task is open.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    # How it is verified, with the columns of the source checklist.
    verification = fields.Text(help="How the task is verified: command or proof.")
    verification_mode = fields.Selection(
        VERIFICATION_MODES,
        default="manual",
        required=True,
    )
    check_codes = fields.Char(
        tracking=True,
        help="Comma-separated codes of the automated checks verifying this task.",
    )
    check_status = fields.Selection(
        CHECK_STATUSES,
        string="Checks",
        compute="_compute_check_status",
        store=True,
        help="Worst status of the bound checks in the checklist's last audit "
        "(a waived finding counts as passing); Not Run when the audit has no "
        "finding for one of them.",
    )
    check_message = fields.Text(
        string="Failing Checks",
        compute="_compute_check_status",
        store=True,
        help="Messages of the bound findings that fail in the checklist's last audit.",
    )
    check_run_id = fields.Many2one(
        related="checklist_id.check_run_id", string="Audit", readonly=True
    )
    check_result_ids = fields.Many2many(
        "golive.check.result",
        string="Audit Findings",
        compute="_compute_check_result_ids",
        groups=MANAGER_GROUP,
        help="The findings of the checklist's last audit this task is bound to: "
        "the evidence of its automated state.",
    )
    runbook = fields.Char()
    target = fields.Char()
    mitigation = fields.Char()
    frequency = fields.Char()
    notes = fields.Text()
    # Evidence
    evidence_note = fields.Html()
    evidence_url = fields.Char(string="Evidence URL")
    evidence_attachment_ids = fields.Many2many(
        "ir.attachment", string="Evidence Files", copy=False
    )
    na_reason = fields.Text(
        string="Why N/A",
        copy=False,
        tracking=True,
        help="Why the task does not apply to this go-live; on a gate, a Go-Live "
        "Manager's decision, as a waiver is.",
    )
    # Waiver and sign-off
    waive_reason = fields.Text(copy=False, tracking=True)
    waived_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    signoff_user_id = fields.Many2one(
        "res.users", string="Signed Off By", readonly=True, copy=False, tracking=True
    )
    signoff_date = fields.Datetime(string="Signed Off On", readonly=True, copy=False)
    signoff_required = fields.Boolean(
        string="Sign-Off Required",
        tracking=True,
        help="A gate asking for a sign-off stays red until a Go-Live Manager "
        "signs it off, even when its automated checks pass.",
    )
    signoff_missing = fields.Boolean(
        compute="_compute_signoff_missing", store=True, index=True
    )
    is_red_gate = fields.Boolean(
        string="Red Gate",
        compute="_compute_is_red_gate",
        store=True,
        index=True,
        help="A gate that blocks the go-live: not done or waived, or done while "
        "its bound checks fail or did not run in the last audit, or while its "
        "sign-off is missing.",
    )

    @api.depends("phase_id")
    def _compute_checklist_id(self):
        for task in self:
            if task.phase_id:
                task.checklist_id = task.phase_id.checklist_id

    @api.depends("phase_id.date_end")
    def _compute_date_deadline(self):
        for task in self:
            if task.state in OPEN_STATES or not task.date_deadline:
                task.date_deadline = task.phase_id.date_end

    def _check_bindings(self):
        """``[(code, object_key or None)]`` of this task's bound checks.

        An entry of ``check_codes`` is a check code (every finding of the
        check counts) or ``code:object_key`` (only that object's finding, e.g.
        ``manifest.modules_installed:ipai_theme_aiux``).
        """
        self.ensure_one()
        bindings = []
        for entry in (self.check_codes or "").split(","):
            code, _sep, key = entry.strip().partition(":")
            if code:
                bindings.append((code.strip(), key.strip() or None))
        return bindings

    def _check_code_list(self):
        """The codes of the bound checks, each once, in order."""
        return list(dict.fromkeys(code for code, _key in self._check_bindings()))

    @api.depends("check_codes", "checklist_id.check_run_id")
    def _compute_check_status(self):
        values = self._audit_check_values()
        for task in self:
            task.check_status, task.check_message = values[task.id]

    def _compute_check_result_ids(self):
        Result = self.env["golive.check.result"].sudo()
        results = Result.search([("run_id", "in", self.checklist_id.check_run_id.ids)])
        by_slot = defaultdict(list)
        for result in results:
            by_slot[result.run_id.id, result.code, None].append(result.id)
            by_slot[result.run_id.id, result.code, result.object_key or None].append(
                result.id
            )
        for task in self:
            run_id = task.checklist_id.check_run_id.id
            ids = [
                result_id
                for code, key in task._check_bindings()
                for result_id in by_slot.get((run_id, code, key), ())
            ]
            task.check_result_ids = Result.browse(list(dict.fromkeys(ids)))

    @api.depends("signoff_required", "signoff_user_id")
    def _compute_signoff_missing(self):
        for task in self:
            task.signoff_missing = task.signoff_required and not task.signoff_user_id

    @api.depends("state", "is_gate", "check_status", "signoff_missing")
    def _compute_is_red_gate(self):
        for task in self:
            task.is_red_gate = is_red_gate(
                task.is_gate, task.state, task.check_status, task.signoff_missing
            )

    @api.depends("is_gate", "is_red_gate")
    def _compute_is_green(self):
        for task in self:
            task.is_green = task.is_gate and not task.is_red_gate

    def _is_red_gate(self):
        self.ensure_one()
        return self.is_red_gate

    @api.depends("state", "date_deadline")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for task in self:
            task.is_overdue = bool(
                task.state in OPEN_STATES
                and task.date_deadline
                and task.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Overdue."))
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("state", "in", OPEN_STATES), ("date_deadline", "<", today)]
        return [
            "|",
            "|",
            ("state", "not in", OPEN_STATES),
            ("date_deadline", "=", False),
            ("date_deadline", ">=", today),
        ]

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in TASK_STATES]

    @api.constrains("evidence_url")
    def _check_evidence_url(self):
        """Evidence links are web links: rendered as ``href`` in the
        pre-flight summary kept on decisions, another scheme
        (``javascript:``, ``data:``, ``file:``) would run or leak there."""
        for task in self:
            url = (task.evidence_url or "").strip()
            if url and urlsplit(url).scheme.lower() not in ("http", "https"):
                raise ValidationError(
                    self.env._(
                        "The evidence URL of %(task)s must start with http:// or "
                        "https://: %(url)s",
                        task=task.name,
                        url=url,
                    )
                )

    @api.constrains("phase_id", "checklist_id")
    def _check_phase_checklist(self):
        for task in self:
            if task.phase_id and task.phase_id.checklist_id != task.checklist_id:
                raise ValidationError(
                    self.env._(
                        "Task %(task)s belongs to another checklist than its phase.",
                        task=task.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # refused before anything is written (defaults are judged below)
            if vals.get("state") == "na":
                self.browse()._check_na_reason(vals, force=True)
        tasks = super().create(vals_list)
        for task, vals in zip(tasks, vals_list, strict=True):
            # the created task (its state or gate flag may come from a
            # default) is judged as a write of the same values would be
            if task.state == "na":
                task._check_na_reason({})
            if not self._is_manager():
                task._check_user_values(vals, set(vals) & set(SIGNOFF_FIELDS))
        if not self._is_manager():
            tasks.checklist_id._check_open_for_users()
        # precomputing checklist_id on new records leaves them (NewId) in the
        # cached task_ids of the checklist: read it afresh
        tasks.checklist_id.invalidate_recordset(["task_ids"])
        tasks.filtered("is_gate").checklist_id._golive_gates_changed()
        return tasks

    def unlink(self):
        checklists = self.filtered("is_gate").checklist_id
        res = super().unlink()
        checklists.exists()._golive_gates_changed()
        return res

    def write(self, vals):
        if not self._is_manager():
            self._check_user_values(vals, set(vals) & set(MANAGER_FIELDS))
            self.checklist_id._check_open_for_users()
        if "phase_id" in vals or "checklist_id" in vals:
            self._check_stays_in_checklist(vals)
        if vals.get("state") == "waived" and not vals.get("waive_reason"):
            if self.filtered(lambda t: not t.waive_reason):
                raise UserError(self.env._("Waiving a task needs a reason."))
        if vals.get("state") == "na":
            self._check_na_reason(vals)
        if "state" in vals and vals["state"] not in GREEN_STATES:
            # A sign-off or waiver only holds for the state it was given in.
            vals = dict(vals, signoff_user_id=False, signoff_date=False)
            if vals["state"] != "waived":
                vals.update(waive_reason=False, waived_by_id=False)
            if vals["state"] != "na":
                vals.update(na_reason=False)
        # a change of a gate voids the checklist's Go decision
        gates_before = set(vals) & set(GATE_FIELDS) and self._gate_snapshot()
        if "state" not in vals and "is_gate" not in vals:
            res = super().write(vals)
        else:
            green = self.checklist_id.filtered(lambda c: c.gate_status == "green")
            res = super().write(vals)
            green.filtered(lambda c: c.gate_status == "red")._alert_gates_red()
        if gates_before:
            self._touch_changed_gates(gates_before)
        return res

    def _is_manager(self):
        return self.env["golive.checklist"]._is_manager()

    def _check_na_reason(self, vals, force=False):
        """Refuse N/A without a reason: the one given in ``vals``, else the
        one each task keeps (``force``: a new task, none kept)."""
        if (vals.get("na_reason") or "").strip():
            return
        if force or self.filtered(lambda t: not (t.na_reason or "").strip()):
            raise UserError(
                self.env._(
                    "Setting a task to N/A needs a reason (Why N/A): "
                    "say why it does not apply."
                )
            )

    def _gate_snapshot(self):
        """``{task id: (is gate, state, checks, sign-off missing)}``, to tell
        a gate change."""
        return {
            task.id: (
                task.is_gate,
                task.state,
                task.check_status,
                task.signoff_missing,
                task.check_codes,
            )
            for task in self
        }

    def _touch_changed_gates(self, before):
        """Tell the checklists whose gates changed since the ``before`` snapshot."""
        after = self._gate_snapshot()
        changed = self.filtered(
            lambda t: (before[t.id][0] or t.is_gate) and before[t.id] != after[t.id]
        )
        changed.checklist_id._golive_gates_changed()

    def _check_stays_in_checklist(self, vals):
        """A task never moves to another checklist (a gate would leave it)."""
        target = self.env["golive.checklist"].browse(vals.get("checklist_id"))
        phase = self.env["golive.phase"].browse(vals.get("phase_id"))
        for task in self:
            destination = target or phase.checklist_id or task.checklist_id
            if destination != task.checklist_id:
                raise UserError(
                    self.env._(
                        "Task %(task)s cannot move to another checklist.",
                        task=task.name,
                    )
                )

    def _check_user_values(self, vals, reserved):
        """Refuse what belongs to Go-Live Managers: waivers, sign-offs, which
        tasks are gates, their check bindings, and a gate set to N/A."""
        if vals.get("state") == "waived":
            raise UserError(self.env._("Only a Go-Live Manager can waive a task."))
        if vals.get("state") == "na" and self.filtered("is_gate"):
            raise UserError(
                self.env._(
                    "Only a Go-Live Manager can set a gate to N/A: %(gates)s",
                    gates=", ".join(self.filtered("is_gate").mapped("name")),
                )
            )
        if reserved:
            raise UserError(
                self.env._(
                    "Only a Go-Live Manager can change %(fields)s.",
                    fields=", ".join(
                        sorted(self._fields[name].string for name in reserved)
                    ),
                )
            )

    def _html_list(self):
        """The tasks as an HTML list for chatter messages."""
        return (
            self.env["ir.qweb"]
            ._render("ipai_golive.golive_task_list", {"tasks": self})
            .strip()
        )

    def _set_state(self, state):
        self.write({"state": state})

    def action_todo(self):
        self._set_state("todo")

    def action_start(self):
        self._set_state("in_progress")

    def action_done(self):
        self._set_state("done")

    def action_block(self):
        self._set_state("blocked")

    def action_not_applicable(self):
        """Open the wizard asking why the tasks do not apply."""
        if self.filtered("is_gate") and not self._is_manager():
            self._check_user_values({"state": "na"}, set())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Not Applicable"),
            "res_model": "golive.task.waive",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids, "default_mode": "na"},
        }

    def _set_not_applicable(self, reason):
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Setting a task to N/A needs a reason (Why N/A): "
                    "say why it does not apply."
                )
            )
        self.write({"state": "na", "na_reason": reason})

    def action_waive(self):
        """Open the wizard asking the reason of the waiver."""
        if not self._is_manager():
            raise UserError(self.env._("Only a Go-Live Manager can waive a task."))
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive"),
            "res_model": "golive.task.waive",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids},
        }

    def _waive(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Waiving a task needs a reason."))
        self.write(
            {"state": "waived", "waive_reason": reason, "waived_by_id": self.env.uid}
        )

    def action_sign_off(self):
        if not self._is_manager():
            raise UserError(self.env._("Only a Go-Live Manager can sign off a task."))
        not_green = self.filtered(lambda t: t.state not in GREEN_STATES)
        if not_green:
            raise UserError(
                self.env._(
                    "Only done or waived tasks can be signed off: %(tasks)s",
                    tasks=", ".join(not_green.mapped("name")),
                )
            )
        self.write(
            {"signoff_user_id": self.env.uid, "signoff_date": fields.Datetime.now()}
        )
        return notification(
            self.env._(
                "Signed off by %(user)s: %(tasks)s",
                user=self.env.user.name,
                tasks=", ".join(self.mapped("name")),
            )
        )
