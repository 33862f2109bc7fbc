# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models

from odoo.addons.ipai_golive_checks.models.golive_check_run import (
    GoliveCheckSelectionEmpty,
)

_logger = logging.getLogger(__name__)

# Context key: codes the scheduled self-audit already ran for the checklists.
SKIP_CODES_KEY = "golive_self_audit_skip_codes"


class GoliveCheckRun(models.Model):
    _inherit = "golive.check.run"

    @api.model
    def _gc_kept_runs(self):
        """Keep the last audit of every checklist (its tasks show its statuses)
        and the audits releases rest on."""
        checklists = self.env["golive.checklist"].sudo().with_context(active_test=False)
        releases = self.env["golive.release"].sudo()
        return (
            super()._gc_kept_runs()
            | checklists.search([("check_run_id", "!=", False)]).check_run_id
            | releases.search([("run_id", "!=", False)]).run_id
        )

    @api.model
    def _self_audit(self):
        """Audit the open checklists too, without running a check twice.

        The checks bound to the checklists of another environment than the
        server's run first, judged in that environment; then the engine's run
        of the enabled catalogue, minus the checks that already ran, judges
        the server's own environment and is the audit of its checklists. Their
        tasks follow the audit and alerts go out on change. All in the
        engine's transaction: the engine's cron commits it, never this code.
        """
        checklists = self.env["golive.checklist"].sudo()
        plan = checklists._self_audit_plan()
        default_env = (
            self.env["golive.check.registry"]
            .sudo()
            ._golive_resolve_environment(None)[0]
        )
        ran = set()
        for environment, (members, codes) in sorted(plan.items()):
            if environment == default_env:
                continue
            run = self.sudo()._run_checks(
                trigger="cron", environment=environment, codes=sorted(codes)
            )
            members._self_audit_apply(run)
            ran |= codes
            _logger.info(
                "Go-Live self-audit of %s checklist(s) in %s: score %s.",
                len(members),
                environment,
                run.score,
            )
        own, own_codes = plan.get(default_env, (checklists, set()))
        run = super(
            GoliveCheckRun,
            self.with_context(**{SKIP_CODES_KEY: sorted(ran - own_codes)}),
        )._self_audit()
        if run and own:
            own._self_audit_apply(run)
        return run

    @api.model
    def _run_checks(self, trigger="manual", environment=None, codes=None, **kwargs):
        """While the scheduled self-audit runs the rest of the catalogue
        (no ``codes`` given), leave out the checks that already ran for the
        checklists of other environments."""
        skip = set(self.env.context.get(SKIP_CODES_KEY) or ())
        model = self.with_context(**{SKIP_CODES_KEY: None})
        if skip and codes is None:
            checks = model.env["golive.check"].sudo()._sync_registry()
            codes = sorted(
                code
                for code, check in checks.items()
                if check.enabled and code not in skip
            )
            if not codes:
                raise GoliveCheckSelectionEmpty(
                    self.env._("Every enabled check ran for the checklists.")
                )
            # the rest of the catalogue: with the runs of the checklists of
            # other environments just before, the whole audit of the server
            kwargs.setdefault("scope", "complete")
        return super(GoliveCheckRun, model)._run_checks(
            trigger=trigger, environment=environment, codes=codes, **kwargs
        )
