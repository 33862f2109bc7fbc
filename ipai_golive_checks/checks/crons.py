# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL, config

from odoo.addons.base.models.ir_cron import (
    MIN_DELTA_BEFORE_DEACTIVATION,
    MIN_FAILURE_COUNT_BEFORE_DEACTIVATION,
)

from ..models.golive_check_registry import Finding, golive_check


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_cron_keys(self, cron_ids):
        """Stable keys of crons: their XML id, else ``ir.cron,<id>``."""
        keys = {cron_id: f"ir.cron,{cron_id}" for cron_id in cron_ids}
        if cron_ids:
            self.env.cr.execute(
                SQL(
                    "SELECT res_id, module || '.' || name FROM ir_model_data "
                    "WHERE model = 'ir.cron' AND res_id = ANY(%s) ORDER BY id",
                    list(cron_ids),
                )
            )
            keys.update(self.env.cr.fetchall())
        return keys

    def _golive_cron_names(self, cron_ids):
        if not cron_ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT c.id, a.name->>'en_US' FROM ir_cron c "
                "JOIN ir_act_server a ON a.id = c.ir_actions_server_id "
                "WHERE c.id = ANY(%s)",
                list(cron_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @golive_check(
        "crons.overdue",
        title="No scheduled action overdue",
        category="crons",
        severity="medium",
        remediation="Check the cron worker (max_cron_threads, logs) and why the job "
        "does not run; run it by hand from Settings > Scheduled Actions.",
        params={"tolerance_minutes": 60},
    )
    def _check_crons_overdue(self, ctx):
        now = fields.Datetime.now()
        limit = now - timedelta(minutes=int(ctx.params["tolerance_minutes"]))
        self.env.cr.execute(
            SQL(
                "SELECT id, nextcall FROM ir_cron "
                "WHERE active AND nextcall < %s ORDER BY nextcall, id",
                limit,
            )
        )
        rows = self.env.cr.fetchall()
        keys = self._golive_cron_keys([row[0] for row in rows])
        names = self._golive_cron_names([row[0] for row in rows])
        for cron_id, nextcall in rows:
            name = names.get(cron_id)
            late = int((now - nextcall).total_seconds() // 60)
            yield Finding.fail(
                self.env._(
                    "Scheduled action %(name)r is %(late)s minutes late.",
                    name=name,
                    late=late,
                ),
                keys[cron_id],
                cron_id=cron_id,
                nextcall=fields.Datetime.to_string(nextcall),
                minutes_late=late,
            )
        if not rows:
            yield Finding.pass_(
                self.env._(
                    "No active scheduled action is overdue by more than "
                    "%(minutes)s minutes.",
                    minutes=ctx.params["tolerance_minutes"],
                )
            )

    @golive_check(
        "crons.failing",
        title="No scheduled action failing",
        category="crons",
        severity="medium",
        remediation="Read the server log for the job's traceback and fix the cause "
        "now: Odoo switches a job off by itself after 5 consecutive failures over "
        "7 days, resets its counters, and never switches it back on.",
        params={"grace_hours": 1},
    )
    def _check_crons_failing(self, ctx):
        """A job failing since longer than ``grace_hours`` fails; a failure
        younger than that (a transient error the next call may clear) warns."""
        self.env.cr.execute(
            "SELECT id, failure_count, first_failure_date, lastcall, active "
            "FROM ir_cron WHERE failure_count > 0 ORDER BY failure_count DESC, id"
        )
        rows = self.env.cr.fetchall()
        keys = self._golive_cron_keys([row[0] for row in rows])
        names = self._golive_cron_names([row[0] for row in rows])
        now = fields.Datetime.now()
        grace = timedelta(hours=float(ctx.params["grace_hours"]))
        for cron_id, count, first_failure, lastcall, active in rows:
            name = names.get(cron_id)
            evidence = {
                "cron_id": cron_id,
                "failure_count": count,
                "first_failure_date": fields.Datetime.to_string(first_failure),
                "lastcall": fields.Datetime.to_string(lastcall),
                "active": active,
            }
            if first_failure and first_failure + grace > now:
                yield Finding.warn(
                    self.env._(
                        "Scheduled action %(name)r failed %(count)s times since "
                        "%(since)s (UTC).",
                        name=name,
                        count=count,
                        since=evidence["first_failure_date"],
                    ),
                    keys[cron_id],
                    **evidence,
                )
                continue
            switch_off = (first_failure or now) + MIN_DELTA_BEFORE_DEACTIVATION
            evidence["switched_off_after"] = fields.Datetime.to_string(switch_off)
            yield Finding.fail(
                self.env._(
                    "Scheduled action %(name)r failed %(count)s times in a row since "
                    "%(since)s (UTC); Odoo switches it off at its %(min)sth failure "
                    "after %(deadline)s.",
                    name=name,
                    count=count,
                    since=evidence["first_failure_date"],
                    min=MIN_FAILURE_COUNT_BEFORE_DEACTIVATION,
                    deadline=evidence["switched_off_after"],
                ),
                keys[cron_id],
                **evidence,
            )
        if not rows:
            yield Finding.pass_(self.env._("No scheduled action is failing."))

    @golive_check(
        "crons.deactivated",
        title="No scheduled action deactivated since the previous run",
        category="crons",
        severity="medium",
        remediation="Find out why the job was deactivated (Odoo deactivates a job "
        "that keeps failing and resets its counters), fix it and reactivate it, "
        "or waive this finding if it was switched off on purpose.",
    )
    def _check_crons_deactivated(self, ctx):
        """Remember inactive crons between runs: Odoo leaves no trace itself.

        Memory: the inactive cron ids and the highest cron id at the previous
        run, and the crons seen deactivated (kept until reactivated or deleted).
        Only inactive crons are read, so the cost does not grow with the number
        of active ones.
        """
        first_run = "max_id" not in ctx.memory
        inactive, deactivated = self._golive_crons_remember_inactive(ctx.memory)
        if first_run:
            yield Finding.pass_(
                self.env._(
                    "First run: %(count)s inactive scheduled actions remembered.",
                    count=len(inactive),
                ),
                inactive_crons=len(inactive),
            )
            return
        keys = self._golive_cron_keys(list(deactivated))
        names = self._golive_cron_names(list(deactivated))
        for cron_id, since in sorted(deactivated.items()):
            yield Finding.fail(
                self.env._(
                    "Scheduled action %(name)r was deactivated (seen "
                    "inactive since %(since)s).",
                    name=names.get(cron_id),
                    since=since,
                ),
                keys[cron_id],
                cron_id=cron_id,
                seen_inactive_since=since,
            )
        if not deactivated:
            yield Finding.pass_(
                self.env._(
                    "No scheduled action was deactivated since the previous run."
                )
            )

    def _golive_crons_remember_inactive(self, memory):
        """Update ``memory`` with the crons inactive now; return them and the
        crons seen deactivated, ``{cron_id: 'YYYY-MM-DD'}`` (since when)."""
        cr = self.env.cr
        cr.execute("SELECT id FROM ir_cron WHERE NOT active")
        inactive = {row[0] for row in cr.fetchall()}
        cr.execute("SELECT max(id) FROM ir_cron")
        max_id = cr.fetchone()[0] or 0
        first_run = "max_id" not in memory
        previous_inactive = set(memory.get("inactive", []))
        previous_max_id = memory.get("max_id", 0)
        deactivated = {
            int(cron_id): since
            for cron_id, since in memory.get("deactivated", {}).items()
            if int(cron_id) in inactive
        }
        today = fields.Date.to_string(fields.Date.today())
        if not first_run:
            for cron_id in inactive - previous_inactive - set(deactivated):
                if cron_id <= previous_max_id:  # existed, active, at the last run
                    deactivated[cron_id] = today
        memory.clear()
        memory.update(
            inactive=sorted(inactive),
            max_id=max_id,
            deactivated={str(k): v for k, v in sorted(deactivated.items())},
        )
        return inactive, deactivated

    @golive_check(
        "crons.scheduler_alive",
        title="The cron scheduler is alive",
        category="crons",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Run the server with max_cron_threads >= 1 (and a cron worker "
        "in multi-process mode); check that no job blocks the cron threads.",
        params={"stuck_minutes": 120, "progress_hours": 48},
    )
    def _check_crons_scheduler_alive(self, ctx):
        now = fields.Datetime.now()
        yield self._golive_cron_threads_finding()
        self.env.cr.execute("SELECT min(nextcall) FROM ir_cron WHERE active")
        oldest = self.env.cr.fetchone()[0]
        yield self._golive_cron_nextcall_finding(
            now, oldest, int(ctx.params["stuck_minutes"])
        )
        yield self._golive_cron_progress_finding(
            now, oldest, int(ctx.params["progress_hours"])
        )

    def _golive_cron_threads_finding(self):
        threads = config.get("max_cron_threads", 0)
        if threads and threads > 0:
            return Finding.pass_(
                self.env._("%(count)s cron thread(s) configured.", count=threads),
                "max_cron_threads",
                max_cron_threads=threads,
            )
        return Finding.fail(
            self.env._("max_cron_threads is 0: no scheduled action will run."),
            "max_cron_threads",
            max_cron_threads=threads,
        )

    def _golive_cron_nextcall_finding(self, now, oldest, stuck_minutes):
        """``oldest``: the earliest next call of an active job."""
        late = int((now - oldest).total_seconds() // 60) if oldest else 0
        if late > stuck_minutes:
            return Finding.fail(
                self.env._(
                    "The most overdue job should have run %(minutes)s minutes ago: "
                    "the scheduler looks stuck.",
                    minutes=late,
                ),
                "nextcall",
                oldest_nextcall=fields.Datetime.to_string(oldest),
                minutes_late=late,
            )
        return Finding.pass_(
            self.env._(
                "No job is more than %(minutes)s minutes late.",
                minutes=stuck_minutes,
            ),
            "nextcall",
            minutes_late=max(late, 0),
        )

    def _golive_cron_progress_finding(self, now, oldest, progress_hours):
        """A job ran within ``progress_hours`` (``ir.cron.progress``), or no
        job has been due for that long."""
        self.env.cr.execute("SELECT max(create_date) FROM ir_cron_progress")
        last_progress = self.env.cr.fetchone()[0]
        evidence = {"last_progress": fields.Datetime.to_string(last_progress)}
        window = now - timedelta(hours=progress_hours)
        if last_progress and last_progress >= window:
            message = self.env._(
                "A job ran at %(date)s.", date=evidence["last_progress"]
            )
            return Finding.pass_(message, "ir.cron.progress", **evidence)
        if oldest and oldest < window:
            message = self.env._(
                "No job has run for %(hours)s hours while jobs are due.",
                hours=progress_hours,
            )
            return Finding.fail(message, "ir.cron.progress", **evidence)
        message = self.env._(
            "No due job has waited for a run longer than %(hours)s hours.",
            hours=progress_hours,
        )
        return Finding.pass_(message, "ir.cron.progress", **evidence)

    @golive_check(
        "crons.queue_job_backlog",
        title="No OCA queue_job backlog",
        category="crons",
        severity="medium",
        remediation="Check that the job runner runs (server_wide_modules includes "
        "queue_job, workers > 0, [queue_job] channels set) and read the failed "
        "jobs' exception_info; requeue them once fixed.",
        params={"max_wait_minutes": 60},
    )
    def _check_crons_queue_job_backlog(self, ctx):
        """Jobs pending or enqueued for longer than ``max_wait_minutes``
        fail; failed jobs warn. Skipped when queue_job is not installed."""
        installed = self.env["ir.module.module"].search_count(
            [("name", "=", "queue_job"), ("state", "=", "installed")]
        )
        if not installed:
            yield Finding.skip(
                self.env._("OCA queue_job is not installed: no job queue."),
                "queue_job",
            )
            return
        max_wait = int(ctx.params["max_wait_minutes"])
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FILTER (WHERE state IN ('pending', 'enqueued')"
                " AND date_created < now() at time zone 'UTC' - %s),"
                " count(*) FILTER (WHERE state IN ('pending', 'enqueued')),"
                " count(*) FILTER (WHERE state = 'failed')"
                " FROM queue_job",
                timedelta(minutes=max_wait),
            )
        )
        late, waiting, failed = self.env.cr.fetchone()
        evidence = {
            "late": late,
            "waiting": waiting,
            "failed": failed,
            "max_wait_minutes": max_wait,
        }
        if late:
            yield Finding.fail(
                self.env._(
                    "%(late)s of %(waiting)s waiting jobs wait for more than "
                    "%(minutes)s minutes.",
                    late=late,
                    waiting=waiting,
                    minutes=max_wait,
                ),
                "backlog",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "%(waiting)s jobs waiting, none for more than %(minutes)s minutes.",
                    waiting=waiting,
                    minutes=max_wait,
                ),
                "backlog",
                **evidence,
            )
        if failed:
            yield Finding.warn(
                self.env._("%(count)s jobs failed.", count=failed),
                "failed",
                **evidence,
            )
