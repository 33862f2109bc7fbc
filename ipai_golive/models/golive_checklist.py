# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ipai_golive_checks.tools.vocabulary import ENVIRONMENTS, MANAGER_GROUP

from ..tools.policy import REASON_CHECKS, REASON_SIGNOFF, gate_red_reasons
from .golive_task import CLOSED_STATES, RED_GATE_DOMAIN

ARCHITECTURES = [
    ("single_node", "Single-node"),
    ("split", "Split"),
    ("k8s", "K8s"),
]
CUTOVER_STRATEGIES = [
    ("big_bang", "Big bang"),
    ("phased", "Phased"),
    ("parallel_run", "Parallel run"),
]
# The state machine: the states each state may move to.
TRANSITIONS = {
    "draft": ("in_progress",),
    "in_progress": ("ready", "draft", "aborted"),
    "ready": ("live", "draft", "aborted"),
    "live": ("stabilizing", "closed", "aborted"),
    "stabilizing": ("closed", "aborted"),
    "closed": (),
    "aborted": ("draft",),
}
# Moves into these states, and the fields below, belong to Go-Live Managers.
MANAGER_STATES = ("live", "closed", "aborted", "draft")
MANAGER_FIELDS = ("check_run_id", "date_live", "manifest_id")
# Governance: who decides and how long the freeze lasts. Managers only, on
# creation as on edition (a user's new checklist keeps the defaults); a new
# approver voids the Go decision as a gate change does.
GOVERNANCE_FIELDS = ("approver_id", "freeze_days")
DEFAULT_AUDIT_MAX_AGE_HOURS = 24


# Written by the go-live flow itself (sudo), never by a user, not even a manager.
SYSTEM_FIELDS = (
    "decision_id",
    "gate_version",
    "date_gates_changed",
    "module_versions",
    "rollback_previous_id",
    "rollback_release_ref",
    "rollback_backup_id",
)


def _readiness_row(name, stats):
    """The values of a phase's bar in ``golive_phase_readiness``: its share of
    applicable tasks done or waived, and its red gates."""
    total = stats["total"]
    return {
        "name": name,
        "percent": round(100 * stats["closed"] / total) if total else 0,
        "red": stats["red"],
    }


