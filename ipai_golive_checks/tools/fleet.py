# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive --all-databases``: audit every database a server serves.

Plain Python. The databases are those Odoo itself would serve
(``odoo.service.db.list_dbs`` then ``odoo.http.db_filter``, with ``%h`` and
``%d`` taken from ``--host``). Each one is audited by a child
``odoo-bin golive -d DB --format json`` process, at most ``jobs`` at a time,
so the parent never loads a registry and its memory stays flat however many
databases there are; each database gets its own run, environment and stored
results. The children's JSON reports are then merged into one fleet report:
a section per database and a fleet summary, in every format.
"""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from xml.etree import ElementTree as ET

from .report_formats import render, set_junit_counts
from .vocabulary import STATUS_CODES

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
# golive options that concern the fleet, not one database: not passed on
FLEET_OPTIONS = {"--all-databases": 0, "--jobs": 1, "--host": 1, "--format": 1}
FLEET_OPTIONS.update({"--output": 1, "-d": 1, "--database": 1})


class FleetError(Exception):
    """A usage error of the fleet run as a whole (exit code 2)."""


def served_databases(config, host=None):
    """The databases this server would serve, as Odoo selects them."""
    from odoo.http import db_filter
    from odoo.service.db import list_dbs

    dbfilter = config.get("dbfilter") or ""
    if ("%h" in dbfilter or "%d" in dbfilter) and not host:
        raise FleetError(
            f"The dbfilter {dbfilter!r} depends on the request's host (%h/%d): "
            "give the host the databases are served under with --host."
        )
    return db_filter(list_dbs(force=True), host=host or "")


def probe(dbname):
    """``(exit_code, reason)`` before auditing ``dbname``: ``None`` when it can
    be audited, ``skipped`` when the addon is not there, 3 when unreachable."""
    import psycopg2

    from odoo.sql_db import close_db, db_connect

    try:
        with db_connect(dbname).cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
            if not cr.fetchone()[0]:
                return "skipped", "not an Odoo database"
            cr.execute(
                "SELECT state FROM ir_module_module WHERE name = 'ipai_golive_checks'"
            )
            row = cr.fetchone()
    except psycopg2.OperationalError as exc:
        lines = str(exc).strip().splitlines()
        return EXIT_UNREACHABLE, f"unreachable: {lines[0] if lines else exc}"
    finally:
        close_db(dbname)
    if not row or row[0] != "installed":
        return "skipped", "ipai_golive_checks is not installed"
    return None, ""


def child_arguments(cmdargs):
    """The golive arguments of one database's audit: the fleet's own minus the
    options that concern the fleet (database, format, output, jobs, host)."""
    args, skip = [], 0
    for arg in cmdargs:
        if skip:
            skip -= 1
            continue
        name = arg.split("=", 1)[0]
        if name in FLEET_OPTIONS:
            skip = 0 if "=" in arg else FLEET_OPTIONS[name]
            continue
        if arg.startswith("-d") and len(arg) > 2 and not arg.startswith("--"):
            continue  # -dDB
        args.append(arg)
    return args


def audit_database(dbname, addons_path, golive_args, timeout):
    """One database's entry of the fleet report, from a child process."""
    command = [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={addons_path}",
        "golive",
        "-d",
        dbname,
        "--format",
        "json",
        *golive_args,
    ]
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return _entry(dbname, "error", EXIT_USAGE, f"no answer in {timeout:.0f} s")
    if proc.returncode in (EXIT_OK, EXIT_FINDINGS):
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            return _entry(dbname, "error", EXIT_USAGE, "the report is not JSON")
        return _entry(dbname, "audited", proc.returncode, "", report)
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    reason = lines[-1] if lines else f"exit code {proc.returncode}"
    status = "unreachable" if proc.returncode == EXIT_UNREACHABLE else "error"
    return _entry(dbname, status, proc.returncode or EXIT_USAGE, reason)


def _entry(dbname, status, exit_code, reason, report=None):
    return {
        "database": dbname,
        "status": status,
        "exit_code": exit_code,
        "reason": reason,
        "report": report,
    }


def run_fleet(databases, addons_path, golive_args, jobs=1, timeout=3600):
    """Audit ``databases`` (``jobs`` at a time); return the fleet report."""
    entries, todo = {}, []
    for dbname in databases:
        code, reason = probe(dbname)
        if code == "skipped":
            entries[dbname] = _entry(dbname, "skipped", EXIT_OK, reason)
        elif code is not None:
            entries[dbname] = _entry(dbname, "unreachable", code, reason)
        else:
            todo.append(dbname)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for entry in pool.map(
            lambda db: audit_database(db, addons_path, golive_args, timeout), todo
        ):
            entries[entry["database"]] = entry
    ordered = [entries[db] for db in databases]
    return {"databases": ordered, "summary": fleet_summary(ordered)}


