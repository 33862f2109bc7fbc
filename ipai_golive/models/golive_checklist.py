# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import Counter, defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ipai_golive_checks.models.golive_manifest import MANIFEST_EXTENSIONS
from odoo.addons.ipai_golive_checks.tools.manifest import CONTEXT_KEY
from odoo.addons.ipai_golive_checks.tools.vocabulary import ENVIRONMENTS, MANAGER_GROUP

from .golive_task import (
    CHECK_GRAVITY,
    CLOSED_STATES,
    FAILING_CHECKS,
    RED_CHECKS,
    RED_GATE_DOMAIN,
    gate_passes,
)

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
PREFLIGHT_DRIFT_LINES = 30  # drift findings listed in the pre-flight summary
# The task whose evidence holds the ship manifest file (section 1.1).
MANIFEST_TASK_DOMAIN = [
    ("section", "=", "1.1"),
    ("name", "=ilike", "Ship manifest finalized%"),
]
# Checklists the scheduled self-audit keeps auditing.
AUDITED_STATES = ("in_progress", "ready", "live", "stabilizing")
DEFAULT_AUDIT_MAX_AGE_HOURS = 24
# A finding in one of these statuses is news when it was not in the previous run.
ALERT_STATUSES = ("warn", "fail", "error")


def _finding_list(findings):
    """``[(code, object key, status)]`` as an HTML list."""
    return Markup("<ul>%s</ul>") % Markup().join(
        Markup("<li>%s%s: %s</li>")
        % (code, Markup(" [%s]") % key if key else "", status)
        for code, key, status in findings
    )


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
# Where the freeze window applies: the release runs in production.
FROZEN_STATES = ("live", "stabilizing")