class GoliveChecklist(models.Model):
    """One go-live of one release.

    States:

    * ``draft`` -- being prepared: scope, dates, RACI and tasks are set up.
    * ``in_progress`` -- the implementation is under way; tasks are worked on.
    * ``ready`` -- preparation is finished and the go/no-go decision is due.
    * ``live`` -- the release runs in production. Refused on the server, by
      ``create()`` and ``write()`` whoever writes the state, from any state
      but ``ready``, and while :meth:`_golive_readiness` gives reasons, all
      of them at once: the audit of the gates bound to automated checks is
      missing or older than ``ipai_golive.audit_max_age_hours``; a gate is
      red by the go-live policy (``tools/policy.py``: not done or waived,
      its bound checks failing or not run, a done gate's sign-off missing);
      the last decision is not a Go taken on the current gates.
    * ``stabilizing`` -- hypercare after go-live (phase 9): daily reviews,
      known issues closed.
    * ``closed`` -- the go-live is over; the checklist is the record of it.
    * ``aborted`` -- the go-live was aborted or rolled back; the reason is
      mandatory and kept. A checklist can be reset to draft from there.
    """

    _name = "golive.checklist"
    _description = "Go-Live Checklist"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_golive desc, id desc"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("ready", "Ready"),
            ("live", "Live"),
            ("stabilizing", "Stabilizing"),
            ("closed", "Closed"),
            ("aborted", "Aborted / Rolled Back"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    abort_reason = fields.Text(copy=False, tracking=True)
    environment = fields.Selection(
        ENVIRONMENTS,
        required=True,
        default=lambda self: self._default_environment(),
        tracking=True,
    )
    release_tag = fields.Char(
        tracking=True, help="Git tag deployed, e.g. prod-20260108-1200 or v1.1.0."
    )
    release_version = fields.Char(string="Version", tracking=True)
    date_kickoff = fields.Date(
        string="Kickoff",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_golive = fields.Date(string="Target Go-Live", required=True, tracking=True)
    date_live = fields.Datetime(string="Went Live On", readonly=True, copy=False)

    architecture = fields.Selection(
        ARCHITECTURES,
        tracking=True,
        help="Single-node (fast ship): MVP, fast iteration.\n"
        "Split (recommended): production stability.\n"
        "K8s (later): only if operators and monitoring are ready.",
    )
    cutover_strategy = fields.Selection(
        CUTOVER_STRATEGIES,
        tracking=True,
        help="Big bang: short downtime, full switch.\n"
        "Phased: modules/users in waves.\n"
        "Parallel run: legacy and new side by side until close.",
    )
    # RACI
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user, tracking=True
    )
    implementer_id = fields.Many2one("res.users", tracking=True)
    ops_user_id = fields.Many2one("res.users", string="Ops", tracking=True)
    finance_sme_id = fields.Many2one("res.users", string="Finance SME", tracking=True)
    approver_id = fields.Many2one("res.users", tracking=True)
    template_id = fields.Many2one(
        "golive.checklist.template", readonly=True, copy=False, ondelete="set null"
    )
    phase_ids = fields.One2many("golive.phase", "checklist_id", copy=True)
    task_ids = fields.One2many("golive.task", "checklist_id")
    task_count = fields.Integer(compute="_compute_progress", store=True)
    task_closed_count = fields.Integer(compute="_compute_progress", store=True)
    progress = fields.Float(
        compute="_compute_progress",
        store=True,
        aggregator="avg",
        help="Share of applicable tasks (not n/a) that are done or waived.",
    )
    gate_count = fields.Integer(compute="_compute_progress", store=True)
    gate_red_count = fields.Integer(
        string="Red Gates", compute="_compute_progress", store=True
    )
    gate_status = fields.Selection(
        [("none", "No Gates"), ("green", "Green"), ("red", "Red")],
        compute="_compute_progress",
        store=True,
        help="Green when every gate is green: done or waived, and a done gate "
        "with its bound checks passing in the last audit and its sign-off given.",
    )
    task_overdue_count = fields.Integer(compute="_compute_task_overdue_count")

    phase_readiness = fields.Html(
        string="Readiness by Phase",
        compute="_compute_phase_readiness",
        sanitize=False,
    )

    # Cutover
    backup_ids = fields.One2many("golive.backup", "checklist_id", string="Backups")
    backup_id = fields.Many2one(
        "golive.backup",
        string="Last Backup",
        compute="_compute_backup_id",
        help="Last backup of this checklist, whatever its state.",
    )

    @api.model
    def _default_environment(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ipai_golive.default_environment", "prod")
        )

    _sql_constraints = [
        (
            "dates_coherent",
            "CHECK(date_golive >= date_kickoff)",
            "The target go-live date cannot be before the kickoff.",
        ),
        (
            "freeze_days_positive",
            "CHECK(freeze_days >= 0)",
            "The change freeze cannot be negative.",
        ),
    ]

    @api.depends("task_ids.state", "task_ids.is_gate", "task_ids.is_red_gate")
    def _compute_progress(self):
        counts = defaultdict(Counter)
        for checklist, state, is_gate, red, count in self.env[
            "golive.task"
        ]._read_group(
            [("checklist_id", "in", self.ids)],
            ["checklist_id", "state", "is_gate", "is_red_gate"],
            ["__count"],
        ):
            counts[checklist.id][state, is_gate, not red] += count
        for checklist in self:
            stats = counts[checklist.id]
            total = stats.total()
            closed = sum(c for (s, _g, _ok), c in stats.items() if s in CLOSED_STATES)
            not_applicable = sum(c for (s, _g, _ok), c in stats.items() if s == "na")
            gates = sum(c for (_s, g, _ok), c in stats.items() if g)
            green = sum(c for (_s, g, ok), c in stats.items() if g and ok)
            applicable = total - not_applicable
            checklist.task_count = total
            checklist.task_closed_count = closed
            checklist.progress = applicable and 100.0 * closed / applicable
            checklist.gate_count = gates
            checklist.gate_red_count = gates - green
            checklist.gate_status = (
                "none" if not gates else ("green" if gates == green else "red")
            )

    def _compute_phase_readiness(self):
        """A bar per phase: share of applicable tasks done or waived, and red
        gates; one grouped read for all the checklists."""
        counts = defaultdict(Counter)
        for phase, state, red, count in self.env["golive.task"]._read_group(
            [("checklist_id", "in", self.ids)],
            ["phase_id", "state", "is_red_gate"],
            ["__count"],
        ):
            stats = counts[phase.id]
            stats["total"] += count if state != "na" else 0
            stats["closed"] += count if state in CLOSED_STATES else 0
            stats["red"] += count if red else 0
        phases = self.env["golive.phase"].search_fetch(
            [("checklist_id", "in", self.ids)], ["checklist_id", "code", "name"]
        )
        by_checklist = defaultdict(list)
        for phase in phases:
            by_checklist[phase.checklist_id.id].append(phase)
        for checklist in self:
            rows = [
                _readiness_row(phase.display_name, counts[phase.id])
                for phase in by_checklist[checklist.id]
            ]
            checklist.phase_readiness = (
                self._render_html("golive_phase_readiness", rows=rows)
                if rows
                else False
            )

    def _render_html(self, template, **values):
        """The HTML of the QWeb ``template`` of this addon with ``values``,
        without the indentation around it (views/golive_checklist_templates.xml:
        the readiness bars and the chatter messages)."""
        return self.env["ir.qweb"]._render(f"ipai_golive.{template}", values).strip()

    @api.depends("backup_ids")
    def _compute_backup_id(self):
        for checklist in self:
            checklist.backup_id = checklist.backup_ids.sorted("id")[-1:]

    def _compute_task_overdue_count(self):
        counts = dict(
            self.env["golive.task"]._read_group(
                [("checklist_id", "in", self.ids), ("is_overdue", "=", True)],
                ["checklist_id"],
                ["__count"],
            )
        )
        for checklist in self:
            checklist.task_overdue_count = counts.get(checklist, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_manager() and any(
            vals.get("state", "draft") != "draft" or set(vals) & set(MANAGER_FIELDS)
            for vals in vals_list
        ):
            raise UserError(
                self.env._("Only a Go-Live Manager can create a checklist past draft.")
            )
        if not self._is_manager():
            for vals in vals_list:
                self._check_governance_values(vals, creating=True)
        checklists = super().create(vals_list)
        live = checklists.filtered(lambda c: c.state == "live")
        live._check_golive_ready()
        live._take_release("go_live")
        return checklists

    def write(self, vals):
        self._check_open_for_users()
        if set(vals) & set(SYSTEM_FIELDS) and not self.env.su:
            raise UserError(
                self.env._("These fields are written by the go-live flow only.")
            )
        if set(vals) & set(MANAGER_FIELDS) and not self._is_manager():
            raise UserError(
                self.env._(
                    "Only a Go-Live Manager can change %(fields)s.",
                    fields=", ".join(
                        self._fields[name].string
                        for name in set(vals) & set(MANAGER_FIELDS)
                    ),
                )
            )
        if not self._is_manager():
            self._check_governance_values(vals)
        moving = self.browse()
        if "state" in vals:
            vals = self._prepare_transition(vals)
            moving = self.filtered(lambda c: c.state != vals["state"])
        new_approver = (
            self.filtered(lambda c: c.approver_id.id != vals["approver_id"])
            if "approver_id" in vals
            else self.browse()
        )
        res = super().write(vals)
        if moving:
            moving._on_state_changed(vals["state"])
        if new_approver:
            new_approver._golive_gates_changed()
        return res

    def _check_governance_values(self, vals, creating=False):
        """Refuse a non-manager's change of ``GOVERNANCE_FIELDS``; on creation,
        the defaults (no approver, the configured freeze) are not a change."""
        changed = set(vals) & set(GOVERNANCE_FIELDS)
        if creating:
            changed = {
                name
                for name in changed
                if vals[name]
                and not (
                    name == "freeze_days" and vals[name] == self._default_freeze_days()
                )
            }
        else:
            changed = {
                name
                for name in changed
                if any(
                    self._fields[name].convert_to_write(c[name], c) != vals[name]
                    for c in self
                )
            }
        if changed:
            raise UserError(
                self.env._(
                    "Only a Go-Live Manager can change %(fields)s.",
                    fields=", ".join(
                        sorted(self._fields[name].string for name in changed)
                    ),
                )
            )

    def _on_state_changed(self, state):
        """Hook run after these checklists moved to ``state``."""
        if state == "live":
            self._golive_schedule_hypercare()
            self._take_release("go_live")
        elif state in ("closed", "aborted", "draft"):
            self._golive_stop_hypercare()

    def _is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    def _check_open_for_users(self):
        """A closed checklist is the record of its go-live: only managers
        change it, or its phases and tasks."""
        closed = self.filtered(lambda c: c.state == "closed")
        if closed and not self._is_manager():
            raise UserError(
                self.env._(
                    "%(names)s is closed: only a Go-Live Manager can change it.",
                    names=", ".join(closed.mapped("name")),
                )
            )

    def _prepare_transition(self, vals):
        """Check a move of the state machine and complete its values.

        Whoever writes: the move must be one of ``TRANSITIONS``, the moves
        into ``MANAGER_STATES`` need a Go-Live Manager, going live needs
        :meth:`_golive_readiness` to give no reason, and an abort needs a
        reason.
        """
        target = vals["state"]
        moving = self.filtered(lambda c: c.state != target)
        if not moving:
            return vals
        if target in MANAGER_STATES:
            moving._check_manager()
        wrong = moving.filtered(lambda c: target not in TRANSITIONS[c.state])
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(names)s cannot move from %(state)s to %(target)s.",
                    names=", ".join(wrong.mapped("name")),
                    state=states[wrong[0].state],
                    target=states[target],
                )
            )
        vals = dict(vals)
        if target == "live":
            moving._check_golive_ready()
            vals.setdefault("date_live", fields.Datetime.now())
            vals["module_versions"] = json.dumps(
                self._golive_module_snapshot(), sort_keys=True
            )
        elif target == "aborted":
            if not vals.get("abort_reason") and moving.filtered(
                lambda c: not c.abort_reason
            ):
                raise UserError(
                    self.env._("An aborted or rolled-back go-live needs a reason.")
                )
        elif target == "draft":
            vals.setdefault("abort_reason", False)
            vals.setdefault("date_live", False)
            # a new preparation round: the next go-live needs a new decision
            vals.update(
                decision_id=False,
                module_versions=False,
                rollback_previous_id=False,
                rollback_release_ref=False,
                rollback_backup_id=False,
            )
        return vals

    def _apply_template(self):
        """Add the phases and tasks of each checklist's template."""
        for checklist in self:
            checklist.template_id._populate_checklist(checklist)

    def _golive_readiness(self):
        """Every reason these checklists cannot go live yet, all at once: an
        empty list when they can.

        The go-live policy in one place: the freshness of the audit, the red
        gates (``golive.task.is_red_gate``, see ``tools/policy.py``) and the
        other blockers of :meth:`_golive_live_blockers` (the Go decision).
        ``create()`` and ``write()`` refuse ``state='live'`` with these
        reasons; extend the blockers, not this method.
        """
        reasons = [*self._golive_audit_reasons(), *self._golive_red_gate_reasons()]
        blockers = self._golive_live_blockers()
        if blockers:
            reasons.append(
                self.env._(
                    "Cannot go live:\n%(lines)s",
                    lines="\n".join("- " + message for message in blockers),
                )
            )
        return reasons

    def _check_golive_ready(self):
        """Refuse the go-live with every reason of :meth:`_golive_readiness`."""
        reasons = self._golive_readiness()
        if reasons:
            raise UserError("\n\n".join(reasons))

    def _golive_red_gate_reasons(self):
        """The refusal for the red gates (``golive.task.is_red_gate``), each
        told with its reasons (:meth:`_golive_red_gate_line`)."""
        red = self.env["golive.task"].search(
            [("checklist_id", "in", self.ids), *RED_GATE_DOMAIN],
            order="checklist_id, sequence, id",
        )
        if not red:
            return []
        return [
            self.env._(
                "Cannot go live while %(count)s gate(s) are not green "
                "(done or waived):\n%(lines)s",
                count=len(red),
                lines="\n".join(self._golive_red_gate_line(task) for task in red),
            )
        ]

    @api.model
    def _golive_red_gate_line(self, task):
        """``- [checklist] gate (state, checks Fail, sign-off missing)``: the
        red gate ``task`` with the reasons the go-live policy gives
        (``tools.policy.gate_red_reasons``), its state always told."""
        reasons = gate_red_reasons(
            task.is_gate, task.state, task.check_status, task.signoff_missing
        )
        details = task._fields["state"].convert_to_export(task.state, task)
        if REASON_CHECKS in reasons:
            details += self.env._(
                ", checks %(status)s",
                status=task._fields["check_status"].convert_to_export(
                    task.check_status, task
                ),
            )
        if REASON_SIGNOFF in reasons:
            details += self.env._(", sign-off missing")
        return f"- [{task.checklist_id.name}] {task.display_name} ({details})"

    @api.model
    def _audit_max_age_hours(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ipai_golive.audit_max_age_hours", DEFAULT_AUDIT_MAX_AGE_HOURS)
        )
        try:
            return max(int(value), 0)
        except ValueError:
            return DEFAULT_AUDIT_MAX_AGE_HOURS

    def _golive_audit_reasons(self):
        """The refusal of the go-live of a checklist with gates (not waived)
        bound to automated checks while its last audit is missing or stale
        (``audit_stale``: older than the configured age)."""
        reasons = []
        gated = self.env["golive.task"]._read_group(
            [
                ("checklist_id", "in", self.ids),
                ("is_gate", "=", True),
                ("check_codes", "!=", False),
                ("state", "!=", "waived"),
            ],
            ["checklist_id"],
        )
        for (checklist,) in gated:
            # judged now, not when the age was last read
            checklist.invalidate_recordset(["audit_age_hours", "audit_stale"])
            if not checklist.check_run_date:
                reasons.append(
                    self.env._(
                        "Cannot go live: %(name)s has gates bound to automated "
                        "checks and no audit. Press Run Checks first.",
                        name=checklist.name,
                    )
                )
            elif checklist.audit_stale:
                reasons.append(
                    self.env._(
                        "Cannot go live: the last audit of %(name)s is %(hours)s "
                        "hours old, older than %(max)s hours. Press Run Checks "
                        "again.",
                        name=checklist.name,
                        hours=checklist.audit_age_hours,
                        max=self._audit_max_age_hours(),
                    )
                )
        return reasons

    def _golive_live_blockers(self):
        """Why these checklists cannot go live yet, besides the audit's age
        and the red gates: the Go decision (missing, No-Go, or taken before
        the last change of a gate).

        Returns a list of messages, told by :meth:`_golive_readiness` after
        the other reasons; the go-live transition refuses while it is not
        empty. Extend it by appending to ``super()``'s list.
        """
        messages = []
        for checklist in self:
            decision = checklist.decision_id
            if not decision:
                messages.append(
                    self.env._(
                        "%(name)s has no Go decision: the approver records it "
                        "with Go/No-Go.",
                        name=checklist.name,
                    )
                )
            elif decision.decision != "go":
                messages.append(
                    self.env._(
                        "%(name)s: the last decision is No-Go (%(user)s, %(date)s): "
                        "%(comment)s",
                        name=checklist.name,
                        user=decision.user_id.name,
                        date=fields.Datetime.to_string(decision.date),
                        comment=decision.comment,
                    )
                )
            elif decision.gate_version != checklist.gate_version:
                messages.append(
                    self.env._(
                        "%(name)s: a gate changed on %(changed)s, after the Go "
                        "decision of %(date)s: the approver must decide again.",
                        name=checklist.name,
                        changed=fields.Datetime.to_string(checklist.date_gates_changed),
                        date=fields.Datetime.to_string(decision.date),
                    )
                )
        return messages

    def _check_manager(self):
        if not self._is_manager():
            raise UserError(
                self.env._("Only a Go-Live Manager can take this checklist there.")
            )

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_ready(self):
        self.write({"state": "ready"})

    def action_go_live(self):
        self.write({"state": "live"})

    def action_stabilize(self):
        self.write({"state": "stabilizing"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    def action_abort(self):
        """Open the wizard that asks why the go-live is aborted or rolled back."""
        self._check_manager()
        wrong = self.filtered(lambda c: "aborted" not in TRANSITIONS[c.state])
        if wrong:
            raise UserError(
                self.env._(
                    "%(names)s cannot be aborted from its current state.",
                    names=", ".join(wrong.mapped("name")),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Abort / Roll Back"),
            "res_model": "golive.checklist.abort",
            "view_mode": "form",
            "target": "new",
            "context": {"default_checklist_ids": self.ids},
        }

    def _action_open_tasks(self, domain, name):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ipai_golive.golive_task_action"
        )
        action.update(
            name=name,
            domain=[("checklist_id", "=", self.id), *domain],
            context={"default_checklist_id": self.id, "search_default_group_phase": 1},
        )
        return action

    def action_view_tasks(self):
        return self._action_open_tasks([], self.env._("Tasks"))

    def action_view_overdue_tasks(self):
        return self._action_open_tasks(
            [("is_overdue", "=", True)], self.env._("Overdue Tasks")
        )

    def action_view_red_gates(self):
        return self._action_open_tasks(
            RED_GATE_DOMAIN,
            self.env._("Red Gates"),
        )