def fleet_summary(entries):
    audited = [e for e in entries if e["status"] == "audited"]
    counts = {status: 0 for status in STATUS_CODES}
    by_severity = {}
    for entry in audited:
        for result in entry["report"]["results"]:
            counts[result["status"]] += 1
            key = f"{result['status']}:{result['severity']}"
            by_severity[key] = by_severity.get(key, 0) + 1
    scores = [e["report"]["summary"]["score"] for e in audited]
    return {
        "databases": len(entries),
        "audited": len(audited),
        "skipped": sum(e["status"] == "skipped" for e in entries),
        "unreachable": sum(e["status"] == "unreachable" for e in entries),
        "errors": sum(e["status"] == "error" for e in entries),
        "worst_score": min(scores) if scores else None,
        "worst_database": min(audited, key=_score)["database"] if audited else None,
        "counts": counts,
        "counts_by_status_severity": dict(sorted(by_severity.items())),
        "exit_code": max((e["exit_code"] for e in entries), default=EXIT_OK),
    }


def _score(entry):
    return entry["report"]["summary"]["score"]


# --- rendering ----------------------------------------------------------------


def render_fleet(fleet, fmt):
    return FLEET_RENDERERS[fmt](fleet)


def _summary_text(summary):
    counts = summary["counts"]
    worst = (
        f"worst score {summary['worst_score']:.1f} ({summary['worst_database']})"
        if summary["worst_score"] is not None
        else "no score"
    )
    return (
        f"Fleet: {summary['databases']} databases, {summary['audited']} audited, "
        f"{summary['skipped']} skipped, {summary['unreachable']} unreachable, "
        f"{summary['errors']} in error; {worst}; "
        + ", ".join(f"{counts[s]} {s}" for s in STATUS_CODES)
        + f"; exit code {summary['exit_code']}"
    )


def _fleet_text(fleet):
    parts = []
    for entry in fleet["databases"]:
        parts.append(f"===== {entry['database']} =====\n")
        if entry["report"]:
            parts.append(render(entry["report"], "text"))
        else:
            parts.append(f"{entry['status'].upper()}: {entry['reason']}\n")
        parts.append("\n")
    parts.append(_summary_text(fleet["summary"]) + "\n")
    return "".join(parts)


def _fleet_json(fleet):
    return json.dumps(fleet, indent=2, sort_keys=True, default=str) + "\n"


def _fleet_markdown(fleet):
    summary = fleet["summary"]
    lines = [
        "# Go-Live fleet audit",
        "",
        _summary_text(summary),
        "",
        "| Database | Status | Score | Fail | Error | Exit |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for entry in fleet["databases"]:
        report = entry["report"]
        counts = report["summary"]["counts"] if report else {}
        score = f"{report['summary']['score']:.1f}" if report else ""
        lines.append(
            f"| {entry['database']} | {entry['status']} | {score} | "
            f"{counts.get('fail', '')} | {counts.get('error', '')} | "
            f"{entry['exit_code']} |"
        )
    for entry in fleet["databases"]:
        lines.append("")
        if entry["report"]:
            text = render(entry["report"], "markdown")
            lines.append(text.replace("\n#", "\n##").replace("# ", "## ", 1).rstrip())
        else:
            lines += [
                f"## {entry['database']}",
                "",
                f"{entry['status']}: {entry['reason']}",
            ]
    return "\n".join(lines) + "\n"


def _fleet_junit(fleet):
    root = ET.Element("testsuites", name="golive fleet")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped", "time"), 0)
    for entry in fleet["databases"]:
        suite = ET.SubElement(root, "testsuite", name=entry["database"])
        if entry["report"]:
            # the database's own report: one suite per category, flattened
            report = ET.fromstring(render(entry["report"], "junit").split("?>", 1)[1])
            for category in report:
                for case in category:
                    case.set("classname", f"{entry['database']}.{category.get('name')}")
                    suite.append(case)
        else:
            case = ET.SubElement(
                suite, "testcase", classname=entry["database"], name="audit", time="0"
            )
            tag = "skipped" if entry["status"] == "skipped" else "error"
            ET.SubElement(case, tag, message=entry["reason"])
        counts = {
            "tests": len(suite),
            "failures": len(suite.findall("testcase/failure")),
            "errors": len(suite.findall("testcase/error")),
            "skipped": len(suite.findall("testcase/skipped")),
            "time": sum(float(case.get("time", 0)) for case in suite),
        }
        set_junit_counts(suite, counts)
        for key, value in counts.items():
            totals[key] += value
    set_junit_counts(root, totals)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


FLEET_RENDERERS = {
    "text": _fleet_text,
    "json": _fleet_json,
    "junit": _fleet_junit,
    "markdown": _fleet_markdown,
}
