# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PostgreSQL: version, connection budget, current use, long sessions, size."""

from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL, config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import pg_probes

GB = 1024**3
# The database size is measured at most this often (pg_database_size stats
# every file of the database: ~0.1 s with a thousand tables).
SIZE_MAX_AGE = timedelta(days=1)


def _version_label(num):
    """``150004`` -> ``15.4`` (PostgreSQL >= 10 numbering)."""
    return f"{num // 10000}.{num % 10000}"


def _connection_demand():
    """Worst-case connections the configured server may open, with the formula.

    Each Odoo process owns a pool of up to ``db_maxconn`` connections
    (``odoo/sql_db.py``). In prefork mode (``workers > 0``) every HTTP worker
    and every cron worker is its own process, plus the gevent (websocket)
    process, whose pool is ``db_maxconn_gevent`` or ``db_maxconn``
    (``odoo/service/server.py``: ``PreforkServer.process_spawn``). In threaded
    mode one process serves HTTP and runs the cron threads on one pool.
    """
    workers = int(config.get("workers") or 0)
    crons = int(config.get("max_cron_threads") or 0)
    maxconn = int(config.get("db_maxconn") or 0)
    gevent = int(config.get("db_maxconn_gevent") or 0) or maxconn
    if workers > 0:
        demand = (workers + crons) * maxconn + gevent
        formula = (
            f"({workers} workers + {crons} cron workers) x db_maxconn {maxconn} "
            f"+ 1 gevent process x {gevent} = {demand}"
        )
        processes = workers + crons + 1
    else:
        demand = maxconn
        formula = (
            f"threaded mode (workers = 0): 1 process x db_maxconn {maxconn} = {demand}"
        )
        processes = 1
    return {
        "mode": "prefork" if workers > 0 else "threaded",
        "workers": workers,
        "max_cron_threads": crons,
        "db_maxconn": maxconn,
        "db_maxconn_gevent": gevent,
        "processes": processes,
        "demand": demand,
        "formula": formula,
    }


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_pg_settings(self, *names):
        self.env.cr.execute(
            SQL(
                "SELECT name, setting FROM pg_settings WHERE name IN %s",
                tuple(names),
            )
        )
        return dict(self.env.cr.fetchall())

    @golive_check(
        "postgres.version",
        title="PostgreSQL version supported",
        category="postgres",
        severity="high",
        remediation="Odoo 18 needs PostgreSQL 13 or later; upgrade the cluster "
        "(pg_upgrade or dump/restore) to the project's target version.",
        params={"min_version": 13, "target_version": 16},
    )
    def _check_postgres_version(self, ctx):
        self.env.cr.execute("SHOW server_version_num")
        num = int(self.env.cr.fetchone()[0])
        minimum = int(ctx.params["min_version"])
        target = int(ctx.params["target_version"])
        evidence = {
            "server_version": _version_label(num),
            "server_version_num": num,
            "min_version": minimum,
            "target_version": target,
        }
        label = _version_label(num)
        if num < minimum * 10000:
            yield Finding.fail(
                self.env._(
                    "PostgreSQL %(version)s is older than %(min)s, the oldest "
                    "version Odoo 18 supports.",
                    version=label,
                    min=minimum,
                ),
                "server_version",
                **evidence,
            )
        elif num < target * 10000:
            yield Finding.warn(
                self.env._(
                    "PostgreSQL %(version)s is supported but below the project's "
                    "target version %(target)s.",
                    version=label,
                    target=target,
                ),
                "server_version",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._("PostgreSQL %s.", label), "server_version", **evidence
            )

    @golive_check(
        "postgres.max_connections",
        title="max_connections covers the server's connection pools",
        category="postgres",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Lower db_maxconn (and db_maxconn_gevent) so that every "
        "process's pool fits, raise max_connections in postgresql.conf, or put "
        "a pooler (pgbouncer, transaction mode) between Odoo and PostgreSQL.",
        tags=("config", "performance"),
    )
    def _check_postgres_max_connections(self, ctx):
        settings = self._golive_pg_settings(
            "max_connections", "superuser_reserved_connections", "reserved_connections"
        )
        max_connections = int(settings["max_connections"])
        reserved = int(settings.get("superuser_reserved_connections") or 0) + int(
            settings.get("reserved_connections") or 0
        )
        available = max_connections - reserved
        demand = _connection_demand()
        evidence = dict(
            demand,
            max_connections=max_connections,
            reserved_connections=reserved,
            available=available,
        )
        if demand["demand"] <= available:
            yield Finding.pass_(
                self.env._(
                    "Worst case %(formula)s connections fit in the %(available)s "
                    "available (max_connections %(max)s - %(reserved)s reserved).",
                    formula=demand["formula"],
                    available=available,
                    max=max_connections,
                    reserved=reserved,
                ),
                "max_connections",
                **evidence,
            )
            return
        per_process = max(available // demand["processes"], 1)
        evidence["suggested_db_maxconn"] = per_process
        evidence["needed_max_connections"] = demand["demand"] + reserved
        yield Finding.fail(
            self.env._(
                "Worst case %(formula)s connections, but PostgreSQL accepts only "
                "%(available)s (max_connections %(max)s - %(reserved)s reserved); "
                "under load Odoo gets 'too many clients' errors. Set db_maxconn "
                "to at most %(suggest)s (%(available)s / %(processes)s processes), "
                "or raise max_connections to at least %(needed)s, or use "
                "pgbouncer. Other databases and clients of the cluster share the "
                "same budget.",
                formula=demand["formula"],
                available=available,
                max=max_connections,
                reserved=reserved,
                suggest=per_process,
                processes=demand["processes"],
                needed=demand["demand"] + reserved,
            ),
            "max_connections",
            **evidence,
        )

    @golive_check(
        "postgres.connections",
        title="PostgreSQL connections in use",
        category="postgres",
        severity="medium",
        remediation="Find who holds the connections (pg_stat_activity: "
        "application_name, client_addr); lower the pools or raise max_connections.",
        tags=("performance",),
        params={"warn_percent": 70, "fail_percent": 90},
    )
    def _check_postgres_connections(self, ctx):
        settings = self._golive_pg_settings(
            "max_connections", "superuser_reserved_connections", "reserved_connections"
        )
        max_connections, reserved, available = pg_probes.connection_slots(settings)
        total, this_db, active, idle_tx = pg_probes.connection_counts(self.env.cr)
        percent = round(100.0 * total / available, 1)
        evidence = {
            "connections": total,
            "this_database": this_db,
            "active": active,
            "idle_in_transaction": idle_tx,
            "max_connections": max_connections,
            "reserved_connections": reserved,
            "available": available,
            "percent": percent,
            "warn_percent": ctx.params["warn_percent"],
            "fail_percent": ctx.params["fail_percent"],
        }
        args = {"total": total, "max": available, "percent": percent, "db": this_db}
        if percent >= float(ctx.params["fail_percent"]):
            message = self.env._(
                "%(total)s of %(max)s available connections in use "
                "(%(percent)s%%), "
                "%(db)s on this database: new connections will soon be refused.",
                **args,
            )
            yield Finding.fail(message, "connections", **evidence)
            return
        message = self.env._(
            "%(total)s of %(max)s available connections in use "
            "(%(percent)s%%), "
            "%(db)s on this database.",
            **args,
        )
        status = "warn" if percent >= float(ctx.params["warn_percent"]) else "pass"
        yield Finding(status, message, "connections", evidence)

    @golive_check(
        "postgres.long_sessions",
        title="No long-running or idle-in-transaction sessions",
        category="postgres",
        severity="medium",
        remediation="Find the session in pg_stat_activity (pid, application); a "
        "session idle in transaction holds locks and blocks vacuum: fix the "
        "client, set idle_in_transaction_session_timeout, or "
        "pg_terminate_backend(pid).",
        tags=("performance",),
        params={
            "long_query_seconds": 300,
            "idle_in_transaction_seconds": 60,
            "cron_job_seconds": 3600,
        },
    )
    def _check_postgres_long_sessions(self, ctx):
        """Odoo's scheduler is recognised: a cron worker holds the row of the
        job it runs (``ir.cron._acquire_one_job``: ``FOR NO KEY UPDATE SKIP
        LOCKED`` on ir_cron) in a cursor that stays idle in transaction while
        the job runs in another one. That session is judged against the
        length of a job (``cron_job_seconds``), not as a forgotten
        transaction."""
        long_query = float(ctx.params["long_query_seconds"])
        idle_tx = float(ctx.params["idle_in_transaction_seconds"])
        cron_job = float(ctx.params["cron_job_seconds"])
        rows = pg_probes.long_sessions(self.env.cr, long_query, idle_tx)
        failed = 0
        for row in rows:
            finding = self._golive_session_finding(row, long_query, idle_tx, cron_job)
            if finding:
                failed += 1
                yield finding
        if not failed:
            yield Finding.pass_(
                self.env._(
                    "No query running longer than %(long)ss, no session idle in "
                    "transaction longer than %(idle)ss.",
                    long=long_query,
                    idle=idle_tx,
                ),
                "sessions",
                long_query_seconds=long_query,
                idle_in_transaction_seconds=idle_tx,
                cron_job_locks=len(rows) - failed,
            )

    def _golive_session_finding(self, row, long_query, idle_tx, cron_job):
        """The failure of a long session of :func:`pg_probes.long_sessions`;
        None for a cron worker whose job runs within ``cron_job`` seconds."""
        pid, user, app, state, query_age, state_age, cron_lock = row
        idle = state != "active"
        seconds = round(float(state_age if idle else query_age), 1)
        evidence = {
            "pid": pid,
            "user": user,
            "application_name": app or "",
            "state": state,
            "seconds": seconds,
            "threshold_seconds": idle_tx if idle else long_query,
        }
        args = {"pid": pid, "app": app or user, "seconds": seconds}
        if cron_lock:
            if seconds <= cron_job:
                return None  # a job running: its worker waits, as it should
            evidence.update(cron_job_lock=True, threshold_seconds=cron_job)
            message = self.env._(
                "Session %(pid)s (%(app)s) has held a scheduled action's "
                "lock for %(seconds)ss: its job runs longer than %(limit)ss.",
                limit=cron_job,
                **args,
            )
        elif idle:
            message = self.env._(
                "Session %(pid)s (%(app)s) has been idle in transaction for "
                "%(seconds)ss.",
                **args,
            )
        else:
            message = self.env._(
                "Session %(pid)s (%(app)s) has been running one query for "
                "%(seconds)ss.",
                **args,
            )
        return Finding.fail(message, f"pid:{pid}", **evidence)

    @golive_check(
        "postgres.db_size",
        title="Database size",
        category="postgres",
        severity="low",
        remediation="Plan disk, backup time and restore time for the database's "
        "size; look at the largest tables (mail_message, ir_attachment, logs) "
        "and their retention.",
        tags=("storage",),
        params={"warn_gb": 50, "fail_gb": 200},
    )
    def _check_postgres_db_size(self, ctx):
        measured = self._golive_db_size(ctx)
        size, pretty = measured["size_bytes"], measured["size"]
        warn_gb = float(ctx.params["warn_gb"])
        fail_gb = float(ctx.params["fail_gb"])
        evidence = {
            "size_bytes": size,
            "size": pretty,
            "largest_tables_bytes": measured["largest_tables_bytes"],
            "measured_at": measured["measured_at"],
            "warn_gb": warn_gb,
            "fail_gb": fail_gb,
        }
        if size > fail_gb * GB:
            yield Finding.fail(
                self.env._(
                    "The database takes %(size)s, above %(limit)s GB.",
                    size=pretty,
                    limit=fail_gb,
                ),
                "db_size",
                **evidence,
            )
        elif size > warn_gb * GB:
            yield Finding.warn(
                self.env._(
                    "The database takes %(size)s, above %(limit)s GB.",
                    size=pretty,
                    limit=warn_gb,
                ),
                "db_size",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._("The database takes %s.", pretty), "db_size", **evidence
            )

    def _golive_db_size(self, ctx):
        """Size of the database and of its 5 largest tables, measured at most
        once a day and kept in the check's memory (what a day adds is not
        what a size threshold in GB is about)."""
        cr = self.env.cr
        now = fields.Datetime.now()
        kept = ctx.memory.get("db_size") or {}
        if kept.get("database") == cr.dbname and kept.get("measured_at"):
            measured_at = fields.Datetime.to_datetime(kept["measured_at"])
            if timedelta(0) <= now - measured_at < SIZE_MAX_AGE:
                return kept
        cr.execute(
            "SELECT pg_database_size(current_database()), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        size, pretty = cr.fetchone()
        cr.execute(
            """
            SELECT c.relname, pg_total_relation_size(c.oid)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname = 'public'
             ORDER BY 2 DESC
             LIMIT 5
            """
        )
        ctx.memory["db_size"] = {
            "database": cr.dbname,
            "measured_at": fields.Datetime.to_string(now),
            "size_bytes": size,
            "size": pretty,
            "largest_tables_bytes": dict(cr.fetchall()),
        }
        return ctx.memory["db_size"]