class GoliveChecklist(models.Model):
    """One go-live of one release.

    States:

    * ``draft`` -- being prepared: scope, dates, RACI and tasks are set up.
    * ``in_progress`` -- the implementation is under way; tasks are worked on.
    * ``ready`` -- preparation is finished and the go/no-go decision is due.
    * ``live`` -- the release runs in production. Refused on the server while
      any gate task is not green (done or waived), whoever writes the state.
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
    freeze_days = fields.Integer(
        default=lambda self: self._default_freeze_days(),
        help="Change freeze after go-live (hotfixes only), in days.",
    )
    date_freeze_end = fields.Datetime(
        string="Freeze Ends", compute="_compute_date_freeze_end", store=True
    )
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
        help="Green when every gate task is done or waived.",
    )
    task_overdue_count = fields.Integer(compute="_compute_task_overdue_count")
    check_run_id = fields.Many2one(
        "golive.check.run",
        string="Last Audit",
        readonly=True,
        copy=False,
        help="Last run of the automated checks bound to this checklist's tasks.",
    )
    check_score = fields.Float(related="check_run_id.score", string="Audit Score")
    manifest_id = fields.Many2one(
        "golive.manifest",
        string="Ship Manifest",
        tracking=True,
        copy=False,
        ondelete="restrict",
        help="The ship manifest of this release: the manifest checks of this "
        "checklist's audit judge the ERP against it.",
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
    phase_readiness = fields.Html(
        string="Readiness by Phase",
        compute="_compute_phase_readiness",
        sanitize=False,
    )
    # Go/No-Go
    decision_ids = fields.One2many(
        "golive.decision", "checklist_id", string="Go/No-Go Decisions"
    )
    decision_id = fields.Many2one(
        "golive.decision", string="Last Go/No-Go", readonly=True, copy=False
    )
    decision_status = fields.Selection(
        [
            ("none", "Not Decided"),
            ("go", "Go"),
            ("nogo", "No-Go"),
            ("stale", "Go, Outdated by a Gate Change"),
        ],
        string="Go/No-Go",
        compute="_compute_decision_status",
    )
    gate_version = fields.Integer(
        readonly=True,
        copy=False,
        help="Counts the changes to the gates (state, gate flag, automated "
        "checks): a Go decision holds only for the version it was taken on.",
    )
    date_gates_changed = fields.Datetime(
        string="Gates Last Changed", readonly=True, copy=False
    )
    # Cutover
    backup_ids = fields.One2many("golive.backup", "checklist_id", string="Backups")
    backup_id = fields.Many2one(
        "golive.backup",
        string="Last Backup",
        compute="_compute_backup_id",
        help="Last backup of this checklist, whatever its state.",
    )
    module_versions = fields.Text(
        readonly=True,
        copy=False,
        help="Installed modules and their versions when the checklist went live "
        "(JSON), the reference of the module drift.",
    )
    module_drift = fields.Text(
        compute="_compute_module_drift",
        help="Modules installed, removed or upgraded since the go-live.",
    )
    hotfix_ids = fields.One2many(
        "golive.hotfix", "checklist_id", string="Freeze Hotfixes"
    )
    is_frozen = fields.Boolean(
        string="Change Freeze Running",
        compute="_compute_is_frozen",
        help="Module changes from the user interface are refused until the "
        "freeze ends, except hotfixes recorded by a Go-Live Manager.",
    )
    # Rollback
    rollback_previous_id = fields.Many2one(
        "golive.checklist",
        string="Previous Live Release",
        readonly=True,
        copy=False,
        help="The go-live that was in production before this one: what a "
        "rollback returns to.",
    )
    rollback_release_ref = fields.Char(
        string="Rolled Back To",
        readonly=True,
        copy=False,
        help="Tag of the release that was live before this one.",
    )
    rollback_backup_id = fields.Many2one(
        "golive.backup", string="Restore From", readonly=True, copy=False
    )
    release_ids = fields.One2many("golive.release", "checklist_id", readonly=True)
    release_count = fields.Integer(compute="_compute_release_count")

    @api.model
    def _default_environment(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ipai_golive.default_environment", "prod")
        )

    @api.model
    def _default_freeze_days(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ipai_golive.freeze_days", "2")
        )
        try:
            return int(value)
        except ValueError:
            return 2

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

    @api.depends("date_live", "freeze_days")
    def _compute_date_freeze_end(self):
        for checklist in self:
            checklist.date_freeze_end = checklist.date_live and (
                checklist.date_live + timedelta(days=checklist.freeze_days)
            )

    @api.depends(
        "task_ids.state",
        "task_ids.is_gate",
        "task_ids.check_status",
        "task_ids.signoff_missing",
    )
    def _compute_progress(self):
        counts = defaultdict(Counter)
        for checklist, state, is_gate, checks, unsigned, count in self.env[
            "golive.task"
        ]._read_group(
            [("checklist_id", "in", self.ids)],
            ["checklist_id", "state", "is_gate", "check_status", "signoff_missing"],
            ["__count"],
        ):
            green = gate_passes(state, checks, unsigned)
            counts[checklist.id][state, is_gate, green] += count
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

    @api.depends("check_run_date")
    def _compute_audit_age_hours(self):
        now = fields.Datetime.now()
        max_age = timedelta(hours=self._audit_max_age_hours())
        for checklist in self:
            age = checklist.check_run_date and now - checklist.check_run_date
            checklist.audit_age_hours = age and int(age.total_seconds() // 3600)
            checklist.audit_stale = not age or age > max_age

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

    def _compute_phase_readiness(self):
        """A bar per phase: share of applicable tasks done or waived, and red
        gates; one grouped read for all the checklists."""
        counts = defaultdict(Counter)
        for phase, state, is_gate, checks, unsigned, count in self.env[
            "golive.task"
        ]._read_group(
            [("checklist_id", "in", self.ids)],
            ["phase_id", "state", "is_gate", "check_status", "signoff_missing"],
            ["__count"],
        ):
            stats = counts[phase.id]
            stats["total"] += count if state != "na" else 0
            stats["closed"] += count if state in CLOSED_STATES else 0
            red = is_gate and not gate_passes(state, checks, unsigned)
            stats["red"] += count if red else 0
        phases = self.env["golive.phase"].search_fetch(
            [("checklist_id", "in", self.ids)], ["checklist_id", "code", "name"]
        )
        by_checklist = defaultdict(list)
        for phase in phases:
            by_checklist[phase.checklist_id.id].append(phase)
        for checklist in self:
            rows = []
            for phase in by_checklist[checklist.id]:
                stats = counts[phase.id]
                percent = (
                    round(100 * stats["closed"] / stats["total"])
                    if stats["total"]
                    else 0
                )
                rows.append(
                    Markup(
                        '<div class="d-flex align-items-center small" '
                        'title="%(title)s"><span class="text-truncate me-1" '
                        'style="width: 45%%">%(name)s</span>'
                        '<div class="progress flex-grow-1 me-1" style="height: 6px">'
                        '<div class="progress-bar %(bar)s" style="width: %(pct)s%%">'
                        "</div></div><span>%(pct)s%%</span>%(red)s</div>"
                    )
                    % {
                        "title": phase.display_name,
                        "name": phase.display_name,
                        "bar": "bg-danger" if stats["red"] else "bg-success",
                        "pct": percent,
                        "red": Markup(
                            '<span class="badge text-bg-danger ms-1">%s</span>'
                        )
                        % stats["red"]
                        if stats["red"]
                        else "",
                    }
                )
            checklist.phase_readiness = Markup().join(rows) or False

    @api.depends("decision_id.decision", "decision_id.gate_version", "gate_version")
    def _compute_decision_status(self):
        for checklist in self:
            decision = checklist.decision_id
            if not decision:
                checklist.decision_status = "none"
            elif decision.decision == "nogo":
                checklist.decision_status = "nogo"
            elif decision.gate_version != checklist.gate_version:
                checklist.decision_status = "stale"
            else:
                checklist.decision_status = "go"

    @api.depends("state", "date_freeze_end")
    def _compute_is_frozen(self):
        now = fields.Datetime.now()
        for checklist in self:
            checklist.is_frozen = bool(
                checklist.state in FROZEN_STATES
                and checklist.date_freeze_end
                and checklist.date_freeze_end > now
            )

    @api.depends("backup_ids")
    def _compute_backup_id(self):
        for checklist in self:
            checklist.backup_id = checklist.backup_ids.sorted("id")[-1:]

    @api.depends("module_versions")
    def _compute_module_drift(self):
        for checklist in self:
            checklist.module_drift = "\n".join(
                line for line, _name in checklist._golive_module_drift()
            )

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
        checklists = super().create(vals_list)
        live = checklists.filtered(lambda c: c.state == "live")
        live._check_gates_green()
        live._check_live_blockers()
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
        moving = self.browse()
        if "state" in vals:
            vals = self._prepare_transition(vals)
            moving = self.filtered(lambda c: c.state != vals["state"])
        res = super().write(vals)
        if moving:
            moving._on_state_changed(vals["state"])
        return res

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
        into ``MANAGER_STATES`` need a Go-Live Manager, going live needs every
        gate green, and an abort needs a reason.
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
            moving._check_audit_fresh()
            moving._check_gates_green()
            moving._check_live_blockers()
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

    def _check_gates_green(self):
        """Refuse the go-live while any gate is not green: done (with no failing
        automated check) or waived."""
        red = self.env["golive.task"].search(
            [("checklist_id", "in", self.ids), *RED_GATE_DOMAIN],
            order="checklist_id, sequence, id",
        )
        if red:
            lines = "\n".join(
                f"- [{task.checklist_id.name}] {task.display_name} "
                f"({task._fields['state'].convert_to_export(task.state, task)}"
                + (
                    self.env._(
                        ", checks %(status)s",
                        status=task._fields["check_status"].convert_to_export(
                            task.check_status, task
                        ),
                    )
                    if task.check_status in RED_CHECKS
                    else ""
                )
                + (
                    self.env._(", sign-off missing")
                    if task.state == "done" and task.signoff_missing
                    else ""
                )
                + ")"
                for task in red
            )
            raise UserError(
                self.env._(
                    "Cannot go live while %(count)s gate(s) are not green "
                    "(done or waived):\n%(lines)s",
                    count=len(red),
                    lines=lines,
                )
            )

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

    def _check_audit_fresh(self):
        """Refuse the go-live of a checklist with gates bound to automated
        checks unless its last audit is younger than the configured age."""
        max_age = self._audit_max_age_hours()
        gated = self.env["golive.task"]._read_group(
            [
                ("checklist_id", "in", self.ids),
                ("is_gate", "=", True),
                ("check_codes", "!=", False),
                ("state", "!=", "waived"),
            ],
            ["checklist_id"],
        )
        now = fields.Datetime.now()
        for (checklist,) in gated:
            if not checklist.check_run_date:
                raise UserError(
                    self.env._(
                        "Cannot go live: %(name)s has gates bound to automated "
                        "checks and no audit. Press Run Checks first.",
                        name=checklist.name,
                    )
                )
            age = now - checklist.check_run_date
            if age > timedelta(hours=max_age):
                raise UserError(
                    self.env._(
                        "Cannot go live: the last audit of %(name)s is %(hours)s "
                        "hours old, older than %(max)s hours. Press Run Checks "
                        "again.",
                        name=checklist.name,
                        hours=int(age.total_seconds() // 3600),
                        max=max_age,
                    )
                )

    def _golive_live_blockers(self):
        """Why these checklists cannot go live yet, besides red gates.

        Returns a list of messages; the go-live transition refuses while it is
        not empty. Extend it by appending to ``super()``'s list.
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

    def _check_live_blockers(self):
        messages = self._golive_live_blockers()
        if messages:
            raise UserError(
                self.env._(
                    "Cannot go live:\n%(lines)s",
                    lines="\n".join("- " + message for message in messages),
                )
            )

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
            red = checklist.task_ids.filtered(lambda t: t._is_red_gate())
            checklist._post_alert(
                Markup("<p>%s</p>%s")
                % (
                    self.env._(
                        "The gates of %(name)s turned red:", name=checklist.name
                    ),
                    red._html_list(),
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
        for checklist in self:
            codes, unknown = checklist._bound_check_codes()
            if not codes:
                raise UserError(
                    self.env._(
                        "No task of %(name)s is bound to an enabled automated check.",
                        name=checklist.name,
                    )
                )
            run = (
                self.env["golive.check.run"]
                .with_context(**{CONTEXT_KEY: checklist.manifest_id.id})
                ._run_checks(
                    trigger="manual", environment=checklist.environment, codes=codes
                )
            )
            done, _reopened = checklist._set_audit(run)
            red = checklist.task_ids.filtered(
                lambda t: t.check_status in FAILING_CHECKS
            )
            body = Markup("<p>%s</p>") % self.env._(
                "Automated checks (%(env)s): score %(score)s, %(passed)s passed, "
                "%(warn)s warnings, %(failed)s failed, %(errors)s errors.",
                env=run.environment,
                score=format(run.score, ".1f"),
                passed=run.count_pass,
                warn=run.count_warn,
                failed=run.count_fail,
                errors=run.count_error,
            )
            if red:
                body += Markup("<p>%s</p>%s") % (
                    self.env._("Tasks whose checks fail (back to To Do):"),
                    red._html_list(),
                )
            if done:
                body += Markup("<p>%s</p>%s") % (
                    self.env._("Tasks done by their passing checks:"),
                    done._html_list(),
                )
            if unknown:
                body += Markup("<p>%s</p>") % self.env._(
                    "Not installed here, not run: %(codes)s", codes=", ".join(unknown)
                )
            if run.count_fail or run.count_error:
                checklist._post_alert(body)
            else:
                checklist.message_post(body=body)
        return True

    def _sync_tasks_with_audit(self):
        """Give every task bound to checks the state of the last audit.

        All its findings pass: done. One fails or errors: back to to-do,
        without its sign-off (a sign-off holds for the done state only).
        Nothing ran, or warnings only: unchanged. Waived and n/a tasks keep
        their state; nobody signs off here; manual tasks are left alone.

        A constant number of queries whatever the number of tasks: one
        grouped read of the findings and one ``UPDATE ... FROM (VALUES ...)``
        for the check status, message and state of every task of the
        checklists (the ORM would flush them a hundred rows at a time). The
        state changes are not tracked task by task: the audit's message on
        the checklist lists them.

        :return: ``(done, reopened)`` tasks that changed state
        """
        Task = self.env["golive.task"].sudo()
        everyone = Task.search([("checklist_id", "in", self.ids)])
        # the others' check status does not depend on the audit: it is empty
        tasks = everyone.filtered("check_codes")
        values = tasks._audit_check_values()
        rows, done, reopened = [], [], []
        for task in tasks:
            status, message = values[task.id]
            state = task.state
            if state not in ("waived", "na"):
                if status == "pass" and state != "done":
                    state = "done"
                    done.append(task.id)
                elif status in FAILING_CHECKS and state != "todo":
                    state = "todo"
                    reopened.append(task.id)
            rows.append(
                SQL("(%s, %s, %s, %s)", task.id, status or None, message or None, state)
            )
        for name in ("check_status", "check_message"):
            self.env.remove_to_compute(Task._fields[name], everyone)
        if rows:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE golive_task AS task
                       SET check_status = audit.check_status,
                           check_message = audit.check_message,
                           state = audit.state,
                           signoff_user_id = CASE WHEN audit.state = 'todo'
                               THEN NULL ELSE task.signoff_user_id END,
                           signoff_date = CASE WHEN audit.state = 'todo'
                               THEN NULL ELSE task.signoff_date END,
                           signoff_missing =
                               COALESCE(task.signoff_required, false)
                               AND (audit.state = 'todo'
                                    OR task.signoff_user_id IS NULL),
                           write_uid = %s,
                           write_date = (now() at time zone 'UTC')
                      FROM (VALUES %s) AS audit(id, check_status, check_message, state)
                     WHERE task.id = audit.id
                    """,
                    self.env.uid,
                    SQL(", ").join(rows),
                )
            )
        names = [
            "check_status",
            "check_message",
            "state",
            "signoff_user_id",
            "signoff_date",
            "signoff_missing",
            "write_uid",
            "write_date",
        ]
        tasks.invalidate_recordset(names, flush=False)
        tasks.modified(names[:6])
        self.env.remove_to_compute(Task._fields["signoff_missing"], tasks)
        return Task.browse(done).with_env(self.env), Task.browse(reopened).with_env(
            self.env
        )

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
                body=Markup("<p>%s</p>%s")
                % (
                    self.env._(
                        "Recovered in the self-audit %(run)s:", run=run.display_name
                    ),
                    _finding_list((code, key, "pass") for code, key in recovered),
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
        body = Markup("<p>%s</p>%s") % (
            self.env._(
                "New findings in the self-audit %(run)s (score %(score)s):",
                run=run.display_name,
                score=format(run.score, ".1f"),
            ),
            _finding_list(news),
        )
        if tasks:
            body += Markup("<p>%s</p>%s") % (
                self.env._("Tasks concerned:"),
                tasks._html_list(),
            )
        self._post_alert(body)
        for task in tasks:
            task.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Automated checks fail"),
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
        body = Markup("<p>%s</p>") % self.env._(
            "Daily digest: audit score %(score)s, %(news)s new failure(s), "
            "%(overdue)s overdue routine(s), %(red)s red gate(s).",
            score=format(run.score, ".1f"),
            news=len(news),
            overdue=len(overdue),
            red=self.gate_red_count,
        )
        if news:
            body += _finding_list(news)
        if overdue:
            body += Markup("<p>%s</p>%s") % (
                self.env._("Overdue routines:"),
                overdue._html_list(),
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _manifest_attachment(self):
        """The latest YAML file attached to the "Ship manifest finalized" task."""
        self.ensure_one()
        tasks = self.env["golive.task"].search(
            [("checklist_id", "=", self.id), *MANIFEST_TASK_DOMAIN]
        )
        return tasks.evidence_attachment_ids.filtered(
            lambda a: (a.name or "").lower().endswith(MANIFEST_EXTENSIONS)
        ).sorted("id")[-1:]

    def action_import_manifest(self):
        """Import the ship manifest attached to the "Ship manifest finalized"
        task and link it to the checklist; the chatter says what changed."""
        self._check_manager()
        for checklist in self:
            attachment = checklist._manifest_attachment()
            if not attachment:
                raise UserError(
                    self.env._(
                        'Attach the ship manifest (.yml) to the task "Ship manifest '
                        'finalized" of %(name)s first.',
                        name=checklist.name,
                    )
                )
            manifest = self.env["golive.manifest"]._import_attachment(attachment)
            checklist.manifest_id = manifest
            checklist.message_post(
                body=Markup("<p>%s</p>%s")
                % (
                    self.env._(
                        "Ship manifest %(manifest)s imported from %(file)s "
                        "(sha256 %(sha)s).",
                        manifest=manifest.display_label,
                        file=attachment.name,
                        sha=manifest.sha256[:12],
                    ),
                    manifest.diff_html or "",
                )
            )
        return True

    def action_view_manifest(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.manifest",
            "res_id": self.manifest_id.id,
            "view_mode": "form",
        }

    def _action_open_tasks(self, domain, name):
        self.ensure_one()
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

    # Go/No-Go

    def _golive_gates_changed(self):
        """A gate of each checklist changed: earlier Go decisions no longer hold."""
        now = fields.Datetime.now()
        for checklist in self.sudo():
            checklist.write(
                {"gate_version": checklist.gate_version + 1, "date_gates_changed": now}
            )

    def _check_decider(self):
        """The approver decides; a Go-Live Manager when there is no approver."""
        for checklist in self:
            if checklist.state != "ready":
                raise UserError(
                    self.env._(
                        "%(name)s is not ready: the Go/No-Go decision is taken in "
                        "the Ready state.",
                        name=checklist.name,
                    )
                )
            if checklist.approver_id:
                if checklist.approver_id != self.env.user:
                    raise UserError(
                        self.env._(
                            "Only the approver of %(name)s, %(approver)s, can "
                            "record its Go/No-Go decision.",
                            name=checklist.name,
                            approver=checklist.approver_id.name,
                        )
                    )
            elif not self.env.user.has_group(MANAGER_GROUP):
                raise UserError(
                    self.env._(
                        "%(name)s has no approver: only a Go-Live Manager can "
                        "record its Go/No-Go decision.",
                        name=checklist.name,
                    )
                )

    def action_open_decision(self):
        """Open the Go/No-Go wizard with the pre-flight summary."""
        self.ensure_one()
        self._check_decider()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Go/No-Go"),
            "res_model": "golive.checklist.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"default_checklist_id": self.id},
        }

    def _record_decision(self, decision, comment):
        """Record the Go/No-Go ``decision`` with ``comment`` and post it."""
        self.ensure_one()
        self._check_decider()
        if not (comment or "").strip():
            raise UserError(self.env._("A Go/No-Go decision needs a comment."))
        record = (
            self.env["golive.decision"]
            .sudo()
            .create(
                {
                    "checklist_id": self.id,
                    "decision": decision,
                    "comment": comment,
                    "user_id": self.env.uid,
                    "gate_version": self.gate_version,
                    "preflight_html": self._golive_preflight_html(),
                }
            )
        )
        self.sudo().decision_id = record
        label = dict(record._fields["decision"]._description_selection(self.env))
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "%(decision)s decided by %(user)s.",
                    decision=label[decision],
                    user=self.env.user.name,
                ),
                comment,
            ),
            subtype_xmlid="mail.mt_comment",
        )
        return record

    def _golive_preflight_values(self):
        """What the approver sees before deciding (values of the QWeb summary)."""
        self.ensure_one()
        tasks = self.task_ids.sudo()
        run = self.check_run_id.sudo()
        age_hours = None
        if run.date_start:
            age = fields.Datetime.now() - run.date_start
            age_hours = age.total_seconds() / 3600
        state_labels = dict(tasks._fields["state"]._description_selection(self.env))
        check_labels = dict(
            tasks._fields["check_status"]._description_selection(self.env)
        )
        return {
            "checklist": self,
            "gates": tasks.filtered("is_gate"),
            "state_labels": state_labels,
            "check_labels": check_labels,
            "run": run,
            "age_hours": age_hours,
            "blocked": tasks.filtered(lambda t: t.state == "blocked"),
            "red_gates": tasks.filtered(lambda t: t._is_red_gate()),
            "backup": self.sudo().backup_id,
            "extra_sections": self._golive_preflight_sections(),
        }

    def _golive_preflight_sections(self):
        """Extra ``(title, html)`` sections of the pre-flight summary (hook):
        the drift of the ERP from the linked ship manifest."""
        return [(self.env._("Ship manifest drift"), self._golive_manifest_drift_html())]

    def _golive_manifest_drift_html(self):
        """The failing and warning ``manifest.*`` findings of the last audit."""
        self.ensure_one()
        if not self.manifest_id:
            return Markup("<p>%s</p>") % self.env._("No ship manifest is linked.")
        label = self.manifest_id.display_label
        if not self.check_run_id:
            return Markup("<p>%s</p>") % self.env._(
                "%(manifest)s: no audit has judged the ERP against it yet.",
                manifest=label,
            )
        drift = (
            self.env["golive.check.result"]
            .sudo()
            .search(
                [
                    ("run_id", "=", self.check_run_id.id),
                    ("code", "=like", "manifest.%"),
                    ("status", "in", ("warn", "fail", "error")),
                    ("waived", "=", False),
                ],
                order="code, object_key",
            )
        )
        if not drift:
            return Markup("<p>%s</p>") % self.env._(
                "%(manifest)s: no drift in the last audit.", manifest=label
            )
        items = Markup("").join(
            Markup("<li><code>%s</code> %s: %s</li>")
            % (result.code, result.status.upper(), result.message)
            for result in drift[:PREFLIGHT_DRIFT_LINES]
        )
        more = len(drift) - PREFLIGHT_DRIFT_LINES
        tail = (
            Markup("<p>%s</p>") % self.env._("… and %(count)s more.", count=more)
            if more > 0
            else Markup("")
        )
        head = Markup("<p>%s</p>") % self.env._(
            "%(manifest)s: %(count)s findings in the last audit.",
            manifest=label,
            count=len(drift),
        )
        return head + Markup("<ul>%s</ul>") % items + tail

    def _golive_preflight_html(self):
        return self.env["ir.qweb"]._render(
            "ipai_golive.golive_preflight_summary", self._golive_preflight_values()
        )

    # Backup

    def action_backup(self):
        """Queue a pre-cutover backup; the backup job runs it in the background."""
        self.ensure_one()
        self._check_manager()
        self.env["golive.backup"]._golive_queue(self)
        return True

    # Freeze window and module drift

    @api.model
    def _golive_frozen_checklists(self):
        """Checklists whose change freeze is running now, in any company."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("state", "in", FROZEN_STATES),
                    ("date_freeze_end", ">", fields.Datetime.now()),
                ]
            )
        )

    @api.model
    def _golive_module_snapshot(self):
        """``{module: version}`` of the installed modules."""
        modules = (
            self.env["ir.module.module"]
            .sudo()
            .search([("state", "in", ("installed", "to upgrade", "to remove"))])
        )
        return {module.name: module.latest_version or "" for module in modules}

    def _golive_module_drift(self):
        """``[(line, module)]``: modules changed since the go-live snapshot."""
        self.ensure_one()
        if not self.module_versions:
            return []
        before = json.loads(self.module_versions)
        now = self._golive_module_snapshot()
        lines = []
        for name in sorted(set(before) | set(now)):
            if name not in now:
                line = self.env._("%(module)s removed", module=name)
            elif name not in before:
                line = self.env._(
                    "%(module)s %(version)s installed", module=name, version=now[name]
                )
            elif before[name] != now[name]:
                line = self.env._(
                    "%(module)s %(before)s → %(now)s",
                    module=name,
                    before=before[name],
                    now=now[name],
                )
            else:
                continue
            lines.append((line, name))
        return lines

    # Hypercare

    def _golive_hypercare_tasks(self):
        """Phase 9's routines: daily tasks of the phases after go-live."""
        return self.task_ids.filtered(
            lambda t: t.phase_id.anchor == "golive"
            and t.phase_id.day_start >= 1
            and (t.frequency or "").strip().lower() == "daily"
            and t.state not in ("na", "waived")
        )

    def _golive_schedule_hypercare(self):
        """One activity a day from T+1 to T+14 (the phase window) per routine,
        for its responsible (else the ops, else the owner)."""
        activity_type = self.env.ref("ipai_golive.mail_activity_type_hypercare")
        model_id = self.env["ir.model"]._get_id("golive.task")
        vals_list = []
        for checklist in self:
            start = fields.Date.to_date(checklist.date_live)
            for task in checklist._golive_hypercare_tasks():
                user = task.user_id or checklist.ops_user_id or checklist.user_id
                # followed first: a batch of activities would subscribe them
                # once per activity
                task.sudo().message_subscribe(partner_ids=user.partner_id.ids)
                for day in range(task.phase_id.day_start, task.phase_id.day_end + 1):
                    vals_list.append(
                        {
                            "res_model_id": model_id,
                            "res_id": task.id,
                            "activity_type_id": activity_type.id,
                            "summary": f"{task.name} (T+{day})",
                            "user_id": user.id,
                            "date_deadline": start + timedelta(days=day),
                        }
                    )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)

    def _golive_hypercare_activities(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "golive.task"),
                    ("res_id", "in", self.task_ids.ids),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref("ipai_golive.mail_activity_type_hypercare").id,
                    ),
                ]
            )
        )

    def _golive_stop_hypercare(self):
        self._golive_hypercare_activities().unlink()

    # Rollback

    def _golive_previous_live(self):
        """The go-live that was in production before this one (same company
        and environment), if any."""
        self.ensure_one()
        domain = [
            ("id", "!=", self.id),
            ("company_id", "=", self.company_id.id),
            ("environment", "=", self.environment),
            ("date_live", "!=", False),
            ("state", "in", ("live", "stabilizing", "closed")),
        ]
        if self.date_live:
            domain.append(("date_live", "<", self.date_live))
        return self.search(domain, order="date_live desc, id desc", limit=1)

    # ------------------------------------------------------------------
    # Releases
    # ------------------------------------------------------------------
    @api.depends("release_ids")
    def _compute_release_count(self):
        counts = dict(
            self.env["golive.release"]._read_group(
                [("checklist_id", "in", self.ids)], ["checklist_id"], ["__count"]
            )
        )
        for checklist in self:
            checklist.release_count = counts.get(checklist, 0)

    def _take_release(self, trigger="manual"):
        """Snapshot what each checklist puts in production (``golive.release``)."""
        releases = self.env["golive.release"]
        for checklist in self:
            releases |= releases._take(checklist, trigger)
        return releases

    def action_take_release(self):
        self.ensure_one()
        release = self._take_release("manual")
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.release",
            "res_id": release.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_releases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ipai_golive.golive_release_action"
        )
        action.update(
            domain=[("checklist_id", "=", self.id)],
            context={"create": False},
        )
        return action

    def _last_release(self):
        self.ensure_one()
        release = self.env["golive.release"].search(
            [("checklist_id", "=", self.id)], limit=1
        )
        if not release:
            raise UserError(
                self.env._(
                    "%(name)s has no release yet: it is taken when the checklist "
                    "goes live, or on demand by a Go-Live Manager.",
                    name=self.name,
                )
            )
        return release

    def action_print_what_shipped(self):
        return self._last_release().action_print_what_shipped()

    def action_print_what_shipped_md(self):
        return self._last_release().action_print_what_shipped_md()

    def action_print_go_live_manifest(self):
        return self._last_release().action_print_go_live_manifest()

    def action_print_go_live_manifest_md(self):
        return self._last_release().action_print_go_live_manifest_md()
