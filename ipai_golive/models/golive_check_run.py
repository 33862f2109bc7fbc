# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models

from odoo.addons.ipai_golive_checks.models.golive_check_run import (
    GoliveCheckRunLocked,
    GoliveCheckSelectionEmpty,
)

_logger = logging.getLogger(__name__)

# Context key: codes the scheduled self-audit already ran for the checklists.
SKIP_CODES_KEY = "golive_self_audit_skip_codes"


class GoliveCheckRun(models.Model):
    _inherit = "golive.check.run"

    @api.model
    def _gc_kept_runs(self):
        """Keep the last audit of every checklist: its tasks show its statuses."""
        checklists = self.env["golive.checklist"].sudo().with_context(active_test=False)
        return (
            super()._gc_kept_runs()
            | checklists.search([("check_run_id", "!=", False)]).check_run_id
        )

    @api.model
    def _cron_self_audit(self):
        """First the checks bound to the open checklists, each judged in its
        checklist's environment (their tasks follow, alerts go out on change),
        then the rest of the enabled catalogue once."""
        try:
            ran = self.env["golive.checklist"]._self_audit_open_checklists()
        except GoliveCheckRunLocked:
            _logger.info("Go-Live self-audit skipped: another run is in progress.")
            return False
        return super(
            GoliveCheckRun, self.with_context(**{SKIP_CODES_KEY: sorted(ran)})
        )._cron_self_audit()

    @api.model
    def _run_checks(self, *args, **kwargs):
        skip = set(self.env.context.get(SKIP_CODES_KEY) or ())
        if skip and kwargs.get("codes") is None and not args[2:3]:
            self = self.with_context(**{SKIP_CODES_KEY: None})
            checks = self.env["golive.check"].sudo()._sync_registry()
            kwargs["codes"] = sorted(
                code
                for code, check in checks.items()
                if check.enabled and code not in skip
            )
            if not kwargs["codes"]:
                raise GoliveCheckSelectionEmpty(
                    self.env._("Every enabled check ran for the checklists.")
                )
        return super()._run_checks(*args, **kwargs)
