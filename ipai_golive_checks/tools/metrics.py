# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Prometheus metrics of the stored self-audits of a fleet of databases.

Plain Python over a database cursor: nothing here runs a check. For each
database, :func:`collect_database` reads the latest stored *complete* audit
(a partial run, such as one ``--check`` or a checklist's bound checks, never
stands for the database's score nor hides the other checks' status) with a fixed
number of queries (whatever the number of checks, runs or checklists), and
:func:`exposition` turns the snapshots into the Prometheus text format with
``prometheus_client``'s own registry and ``generate_latest``.

Installed addons add their own metric families with :func:`register_families`
(the go-live app adds its checklists): the engine names none of them.

Labels carry database names, check codes, severities, statuses and the names
an addon's families choose: never an object key, message or evidence, where a
secret could hide.
"""

import dataclasses
import importlib
import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Gauge, generate_latest

# The value of golive_check_status: the gravity of the worst finding.
STATUS_VALUE = {"skipped": -1, "pass": 0, "warn": 1, "fail": 2, "error": 3}
ENGINE_MODULE = "ipai_golive_checks"


@dataclasses.dataclass(frozen=True)
class MetricFamilies:
    """The metric families an addon adds to the exposition.

    ``collect(cr)`` reads what a database says (read only, a fixed number of
    queries) and returns data; ``expose(gauge, rows)`` declares its gauges
    with ``gauge(name, documentation, labels)`` and sets them from ``rows``,
    the ``[(db, data)]`` of the databases where the addon is installed.
    """

    module: str
    collect: Callable
    expose: Callable


# addon name -> MetricFamilies, filled by the addons when they are imported
FAMILIES = {}


def register_families(module, collect, expose):
    """Add the metric families of the addon ``module`` to the exposition of
    every database where it is installed."""
    FAMILIES[module] = MetricFamilies(module, collect, expose)


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
    # addon name -> what its registered families collected
    extra: dict = dataclasses.field(default_factory=dict)


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
        "FROM golive_check_run WHERE scope = 'complete' "
        "ORDER BY date_start DESC, id DESC LIMIT 1"
    )
    row = cr.fetchone()
    if row:
        snapshot.run_id, snapshot.environment = row[0], row[1] or ""
        snapshot.score, snapshot.run_timestamp = float(row[2] or 0), float(row[3] or 0)
        _collect_results(cr, snapshot)
    for families in _installed_families(cr):
        snapshot.extra[families.module] = families.collect(cr)
    return snapshot


def _installed_families(cr):
    """The registered families of the addons installed in the database that
    depend on the engine; such an addon not imported yet by this process (its
    database's registry is not loaded) is imported, which registers them."""
    cr.execute(
        "SELECT m.name FROM ir_module_module m "
        "JOIN ir_module_module_dependency d ON d.module_id = m.id "
        "WHERE m.state = 'installed' AND d.name = %s ORDER BY m.name",
        (ENGINE_MODULE,),
    )
    found = []
    for (name,) in cr.fetchall():
        if name not in FAMILIES:
            try:
                importlib.import_module(f"odoo.addons.{name}")
            except ModuleNotFoundError:
                continue
        if name in FAMILIES:
            found.append(FAMILIES[name])
    return found


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


def exposition(snapshots, now=None):
    """The Prometheus text exposition (bytes) of the database snapshots."""
    now = time.time() if now is None else now
    registry = CollectorRegistry(auto_describe=True)

    def gauge(name, documentation, labels):
        return Gauge(name, documentation, labels, registry=registry)

    up = gauge("golive_database_up", "1 if ipai_golive_checks is installed.", ["db"])
    score = gauge(
        "golive_score", "Score (0-100) of the latest complete audit.", ["db", "env"]
    )
    findings = gauge(
        "golive_findings",
        "Findings of the latest complete audit (waived ones left out).",
        ["db", "status", "severity"],
    )
    waived = gauge("golive_findings_waived", "Waived findings of the run.", ["db"])
    check = gauge(
        "golive_check_status",
        "Worst status of a check in the latest complete audit: "
        "-1 skipped, 0 pass, 1 warn, 2 fail, 3 error.",
        ["db", "code", "severity"],
    )
    run_ts = gauge(
        "golive_last_run_timestamp_seconds",
        "End of the latest complete audit.",
        ["db"],
    )
    run_age = gauge(
        "golive_last_run_age_seconds", "Age of the latest complete audit.", ["db"]
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
    for families in FAMILIES.values():
        rows = [
            (snap.db, snap.extra[families.module])
            for snap in snapshots
            if families.module in snap.extra
        ]
        if rows:
            families.expose(gauge, rows)
    return generate_latest(registry)
