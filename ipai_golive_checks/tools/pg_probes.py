# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probes of the PostgreSQL checks (``checks/postgres.py``): the
connection slots and their use, the sessions running or idle too long.

Plain functions of a database cursor: each reads the server's statistics and
returns the figures the check judges.
"""

from odoo.tools import SQL

# The sessions of this database running one query longer than a threshold,
# or idle in transaction longer than another; ``cron_lock`` tells a cron
# worker waiting on the job it runs (the row lock on ir_cron of
# ``ir.cron._acquire_one_job``). Query texts are left out on purpose: they
# may carry secrets; only whether the last one is the scheduler's job lock
# is read.
LONG_SESSIONS_QUERY = """
    SELECT pid, usename, application_name, state,
           EXTRACT(EPOCH FROM clock_timestamp() - query_start),
           EXTRACT(EPOCH FROM clock_timestamp() - state_change),
           state = 'idle in transaction'
           AND query ~ %s AND query ~ %s
           AND EXISTS (
               SELECT 1 FROM pg_locks l
                WHERE l.pid = a.pid AND l.granted
                  AND l.locktype = 'relation'
                  AND l.relation = to_regclass('ir_cron')
                  AND l.mode = 'RowShareLock')
      FROM pg_stat_activity a
     WHERE datname = current_database()
       AND pid != pg_backend_pid()
       AND backend_type = 'client backend'
       AND ((state = 'active'
             AND clock_timestamp() - query_start
                 > make_interval(secs => %s))
         OR (state IN ('idle in transaction',
                       'idle in transaction (aborted)')
             AND clock_timestamp() - state_change
                 > make_interval(secs => %s)))
     ORDER BY pid
"""


def connection_slots(settings):
    """``(max_connections, reserved, available)`` of the ``pg_settings``
    values ``settings``: ordinary roles are refused from max_connections
    minus the reserved slots (superuser_reserved_connections, plus
    reserved_connections on PostgreSQL 16+)."""
    max_connections = int(settings["max_connections"])
    reserved = int(settings.get("superuser_reserved_connections") or 0) + int(
        settings.get("reserved_connections") or 0
    )
    return max_connections, reserved, max(max_connections - reserved, 1)


def connection_counts(cr):
    """``(total, this database, active, idle in transaction)`` client
    connections of the server now."""
    # pg_stat_activity is a snapshot taken once per transaction: drop it
    cr.execute("SELECT pg_stat_clear_snapshot()")
    cr.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE datname = current_database()),
               count(*) FILTER (WHERE datname = current_database()
                                AND state = 'active'),
               count(*) FILTER (WHERE datname = current_database()
                                AND state LIKE 'idle in transaction%')
          FROM pg_stat_activity
         WHERE backend_type = 'client backend'
        """
    )
    return cr.fetchone()


def long_sessions(cr, long_query, idle_in_transaction):
    """``[(pid, user, application, state, query age, state age, cron lock)]``
    of the sessions of this database running one query longer than
    ``long_query`` seconds or idle in transaction longer than
    ``idle_in_transaction`` (see ``LONG_SESSIONS_QUERY``)."""
    # pg_stat_activity is a snapshot taken once per transaction: drop it
    cr.execute("SELECT pg_stat_clear_snapshot()")
    cr.execute(
        SQL(
            LONG_SESSIONS_QUERY,
            r"FOR\s+NO\s+KEY\s+UPDATE\s+SKIP\s+LOCKED",
            r"FROM\s+ir_cron\M",
            long_query,
            idle_in_transaction,
        )
    )
    return cr.fetchall()
