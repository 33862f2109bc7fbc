#!/usr/bin/env python3
# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate the shipped Kickoff -> Go-Live checklist template of ipai_golive.

Reads the checklist as the user wrote it (Markdown), row for row:

    ipai_golive/data/source/kickoff-go-live-checklist.md
    ipai_golive/data/source/check_bindings.csv   (section, task -> check codes)

and writes ``ipai_golive/data/golive_checklist_template_data.xml``: one
template, its ten phases (``## N) Title (window)``) and one template line per
definition-of-done item and per task row of the tables.

Usage::

    python3 scripts/gen_checklist_template.py           # (re)write the XML
    python3 scripts/gen_checklist_template.py --check   # exit 1 if it is stale

Standard library only; the output depends on the two source files only, so
re-running it gives the identical file.
"""

import argparse
import csv
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "ipai_golive"
SOURCE = ADDON / "data" / "source" / "kickoff-go-live-checklist.md"
BINDINGS = ADDON / "data" / "source" / "check_bindings.csv"
OUTPUT = ADDON / "data" / "golive_checklist_template_data.xml"

TEMPLATE_XMLID = "template_kickoff_golive"
TEMPLATE_NAME = "Kickoff → Go-Live (CE/OCA/IPAI)"

# Windows the heading does not give in numbers: (label, anchor, start, end).
# Phase 0 is what must hold "before starting"; phase 7 is the readiness week
# before T-0, hence negative offsets on the go-live anchor.
EXPLICIT_WINDOWS = {
    "0": ("Before starting", "kickoff", 0, 0),
    "7": ("Go-Live Readiness", "golive", -7, -1),
}

# Gates: every definition-of-done item (phase 0) and every row of these
# sections ("3.2 CI Green Gates", "8.1 Final Pre-Flight (ALL must be green)"
# and the "Scripted verification must pass" table of 8.2).
GATE_SECTIONS = {"0", "3.2", "8.1", "8.2"}
# A few more rows that obviously block a production go-live:
# - a restore that was never tested is no rollback plan (DoD item 5);
# - going live without the business sign-off on staging;
# - going live with the initial admin credentials.
EXTRA_GATES = {
    ("2.2", "Restore test executed (staging)"),
    ("5.2", "Business sign-off on staging"),
    ("6.1", "Admin credentials rotated"),
}

# Table header -> template line field. The first column is always the task
# text (Task, Gate, Module, Integration, Cause, Check, Runbook).
NAME_HEADERS = {"Task", "Gate", "Module", "Integration", "Cause", "Check", "Runbook"}
COLUMN_FIELDS = {
    "Verification": "verification",
    "Verification Command": "verification",
    "Command": "verification",
    "Test Command": "verification",
    "Check": "verification",
    "Workflow": "verification",
    "Runbook": "runbook",
    "Path": "runbook",
    "Target": "target",
    "Expected": "target",
    "Mitigation": "mitigation",
    "Frequency": "frequency",
    "Notes": "notes",
}
# Tick boxes of the user's copy, not data.
STATUS_HEADERS = {"Status", "Verified"}
# Tables of options to pick one from (1.3 architecture, 5.3 cutover strategy):
# they are the selection values of golive.checklist, not tasks.
CHOICE_HEADERS = {"Option", "Strategy"}

TEXT_FIELDS = ("verification", "runbook", "target", "mitigation", "frequency", "notes")

# Codes of the self-inspection engine (ipai_golive_checks) a row may bind to.
KNOWN_CHECK_CODES = frozenset(
    """
    modules.stuck modules.upgrade_pending modules.no_enterprise
    modules.no_iap_dependency modules.manifest_template
    crons.overdue crons.failing crons.deactivated crons.scheduler_alive
    crons.queue_job_backlog
    params.base_url params.base_url_freeze params.attachment_location
    params.no_enterprise_params params.neutralized
    config.proxy_mode config.dbfilter config.list_db config.admin_passwd
    config.workers config.limits config.data_dir config.logfile config.demo_data
    config.ignored_options config.dev_settings config.placeholder_secrets
    config.file_mode config.absurd_values config.db_tls
    mail.outgoing_server mail.smtp_probe mail.exceptions mail.alias_domain
    mail.test_send mail.queue_stalled mail.domain_auth
    http.health http.login http.websocket http.assets http.tls_certificate
    http.dns http.endpoint
    postgres.version postgres.max_connections postgres.connections
    postgres.long_sessions postgres.db_size
    storage.filestore storage.disk_space storage.missing_attachments
    storage.attachment_location storage.growth_forecast
    security.admin_password security.settings_users security.inactive_users
    security.company_settings security.user_timezone security.audit_trail
    security.two_factor
    process.memory process.uptime process.host process.owner process.capacity
    manifest.modules_installed manifest.modules_unlisted manifest.install_order
    manifest.server_options manifest.dbfilter manifest.environment manifest.assets
    manifest.gates
    backup.recent backup.cron_time_limit
    rollback.update_tested rollback.restore_drill
    """.split()
)

PHASE_RE = re.compile(r"^## (\d+)\) (.+?)(?: \(([^()]+)\))?$")
SECTION_RE = re.compile(r"^### (\d+\.\d+) (.+)$")
DOD_RE = re.compile(r"^- \[[ xX]\] (.+)$")
STATUS_RE = re.compile(r"^\[[ xX]\]$")
CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
DASH = "[-–]"


class SeedError(Exception):
    pass


def parse_window(code, label):
    """(window_label, anchor, day_start, day_end) of a phase heading."""
    if code in EXPLICIT_WINDOWS:
        return EXPLICIT_WINDOWS[code]
    match = re.fullmatch(rf"Day (\d+){DASH}(\d+)", label or "")
    if match:
        return label, "kickoff", int(match[1]), int(match[2])
    match = re.fullmatch(rf"Week (\d+)(?:{DASH}(\d+))?", label or "")
    if match:
        first, last = int(match[1]), int(match[2] or match[1])
        return label, "kickoff", (first - 1) * 7, last * 7
    match = re.fullmatch(r"T([+-]\d+)(?: to T([+-]\d+))?", label or "")
    if match:
        return label, "golive", int(match[1]), int(match[2] or match[1])
    raise SeedError(f"phase {code}: window {label!r} is not understood")


def split_row(line):
    cells = CELL_SPLIT_RE.split(line.strip())
    if cells[0] or cells[-1]:
        raise SeedError(f"table row not enclosed in pipes: {line!r}")
    return [cell.strip().replace("\\|", "|") for cell in cells[1:-1]]


def parse_seed(text):
    """Return (description, phases, lines) parsed from the Markdown seed."""
    parser = SeedParser(text.split("\n"))
    parser.run()
    if parser.description is None:
        raise SeedError("no overview paragraph")
    return parser.description, parser.phases, parser.lines


class SeedParser:
    def __init__(self, source_lines):
        self.source_lines = source_lines
        self.description = None
        self.phases = []
        self.lines = []
        self.phase = self.section = self.header = None

    def run(self):
        in_fence = False
        for lineno, raw in enumerate(self.source_lines, 1):
            line = raw.rstrip()
            if line.startswith("```"):
                in_fence = not in_fence
            elif not in_fence:
                self.parse_line(lineno, line)

    def parse_line(self, lineno, line):
        if line == "## Overview":
            self.description = next(
                text_line
                for text_line in self.source_lines[lineno:]
                if text_line.strip()
            ).replace("**", "")
            return
        match = PHASE_RE.match(line)
        if match:
            self.start_phase(*match.groups())
            return
        if line.startswith("## "):
            # Quick reference, related documents: not part of the checklist.
            self.phase = self.section = self.header = None
            return
        if self.phase is None:
            return
        match = SECTION_RE.match(line)
        if match:
            if not match[1].startswith(self.phase["code"] + "."):
                raise SeedError(f"line {lineno}: section {match[1]} out of phase")
            self.section = {"code": match[1], "title": match[2]}
            self.header = None
            return
        match = DOD_RE.match(line)
        if match and self.section["code"] == "0":
            self.add_line({"name": match[1]})
        elif line.startswith("|"):
            self.table_row(lineno, split_row(line))
        else:
            self.header = None

    def start_phase(self, code, name, label):
        window_label, anchor, day_start, day_end = parse_window(code, label)
        self.phase = {
            "code": code,
            "name": name,
            "window_label": window_label,
            "anchor": anchor,
            "day_start": day_start,
            "day_end": day_end,
        }
        self.phases.append(self.phase)
        self.section = {"code": code, "title": name}
        self.header = None

    def table_row(self, lineno, cells):
        if self.header is None:
            if cells[0] not in NAME_HEADERS | CHOICE_HEADERS:
                raise SeedError(f"line {lineno}: unknown first column {cells[0]!r}")
            self.header = cells
            return
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            return
        if self.header[0] in CHOICE_HEADERS:
            return
        if len(cells) != len(self.header):
            raise SeedError(
                f"line {lineno}: {len(cells)} cells, {len(self.header)} columns"
            )
        values = {"name": cells[0]}
        for title, cell in zip(self.header[1:], cells[1:], strict=True):
            if title in STATUS_HEADERS:
                if not STATUS_RE.match(cell):
                    raise SeedError(f"line {lineno}: status {cell!r} would be lost")
            elif title in COLUMN_FIELDS:
                values[COLUMN_FIELDS[title]] = cell
            else:
                raise SeedError(f"line {lineno}: unknown column {title!r}")
        self.add_line(values)

    def add_line(self, values):
        self.lines.append(_line(self.phase, self.section, values))


def _line(phase, section, values):
    return {
        "phase": phase["code"],
        "section": section["code"],
        "section_title": section["title"],
        **{field: "" for field in TEXT_FIELDS},
        **values,
    }


def read_bindings(text):
    """``{(section, task): "code,code:object_key,..."}``; lines starting with
    ``#`` are comments (the checks bound to no row, and why)."""
    bindings = {}
    rows = [line for line in text.splitlines() if not line.startswith("#")]
    for row in csv.DictReader(rows):
        key = (row["section"], row["task"])
        if key in bindings:
            raise SeedError(f"check_bindings.csv: {key} bound twice")
        codes = [code.strip() for code in row["check_codes"].split(",")]
        unknown = [
            code for code in codes if code.partition(":")[0] not in KNOWN_CHECK_CODES
        ]
        if unknown:
            raise SeedError(f"check_bindings.csv: {key}: unknown codes {unknown}")
        bindings[key] = ",".join(codes)
    return bindings


def finish_lines(lines, bindings):
    """Number the lines, set gates and check codes."""
    unused = dict(bindings)
    numbers = {}
    for line in lines:
        key = (line["section"], line["name"])
        numbers[line["section"]] = numbers.get(line["section"], 0) + 1
        line["xmlid"] = "template_line_{}_{}".format(
            line["section"].replace(".", "_"), numbers[line["section"]]
        )
        line["is_gate"] = line["section"] in GATE_SECTIONS or key in EXTRA_GATES
        line["check_codes"] = unused.pop(key, "")
        line["verification_mode"] = "automated" if line["check_codes"] else "manual"
    if unused:
        raise SeedError(f"check_bindings.csv: no such task {sorted(unused)}")
    missing_gates = EXTRA_GATES - {(line["section"], line["name"]) for line in lines}
    if missing_gates:
        raise SeedError(f"extra gates not in the seed: {sorted(missing_gates)}")
    return lines


def plain(text):
    """A task name without the seed's Markdown code marks: people read
    "dbfilter configured", not "`dbfilter` configured"."""
    return text.replace("`", "")


def render(description, phases, lines):
    def field(name, value):
        if value is None or value == "":
            return f'        <field name="{name}" eval="False" />'
        return f'        <field name="{name}">{escape(str(value))}</field>'

    out = [
        '<?xml version="1.0" encoding="utf-8" ?>',
        "<!--",
        "    Generated by scripts/gen_checklist_template.py from",
        "    data/source/kickoff-go-live-checklist.md and",
        "    data/source/check_bindings.csv.",
        "    Do not edit: change the sources and re-run the script.",
        "-->",
        "<odoo>",
        f'    <record id="{TEMPLATE_XMLID}" model="golive.checklist.template">',
        field("name", TEMPLATE_NAME),
        field("sequence", 10),
        field("description", description),
        "    </record>",
    ]
    for phase in phases:
        out += [
            "",
            f'    <record id="template_phase_{phase["code"]}"'
            ' model="golive.checklist.template.phase">',
            f'        <field name="template_id" ref="{TEMPLATE_XMLID}" />',
            field("sequence", int(phase["code"]) * 10),
            field("code", phase["code"]),
            field("name", phase["name"]),
            field("window_label", phase["window_label"]),
            field("anchor", phase["anchor"]),
            field("day_start", phase["day_start"]),
            field("day_end", phase["day_end"]),
            "    </record>",
        ]
    sequence = {}
    for line in lines:
        sequence[line["phase"]] = sequence.get(line["phase"], 0) + 10
        out += [
            "",
            f'    <record id="{line["xmlid"]}" model="golive.checklist.template.line">',
            f'        <field name="template_id" ref="{TEMPLATE_XMLID}" />',
            f'        <field name="phase_id" ref="template_phase_{line["phase"]}" />',
            field("sequence", sequence[line["phase"]]),
            field("section", line["section"]),
            field("section_title", line["section_title"]),
            field("name", plain(line["name"])),
            f'        <field name="is_gate" eval="{line["is_gate"]}" />',
            field("verification_mode", line["verification_mode"]),
            field("check_codes", line["check_codes"]),
            *(field(name, line[name]) for name in TEXT_FIELDS),
            "    </record>",
        ]
    out += ["</odoo>", ""]
    return "\n".join(out)


def generate():
    description, phases, lines = parse_seed(SOURCE.read_text(encoding="utf-8"))
    bindings = read_bindings(BINDINGS.read_text(encoding="utf-8"))
    lines = finish_lines(lines, bindings)
    if [phase["code"] for phase in phases] != [str(n) for n in range(10)]:
        raise SeedError("phases 0 to 9 expected")
    return render(description, phases, lines), phases, lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the committed XML differs from the sources",
    )
    args = parser.parse_args(argv)
    try:
        xml, phases, lines = generate()
    except SeedError as error:
        sys.stderr.write(f"{SOURCE.name}: {error}\n")
        return 2
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    relative = OUTPUT.relative_to(REPO)
    if args.check:
        if current != xml:
            sys.stderr.write(f"{relative} is stale: run {Path(__file__).name}\n")
            return 1
        sys.stdout.write(f"{relative} is up to date\n")
        return 0
    if current != xml:
        OUTPUT.write_text(xml, encoding="utf-8")
    gates = sum(line["is_gate"] for line in lines)
    bound = sum(bool(line["check_codes"]) for line in lines)
    sys.stdout.write(
        f"{relative}: {len(phases)} phases, {len(lines)} tasks, {gates} gates, "
        f"{bound} bound to checks\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
