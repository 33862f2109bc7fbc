# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The cutover: the Go/No-Go decision, its pre-flight summary, and what a
rollback returns to."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

from ..tools.labels import human_age

PREFLIGHT_DRIFT_LINES = 30  # drift findings listed in the pre-flight summary


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

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
        red = self._golive_red_gates()
        if decision == "go" and red:
            raise UserError(
                self.env._(
                    "%(name)s cannot be decided Go while %(count)s gates are red: "
                    "%(gates)s. Make them green, or a Go-Live Manager waives "
                    "them with a reason; No-Go can be recorded.",
                    name=self.name,
                    count=len(red),
                    gates=", ".join(red.mapped("name")),
                )
            )
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
                    # kept on the decision, which every Go-Live User reads
                    "preflight_html": self._golive_preflight_html(stored=True),
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

    def _golive_red_gates(self):
        """The red gates of this checklist: the one question the Go decision
        asks of the go-live policy."""
        self.ensure_one()
        return self.task_ids.sudo().filtered("is_red_gate")

    def _golive_preflight_values(self, stored=False):
        """What the approver sees before deciding (values of the QWeb summary).

        The backup's error is a Go-Live Manager's to read: a summary for
        anyone else, or ``stored`` on a decision, names where it is instead.
        """
        self.ensure_one()
        backup = self.sudo().backup_id
        backup_error = False
        if backup.error:
            if not stored and self.env.user.has_group(MANAGER_GROUP):
                backup_error = backup.error
            else:
                backup_error = self.env._(
                    "the error is on the backup, for Go-Live Managers to read"
                )
        tasks = self.task_ids.sudo()
        run = self.check_run_id.sudo()
        age_hours = age_label = None
        if run.date_start:
            age = fields.Datetime.now() - run.date_start
            age_hours = age.total_seconds() / 3600
            age_label = human_age(self.env, age)
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
            "age_label": age_label,
            "blocked": tasks.filtered(lambda t: t.state == "blocked"),
            "red_gates": tasks.filtered(lambda t: t._is_red_gate()),
            "backup": backup,
            "backup_error": backup_error,
            "drift": self._golive_manifest_drift(),
            "extra_sections": self._golive_preflight_sections(),
        }

    def _golive_preflight_sections(self):
        """Extra ``(title, html)`` sections of the pre-flight summary (hook):
        the drift of the ERP from the linked ship manifest."""
        return [(self.env._("Ship manifest drift"), self._golive_manifest_drift_html())]

    def _golive_manifest_drift(self):
        """The failing and warning ``manifest.*`` findings of the last audit
        (not waived), in code and object order."""
        self.ensure_one()
        Result = self.env["golive.check.result"].sudo()
        if not (self.manifest_id and self.check_run_id):
            return Result
        return Result.search(
            [
                ("run_id", "=", self.check_run_id.id),
                ("code", "=like", "manifest.%"),
                ("status", "in", ("warn", "fail", "error")),
                ("waived", "=", False),
            ],
            order="code, object_key",
        )

    def _golive_manifest_drift_html(self):
        """The drift of the ERP from the linked manifest, as QWeb renders it."""
        self.ensure_one()
        drift = self._golive_manifest_drift()
        return self.env["ir.qweb"]._render(
            "ipai_golive.golive_preflight_drift",
            {
                "checklist": self,
                "manifest": self.manifest_id,
                "run": self.check_run_id,
                "drift": drift[:PREFLIGHT_DRIFT_LINES],
                "drift_count": len(drift),
                "more": max(len(drift) - PREFLIGHT_DRIFT_LINES, 0),
            },
        )

    def action_view_manifest_drift(self):
        """The drift findings of the last audit, as a list: a Go-Live
        Manager's, as the findings are."""
        self.ensure_one()
        self.check_access("read")
        self.env["golive.check.result"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ipai_golive_checks.golive_check_result_action"
        )
        action.update(
            name=self.env._("Drift of %(name)s", name=self.display_name),
            domain=[("id", "in", self._golive_manifest_drift().ids)],
            context={},
        )
        return action

    def _golive_preflight_html(self, banner=True, stored=False):
        """The pre-flight summary: its counts (unless ``banner`` is false, as
        in the wizard, which shows them itself), the details folded below;
        ``stored`` on a decision (see :meth:`_golive_preflight_values`)."""
        return self.env["ir.qweb"]._render(
            "ipai_golive.golive_preflight_summary",
            dict(self._golive_preflight_values(stored=stored), no_banner=not banner),
        )

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
