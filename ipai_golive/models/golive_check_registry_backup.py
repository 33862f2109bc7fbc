# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The app's checks of its backups (``golive.backup`` lives in the app)."""

from datetime import timedelta

from odoo import fields, models
from odoo.tools import config

from odoo.addons.ipai_golive_checks.models.golive_check_registry import (
    Finding,
    golive_check,
)

from ..tools import backup as tools


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    @golive_check(
        "backup.recent",
        title="A recent backup passed its restore test",
        category="storage",
        severity="critical",
        severity_by_env={"dev": "low"},
        params={"max_age_hours": 24},
        remediation="Back Up Now from the checklist (Go-Live > Checklists) and "
        "wait for its restore test to pass; fix what the failed backup or "
        "restore test says first.",
        tags=("backup",),
    )
    def _check_backup_recent(self, ctx):
        """The newest backup of this database that passed its restore test is
        younger than ``max_age_hours``."""
        backups = self.env["golive.backup"].sudo()
        hours = float(ctx.params["max_age_hours"])
        verified = backups._golive_last_verified()
        last = backups.search(
            [("database", "=", self.env.cr.dbname)], order="id desc", limit=1
        )
        evidence = {"max_age_hours": hours}
        if not verified:
            yield Finding.fail(
                self.env._(
                    "No backup of this database passed its restore test: nothing "
                    "proven to restore from."
                ),
                "backup",
                **evidence,
            )
            return
        taken = verified.date_end or verified.create_date
        age = fields.Datetime.now() - taken
        evidence.update(
            backup=verified.name,
            taken=fields.Datetime.to_string(taken),
            age_hours=round(age.total_seconds() / 3600, 1),
            dump_sha256=verified.dump_sha256,
        )
        if age > timedelta(hours=hours):
            yield Finding.fail(
                self.env._(
                    "The last verified backup %(name)s is %(age)s h old (at most "
                    "%(max)s h): back up again right before cutover.",
                    name=verified.name,
                    age=evidence["age_hours"],
                    max=hours,
                ),
                "backup",
                **evidence,
            )
        elif last != verified and last.restore_state == "failed":
            yield Finding.fail(
                self.env._(
                    "The restore test of the last backup %(name)s failed: the "
                    "backups no longer restore.",
                    name=last.name,
                ),
                "backup",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Backup %(name)s passed its restore test %(age)s h ago.",
                    name=verified.name,
                    age=evidence["age_hours"],
                ),
                "backup",
                **evidence,
            )

    @golive_check(
        "backup.cron_time_limit",
        title="The backup job outlives the cron watchdog",
        category="storage",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="In the Odoo configuration file, set limit_time_real_cron = 0 "
        "(no limit for cron jobs) or at least golive_backup_timeout, then "
        "restart Odoo.",
        tags=("backup",),
    )
    def _check_backup_cron_time_limit(self, ctx):
        """In workers mode the cron worker is killed after
        ``limit_time_real_cron`` (default: ``limit_time_real``): it must
        leave the backup job its ``golive_backup_timeout``."""
        timeout = self.env["golive.backup"]._golive_timeout()
        limit = tools.cron_time_limit(config.options)
        evidence = {"golive_backup_timeout": timeout, "cron_time_limit": limit}
        problem = tools.cron_limit_problem(config.options, timeout)
        if problem:
            yield Finding.fail(problem, "limit_time_real_cron", **evidence)
        elif limit is None:
            yield Finding.pass_(
                self.env._("No cron time limit applies to the backup job."),
                "limit_time_real_cron",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Cron jobs may run %(limit)s s, the backup job needs at most "
                    "%(timeout)s s.",
                    limit=limit,
                    timeout=timeout,
                ),
                "limit_time_real_cron",
                **evidence,
            )
