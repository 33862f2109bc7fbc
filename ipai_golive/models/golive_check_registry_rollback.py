# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The app's checks of its rollbacks: the gates "Install/upgrade test" (§3.2)
and "Rollback plan tested" (§0) follow what really ran (``golive.release``,
``golive.rollback`` and ``golive.backup`` live in the app)."""

from datetime import timedelta

from odoo import fields, models

from odoo.addons.ipai_golive_checks.models.golive_check_registry import (
    Finding,
    golive_check,
)
from odoo.addons.ipai_golive_checks.tools.origin import installed_modules


def _age_days(when):
    return round((fields.Datetime.now() - when).total_seconds() / 86400, 1)


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_last_guarded_update(self):
        """The newest guarded update of this database that ended well:
        ``(date, label, release)`` of a clean one (the release it took) or of
        one rolled back by its own restore (no release), or ``(False, False,
        no release)``."""
        release = (
            self.env["golive.release"]
            .sudo()
            .search([("trigger", "=", "update")], order="date desc, id desc", limit=1)
        )
        rollback = (
            self.env["golive.rollback"]
            .sudo()
            .search(
                [
                    ("trigger", "=", "update"),
                    ("state", "=", "done"),
                    ("database", "=", self.env.cr.dbname),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        candidates = []
        if release:
            candidates.append(
                (
                    release.date,
                    self.env._(
                        "the guarded update of release %(name)s", name=release.name
                    ),
                    release,
                )
            )
        if rollback:
            candidates.append(
                (
                    rollback.date,
                    self.env._(
                        "the guarded update of %(modules)s, rolled back to backup "
                        "%(backup)s",
                        modules=rollback.update_modules or "?",
                        backup=rollback.backup_name or "?",
                    ),
                    release.browse(),
                )
            )
        if not candidates:
            return False, False, release.browse()
        return max(candidates, key=lambda c: c[0])

    def _golive_modules_unchanged_since(self, release):
        """Whether the installed modules and their versions are still those
        the release ``release`` recorded (nothing was updated since)."""
        if not release or not release.module_data:
            return False
        recorded = {
            name: row.get("version") for name, row in release.module_data.items()
        }
        now = {
            name: row["version"] for name, row in installed_modules(self.env.cr).items()
        }
        return recorded == now

    @golive_check(
        "rollback.update_tested",
        title="A guarded update ran recently",
        category="storage",
        severity="high",
        severity_by_env={"dev": "low"},
        params={"max_age_days": 30},
        remediation="Run odoo-bin golive-update -c CONF -d DB -u MODULES on "
        "staging (a copy of production): it backs up, updates, audits and rolls "
        "back by itself when the update breaks a check.",
        tags=("rollback",),
    )
    def _check_rollback_update_tested(self, ctx):
        """The newest guarded ``odoo-bin golive-update`` that completed
        cleanly (a release) or rolled back correctly is younger than
        ``max_age_days``, or no module changed since the clean one: a live
        database nobody updates has no new update path to test."""
        days = float(ctx.params["max_age_days"])
        when, label, release = self._golive_last_guarded_update()
        evidence = {"max_age_days": days}
        if not when:
            yield Finding.fail(
                self.env._(
                    "No guarded update (odoo-bin golive-update) completed on this "
                    "database: the update path is untested."
                ),
                "golive-update",
                **evidence,
            )
            return
        evidence.update(date=fields.Datetime.to_string(when), age_days=_age_days(when))
        too_old = when < fields.Datetime.now() - timedelta(days=days)
        if too_old and self._golive_modules_unchanged_since(release):
            yield Finding.pass_(
                self.env._(
                    "Tested by %(what)s, %(age)s days ago; no module was installed, "
                    "removed or updated since.",
                    what=label,
                    age=evidence["age_days"],
                ),
                "golive-update",
                **evidence,
            )
        elif too_old:
            yield Finding.fail(
                self.env._(
                    "The last guarded update, %(what)s, is %(age)s days old (at "
                    "most %(max)s): run golive-update again.",
                    what=label,
                    age=evidence["age_days"],
                    max=days,
                ),
                "golive-update",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Tested by %(what)s, %(age)s days ago.",
                    what=label,
                    age=evidence["age_days"],
                ),
                "golive-update",
                **evidence,
            )

    def _golive_last_restore_drill(self):
        """The newest proof that a backup of this database restores: a done
        rollback (golive-restore, a Roll Back from the app, a guarded update's
        restore) or a passed restore test; ``(date, label)`` or
        ``(False, False)``. Also the newest failed Roll Back (or False)."""
        Rollback = self.env["golive.rollback"].sudo()
        database = [("database", "=", self.env.cr.dbname)]
        rollback = Rollback.search(
            [("state", "=", "done"), *database], order="date desc, id desc", limit=1
        )
        tested = self.env["golive.backup"].sudo()._golive_last_verified()
        candidates = []
        if rollback:
            candidates.append(
                (
                    rollback.date,
                    self.env._(
                        "rollback %(name)s (%(trigger)s)",
                        name=rollback.name,
                        trigger=dict(
                            Rollback._fields["trigger"]._description_selection(self.env)
                        )[rollback.trigger],
                    ),
                )
            )
        if tested and tested.restore_date:
            candidates.append(
                (
                    tested.restore_date,
                    self.env._("the restore test of backup %(name)s", name=tested.name),
                )
            )
        failed = Rollback.search(
            [("state", "=", "failed"), *database], order="date desc, id desc", limit=1
        )
        if not candidates:
            return False, False, failed
        when, label = max(candidates, key=lambda c: c[0])
        return when, label, failed.filtered(lambda r: r.date >= when)

    @golive_check(
        "rollback.restore_drill",
        title="A restore or rollback drill ran recently",
        category="storage",
        severity="high",
        severity_by_env={"dev": "low"},
        params={"max_age_days": 30},
        remediation="Drill the rollback: odoo-bin golive-restore -c CONF -d DB "
        "--keep-current on staging, or Roll Back a restore point from the "
        "checklist; a backup whose restore test passes counts too.",
        tags=("rollback", "backup"),
    )
    def _check_rollback_restore_drill(self, ctx):
        """The newest restore of this database (a done rollback, a passed
        restore test) is younger than ``max_age_days``, and no Roll Back
        failed since."""
        days = float(ctx.params["max_age_days"])
        when, label, failed = self._golive_last_restore_drill()
        evidence = {"max_age_days": days}
        if failed:
            evidence["failed_rollback"] = failed.name
        if not when:
            yield Finding.fail(
                self.env._(
                    "No backup of this database was ever restored (no rollback, no "
                    "passed restore test): the rollback plan is untested."
                ),
                "restore",
                **evidence,
            )
            return
        evidence.update(date=fields.Datetime.to_string(when), age_days=_age_days(when))
        if failed:
            yield Finding.fail(
                self.env._(
                    "The rollback %(name)s failed after %(what)s: %(message)s",
                    name=failed.name,
                    what=label,
                    message=failed.message or "-",
                ),
                "restore",
                **evidence,
            )
        elif when < fields.Datetime.now() - timedelta(days=days):
            yield Finding.fail(
                self.env._(
                    "The last restore, %(what)s, is %(age)s days old (at most "
                    "%(max)s): drill the rollback again.",
                    what=label,
                    age=evidence["age_days"],
                    max=days,
                ),
                "restore",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Restored by %(what)s, %(age)s days ago.",
                    what=label,
                    age=evidence["age_days"],
                ),
                "restore",
                **evidence,
            )
