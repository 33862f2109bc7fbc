# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The task list read phase by phase: figures summed or averaged by the
group rows, and the bound checks as tags."""

from odoo import api, fields, models
from odoo.tools import SQL

from .golive_task import CLOSED_STATES


class GoliveTask(models.Model):
    _inherit = "golive.task"  # pylint: disable=consider-merging-classes-inherited

    # Not stored: the audit writes the tasks in one SQL statement, and the
    # group rows aggregate them in SQL from the stored state and verdict
    # (_read_group_select below).
    progress = fields.Float(
        compute="_compute_board_figures",
        aggregator="avg",
        help="Share of the tasks done or waived; N/A tasks leave the average, "
        "as they leave the checklist's progress.",
    )
    red_gate_count = fields.Integer(
        string="Red Gates",
        compute="_compute_board_figures",
        aggregator="sum",
    )
    check_ids = fields.Many2many(
        "golive.check",
        string="Bound Checks",
        compute="_compute_check_ids",
        help="The automated checks bound to this task (from its check codes).",
    )

    @api.depends("state", "is_red_gate")
    def _compute_board_figures(self):
        for task in self:
            task.progress = 1.0 if task.state in CLOSED_STATES else 0.0
            task.red_gate_count = int(task.is_red_gate)

    @api.depends("check_codes")
    def _compute_check_ids(self):
        codes = {code for task in self for code in task._check_code_list()}
        checks = self.env["golive.check"].search([("code", "in", list(codes))])
        by_code = {check.code: check.id for check in checks}
        for task in self:
            task.check_ids = [
                by_code[code] for code in task._check_code_list() if code in by_code
            ]

    def _read_group_select(self, aggregate_spec, query):
        # a phase's progress: the average over its applicable tasks
        if aggregate_spec == "progress:avg":
            state = self._field_to_sql(self._table, "state", query)
            return SQL(
                "(AVG(CASE WHEN %s IN %s THEN 1.0 ELSE 0.0 END) "
                "FILTER (WHERE %s != 'na'))::float8",
                state,
                CLOSED_STATES,
                state,
            )
        if aggregate_spec == "red_gate_count:sum":
            return SQL(
                "COUNT(*) FILTER (WHERE %s)",
                self._field_to_sql(self._table, "is_red_gate", query),
            )
        return super()._read_group_select(aggregate_spec, query)


class GolivePhase(models.Model):
    _inherit = "golive.phase"

    task_count = fields.Integer(string="Tasks", compute="_compute_board_figures")
    progress = fields.Float(
        compute="_compute_board_figures",
        help="Percentage of the phase's applicable tasks done or waived.",
    )
    red_gate_count = fields.Integer(
        string="Red Gates", compute="_compute_board_figures"
    )

    @api.depends("task_ids.state", "task_ids.is_red_gate")
    def _compute_board_figures(self):
        figures = {
            phase.id: (count, progress, red)
            for phase, count, progress, red in self.env["golive.task"]._read_group(
                [("phase_id", "in", self.ids)],
                ["phase_id"],
                ["__count", "progress:avg", "red_gate_count:sum"],
            )
        }
        for phase in self:
            count, progress, red = figures.get(phase.id, (0, 0.0, 0))
            phase.task_count = count
            phase.progress = 100.0 * (progress or 0.0)
            phase.red_gate_count = red


class GoliveChecklist(models.Model):
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    phase_board_ids = fields.One2many(
        related="phase_ids",
        string="Phases at a Glance",
        readonly=True,
    )
