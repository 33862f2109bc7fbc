# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Prometheus metrics of the stored self-audits of a fleet of databases.

Plain Python over a database cursor: nothing here runs a check. For each
database, :func:`collect_database` reads the latest stored run with a fixed
number of queries (whatever the number of checks, runs or checklists), and
:func:`exposition` turns the snapshots into the Prometheus text format with
``prometheus_client``'s own registry and ``generate_latest``.

Labels carry database names, check codes, severities, statuses and checklist
names only: never an object key, message or evidence, where a secret could
hide.
"""

import dataclasses
import time

from prometheus_client import CollectorRegistry, Gauge, generate_latest

# The value of golive_check_status: the gravity of the worst finding.
STATUS_VALUE = {"skipped": -1, "pass": 0, "warn": 1, "fail": 2, "error": 3}
OPEN_CHECKLIST_STATES = ("draft", "in_progress", "ready", "live", "stabilizing")
GATE_LABELS = ["db", "checklist", "state"]


@dataclasses.dataclass
class DatabaseSnapshot:
    """What one database's latest stored run says, ready to be exposed."""

    db: str
    installed: bool = False
    run_id: int | None = None
    environment: str = ""
    score: float = 0.0
    run_timestamp: float = 0.0
    findings: dict = dataclasses.field(default_factory=dict)  # (status, sev) -> n
    waived: int = 0
    checks: dict = dataclasses.field(default_factory=dict)  # code -> (sev, status)
    checklists: list = dataclasses.field(default_factory=list)  # dicts


def _table_exists(cr, table):
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
    return cr.fetchone()[0]


def collect_database(cr, db):
    """A :class:`DatabaseSnapshot` of ``db`` read through ``cr`` (read only)."""
    snapshot = DatabaseSnapshot(db=db)
    if not _table_exists(cr, "golive_check_run"):
        return snapshot
    cr.execute(
        "SELECT state = 'installed' FROM ir_module_module "
        "WHERE name = 'ipai_golive_checks'"
    )
    row = cr.fetchone()
    snapshot.installed = bool(row and row[0])
    if not snapshot.installed:
        return snapshot
    cr.execute(
        "SELECT id, environment, score, "
        "EXTRACT(EPOCH FROM COALESCE(date_end, date_start)) "
        "FROM golive_check_run ORDER BY date_start DESC, id DESC LIMIT 1"
    )
    row = cr.fetchone()
    if row:
        snapshot.run_id, snapshot.environment = row[0], row[1] or ""
        snapshot.score, snapshot.run_timestamp = float(row[2] or 0), float(row[3] or 0)
        _collect_results(cr, snapshot)
    if _table_exists(cr, "golive_checklist") and _table_exists(cr, "golive_task"):
        _collect_checklists(cr, snapshot)
    return snapshot


def _collect_results(cr, snapshot):
    cr.execute(
        "SELECT code, severity, status, waived FROM golive_check_result "
        "WHERE run_id = %s",
        (snapshot.run_id,),
    )
    for code, severity, status, waived in cr.fetchall():
        if waived:
            snapshot.waived += 1
            snapshot.checks.setdefault(code, (severity, "pass"))
            continue
        key = (status, severity)
        snapshot.findings[key] = snapshot.findings.get(key, 0) + 1
        previous = snapshot.checks.get(code)
        if previous is None or STATUS_VALUE[status] > STATUS_VALUE[previous[1]]:
            snapshot.checks[code] = (severity, status)


def _collect_checklists(cr, snapshot):
    cr.execute(
        """
        SELECT c.id, c.name, c.state,
               EXTRACT(EPOCH FROM c.date_golive::timestamp),
               EXTRACT(EPOCH FROM c.date_freeze_end),
               COUNT(t.id) FILTER (WHERE t.is_red_gate)
          FROM golive_checklist c
          LEFT JOIN golive_task t ON t.checklist_id = c.id
         WHERE c.state IN %s AND c.active
         GROUP BY c.id
         ORDER BY c.id
        """,
        (OPEN_CHECKLIST_STATES,),
    )
    for row in cr.fetchall():
        snapshot.checklists.append(
            {
                "id": row[0],
                "name": row[1],
                "state": row[2],
                "golive": float(row[3]) if row[3] is not None else None,
                "freeze_end": float(row[4]) if row[4] is not None else None,
                "red_gates": row[5],
            }
        )


def exposition(snapshots, now=None):
    """The Prometheus text exposition (bytes) of the database snapshots."""
    now = time.time() if now is None else now
    registry = CollectorRegistry(auto_describe=True)

    def gauge(name, documentation, labels):
        return Gauge(name, documentation, labels, registry=registry)

    up = gauge("golive_database_up", "1 if ipai_golive_checks is installed.", ["db"])
    score = gauge("golive_score", "Score (0-100) of the latest run.", ["db", "env"])
    findings = gauge(
        "golive_findings",
        "Findings of the latest run (waived ones left out).",
        ["db", "status", "severity"],
    )
    waived = gauge("golive_findings_waived", "Waived findings of the run.", ["db"])
    check = gauge(
        "golive_check_status",
        "Worst status of a check in the latest run: "
        "-1 skipped, 0 pass, 1 warn, 2 fail, 3 error.",
        ["db", "code", "severity"],
    )
    run_ts = gauge(
        "golive_last_run_timestamp_seconds", "End of the latest run.", ["db"]
    )
    run_age = gauge("golive_last_run_age_seconds", "Age of the latest run.", ["db"])
    red = gauge(
        "golive_checklist_red_gates", "Red gates of an open checklist.", GATE_LABELS
    )
    golive = gauge(
        "golive_checklist_golive_timestamp_seconds",
        "Target go-live date of an open checklist.",
        GATE_LABELS,
    )
    freeze = gauge(
        "golive_checklist_freeze_end_timestamp_seconds",
        "End of the change freeze after go-live.",
        GATE_LABELS,
    )
    for snap in snapshots:
        up.labels(snap.db).set(1 if snap.installed else 0)
        if snap.run_id is not None:
            score.labels(snap.db, snap.environment).set(snap.score)
            run_ts.labels(snap.db).set(snap.run_timestamp)
            run_age.labels(snap.db).set(max(0.0, now - snap.run_timestamp))
            waived.labels(snap.db).set(snap.waived)
            for (status, severity), count in sorted(snap.findings.items()):
                findings.labels(snap.db, status, severity).set(count)
            for code, (severity, status) in sorted(snap.checks.items()):
                check.labels(snap.db, code, severity).set(STATUS_VALUE[status])
        for checklist in snap.checklists:
            labels = (snap.db, checklist["name"], checklist["state"])
            red.labels(*labels).set(checklist["red_gates"])
            if checklist["golive"] is not None:
                golive.labels(*labels).set(checklist["golive"])
            if checklist["freeze_end"] is not None:
                freeze.labels(*labels).set(checklist["freeze_end"])
    return generate_latest(registry)
