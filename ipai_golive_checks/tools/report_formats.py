# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Renderers of a run's report data (``golive.check.run._golive_report_data``).

Pure functions of plain data: text, json, junit (the common JUnit XML schema)
and markdown.
"""

import json
from xml.etree import ElementTree as ET

STATUS_LABEL = {
    "pass": "PASS",
    "warn": "WARN",
    "fail": "FAIL",
    "error": "ERROR",
    "skipped": "SKIP",
}


def render(data, fmt):
    """``data`` rendered in ``fmt``, one of ``vocabulary.FORMATS``."""
    return RENDERERS[fmt](data)


def render_check_list(environment, rows, fmt):
    """The catalogue (``odoo-bin golive --list``): JSON, a Markdown table, or
    one line per check (the text format; JUnit has no listing of its own)."""
    if fmt == "json":
        return render_json({"environment": environment, "checks": rows})
    if fmt == "markdown":
        lines = [
            "| Code | Category | Severity | Tags | Title |",
            "| --- | --- | --- | --- | --- |",
        ] + [
            f"| `{r['code']}` | {r['category']} | {r['severity']} | "
            f"{', '.join(r['tags'])} | {_md(r['title'])} |"
            for r in rows
        ]
        return "\n".join(lines) + "\n"
    return "".join(
        f"{r['code']:<32} {r['category']:<9} {r['severity']:<9} "
        f"{','.join(r['tags']):<28} {r['title']}\n"
        for r in rows
    )


def _summary_line(summary):
    counts = summary["counts"]
    return (
        f"{summary['checks']} checks, score {summary['score']:.1f}/100: "
        f"{counts['pass']} passed, {counts['warn']} warnings, {counts['fail']} "
        f"failed, {counts['error']} errors, {counts['skipped']} skipped, "
        f"{summary['waived']} waived ({summary['environment']}, "
        f"{summary['duration_ms']:.0f} ms)"
    )


def render_text(data):
    summary = data["summary"]
    lines = [
        f"Go-Live self-audit of {summary['database']} "
        f"(environment {summary['environment']}, run {summary['run_id']})",
        "",
    ]
    for result in data["results"]:
        obj = f" [{result['object']}]" if result["object"] else ""
        lines.append(
            f"{STATUS_LABEL[result['status']]:<5} {result['severity']:<8} "
            f"{result['code']}{obj}: {result['message']}"
        )
    if data.get("waived"):
        lines += ["", "Waived:"]
        for result in data["waived"]:
            obj = f" [{result['object']}]" if result["object"] else ""
            reason = (result.get("waiver") or {}).get("reason", "")
            lines.append(
                f"WAIVED {result['severity']:<8} {result['code']}{obj}: "
                f"{result['message']} (waiver: {reason})"
            )
    lines += ["", _summary_line(summary)]
    return "\n".join(lines) + "\n"


def render_json(data):
    return json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"


def _md(text):
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def render_markdown(data):
    summary = data["summary"]
    counts = summary["counts"]
    lines = [
        f"# Go-Live self-audit: {summary['database']}",
        "",
        f"- Environment: **{summary['environment']}**",
        f"- Score: **{summary['score']:.1f}/100**",
        f"- Checks: {summary['checks']}, duration {summary['duration_ms']:.0f} ms",
        f"- Results: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} "
        f"fail, {counts['error']} error, {counts['skipped']} skipped, "
        f"{summary['waived']} waived",
        "",
        "| Status | Severity | Check | Object | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for result in data["results"]:
        lines.append(
            f"| {STATUS_LABEL[result['status']]} | {result['severity']} | "
            f"`{result['code']}` | {_md(result['object'])} | {_md(result['message'])} |"
        )
    if data.get("waived"):
        lines += [
            "",
            "## Waived",
            "",
            "| Check | Object | Reason | Expires |",
            "| --- | --- | --- | --- |",
        ]
        for result in data["waived"]:
            waiver = result.get("waiver") or {}
            lines.append(
                f"| `{result['code']}` | {_md(result['object'])} | "
                f"{_md(waiver.get('reason'))} | {waiver.get('expiry_date', '')} |"
            )
    return "\n".join(lines) + "\n"


def render_junit(data):
    summary = data["summary"]
    by_category = {}
    for result in data["results"]:
        by_category.setdefault(result["category"] or "other", []).append(result)
    root = ET.Element("testsuites", name=f"golive {summary['database']}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for category, results in sorted(by_category.items()):
        suite = ET.SubElement(root, "testsuite", name=category)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
        for result in results:
            name = result["code"] + (
                f"[{result['object']}]" if result["object"] else ""
            )
            seconds = result["duration_ms"] / 1000.0
            case = ET.SubElement(
                suite,
                "testcase",
                classname=category,
                name=name,
                time=f"{seconds:.3f}",
            )
            counts["tests"] += 1
            counts["time"] += seconds
            message = f"[{result['severity']}] {result['message']}"
            details = json.dumps(result["evidence"], sort_keys=True, default=str)
            if result["status"] == "fail":
                counts["failures"] += 1
                element = ET.SubElement(case, "failure", message=message, type="fail")
                element.text = details
            elif result["status"] == "error":
                counts["errors"] += 1
                element = ET.SubElement(case, "error", message=message, type="error")
                element.text = details
            elif result["status"] == "skipped":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=result["message"])
            elif result["status"] == "warn":
                ET.SubElement(case, "system-out").text = f"WARNING {message}"
        set_junit_counts(suite, counts)
        for key, value in counts.items():
            totals[key] += value
    set_junit_counts(root, totals)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def set_junit_counts(element, counts):
    """The JUnit count attributes (tests, failures, errors, skipped, time)."""
    for key, value in counts.items():
        element.set(key, f"{value:.3f}" if key == "time" else str(value))


RENDERERS = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
}


def render_catalogue(rows):
    """The catalogue of ``readme/CATALOGUE.md``: one line per check, valid
    Markdown and reStructuredText. ``rows`` are dicts with ``code``,
    ``category``, ``severity`` (the default) and ``title``, in code order."""
    lines = [
        f"- ``{row['code']}`` ({row['category']}, {row['severity']}): {row['title']}"
        for row in rows
    ]
    return "\n".join(lines) + "\n"
