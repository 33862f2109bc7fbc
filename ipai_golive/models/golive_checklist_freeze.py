# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The change freeze after go-live and the module drift from the go-live snapshot."""

import json
from datetime import timedelta

from odoo import api, fields, models

# Where the freeze window applies: the release runs in production.
FROZEN_STATES = ("live", "stabilizing")


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    freeze_days = fields.Integer(
        default=lambda self: self._default_freeze_days(),
        tracking=True,
        help="Change freeze after go-live (hotfixes only), in days.",
    )
    date_freeze_end = fields.Datetime(
        string="Freeze Ends", compute="_compute_date_freeze_end", store=True
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

    @api.depends("date_live", "freeze_days")
    def _compute_date_freeze_end(self):
        for checklist in self:
            checklist.date_freeze_end = checklist.date_live and (
                checklist.date_live + timedelta(days=checklist.freeze_days)
            )

    @api.depends("state", "date_freeze_end")
    def _compute_is_frozen(self):
        now = fields.Datetime.now()
        for checklist in self:
            checklist.is_frozen = bool(
                checklist.state in FROZEN_STATES
                and checklist.date_freeze_end
                and checklist.date_freeze_end > now
            )

    @api.depends("module_versions")
    def _compute_module_drift(self):
        for checklist in self:
            checklist.module_drift = "\n".join(
                line for line, _name in checklist._golive_module_drift()
            )

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
