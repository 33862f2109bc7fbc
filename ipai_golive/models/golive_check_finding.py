# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.ipai_golive_checks.tools.labels import object_labels
from odoo.addons.ipai_golive_checks.tools.vocabulary import (
    CATEGORIES,
    SEVERITIES,
    SEVERITY_RANK,
    STATUS_GRAVITY,
    STATUSES,
)

from ..tools.policy import FAILING_CHECKS


class GoliveCheckFinding(models.Model):
    """The current finding of every (check, object): the result of the last
    run of each check, beside its status in the run of that check before.

    A read-only SQL view over ``golive.check.result`` for the dashboard:
    what fails now (most severe first), counts by severity and category, and
    what changed since the previous run.
    """

    _name = "golive.check.finding"
    _description = "Go-Live Current Finding"
    _auto = False
    _order = "severity_rank desc, failing desc, code, object_key"
    _rec_name = "code"

    result_id = fields.Many2one("golive.check.result", readonly=True)
    run_id = fields.Many2one("golive.check.run", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    check_id = fields.Many2one("golive.check", readonly=True)
    date = fields.Datetime(readonly=True)
    code = fields.Char(readonly=True)
    title = fields.Char(readonly=True)
    category = fields.Selection(CATEGORIES, readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    severity_rank = fields.Integer(readonly=True)
    status = fields.Selection(STATUSES, readonly=True)
    previous_status = fields.Selection(
        [*STATUSES, ("absent", "Absent")],
        readonly=True,
        help="Status of the same object in the previous run of the check; "
        "Absent when that run had no finding for it.",
    )
    changed = fields.Boolean(
        readonly=True,
        help="The status differs from the previous run of the check.",
    )
    failing = fields.Boolean(readonly=True)
    waived = fields.Boolean(readonly=True)
    object_key = fields.Char(readonly=True)
    object_label = fields.Char(
        string="Object",
        compute="_compute_object_label",
        help="The object of the finding as people name it: a record's model "
        "and name rather than its key (res.company,1).",
    )
    message = fields.Text(readonly=True)

    @api.depends("object_key")
    def _compute_object_label(self):
        labels = object_labels(self.env, set(self.mapped("object_key")))
        for finding in self:
            finding.object_label = labels[finding.object_key]

    def _severity_rank_sql(self):
        return SQL(
            "CASE r.severity %s ELSE 0 END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", code, rank)
                for code, rank in SEVERITY_RANK.items()
            ),
        )

    def _view_query(self):
        """Runs of each check ranked newest first; the finding of the newest
        run beside the status of the same object in the run before."""
        return SQL(
            """
            WITH run_rank AS (
                SELECT code, run_id,
                       dense_rank() OVER (PARTITION BY code ORDER BY run_id DESC) AS rnk
                  FROM (SELECT DISTINCT code, run_id FROM golive_check_result) AS cr
            ), previous AS (
                SELECT DISTINCT ON (r.code, COALESCE(r.object_key, ''))
                       r.code, COALESCE(r.object_key, '') AS object_key, r.status
                  FROM golive_check_result r
                  JOIN run_rank rr ON rr.code = r.code AND rr.run_id = r.run_id
                 WHERE rr.rnk = 2
                 ORDER BY r.code, COALESCE(r.object_key, ''), %(gravity)s DESC
            )
            SELECT r.id AS id, r.id AS result_id, r.run_id, run.company_id,
                   r.check_id,
                   run.date_start AS date, r.code, r.title, r.category,
                   r.severity, %(rank)s AS severity_rank, r.status,
                   CASE
                       WHEN NOT EXISTS (
                           SELECT 1 FROM run_rank x WHERE x.code = r.code AND x.rnk = 2
                       ) THEN NULL
                       ELSE COALESCE(p.status, 'absent')
                   END AS previous_status,
                   EXISTS (
                       SELECT 1 FROM run_rank x WHERE x.code = r.code AND x.rnk = 2
                   ) AND COALESCE(p.status, 'absent') != r.status AS changed,
                   r.status IN %(failing)s AND NOT COALESCE(r.waived, false) AS failing,
                   COALESCE(r.waived, false) AS waived,
                   r.object_key, r.message
              FROM golive_check_result r
              JOIN run_rank rr
                ON rr.code = r.code AND rr.run_id = r.run_id AND rr.rnk = 1
              JOIN golive_check_run run ON run.id = r.run_id
              LEFT JOIN previous p
                     ON p.code = r.code AND p.object_key = COALESCE(r.object_key, '')
            """,
            rank=self._severity_rank_sql(),
            gravity=SQL(
                "CASE r.status %s ELSE 0 END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", code, rank)
                    for code, rank in STATUS_GRAVITY.items()
                ),
            ),
            failing=FAILING_CHECKS,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )

    def action_waive(self):
        """Waive this one finding (the result's own Waive)."""
        self.ensure_one()
        return self.result_id.action_waive()

    def action_open_result(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.check.result",
            "res_id": self.result_id.id,
            "view_mode": "form",
        }
