# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""WHAT_SHIPPED and GO_LIVE_MANIFEST, built once and drawn twice.

:class:`ReleaseReport` reads a :class:`ReleaseSource` (the plain values of a
release: labels translated, dates formatted, JSON snapshots as stored) and
returns each report as a :class:`Document` of sections and blocks. The QWeb
templates of ``report/golive_release_templates.xml`` draw a document for the
PDF and the release form; :func:`.release_markdown.render_markdown` draws the
same document as Markdown. Nothing in this module reads the database: the
model gives the values, and the environment only to translate with
(``env._``), the way OCA ``queue_job`` keeps ``job.py`` beside its models.

The texts a report shows are settled here, once: the renderers only lay
them out (a Markdown table escapes its cells, a code span wraps a command).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from odoo.addons.ipai_golive_checks.tools.origin import ORIGINS

# ----------------------------------------------------------------------
# The document
# ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One ``label: value`` line; ``code`` values are commands."""

    label: str
    value: str
    code: bool = False


@dataclass(frozen=True)
class Facts:
    """Labelled values: a Markdown list; in HTML a two-column table, a table
    under ``headers`` when given, or lines of text when ``inline``."""

    kind: ClassVar[str] = "facts"
    rows: tuple
    headers: tuple = ()
    inline: bool = False


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    headers: tuple
    rows: tuple


@dataclass(frozen=True)
class Stages:
    """The install order: a numbered Markdown list, a table in HTML."""

    kind: ClassVar[str] = "stages"
    headers: tuple
    rows: tuple  # (stage, "module, module")


@dataclass(frozen=True)
class Section:
    title: str
    level: int = 2
    blocks: tuple = ()


@dataclass(frozen=True)
class Document:
    title: str
    facts: Facts
    sections: tuple


# ----------------------------------------------------------------------
# What the builder reads
# ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseSource:
    """A release as plain values.

    Dates are strings already (``-`` when unset), selections their labels;
    ``modules``, ``diff``, ``gates``, ``findings``, ``open_tasks``,
    ``waivers``, ``config``, ``phases`` and ``install_order`` are the JSON
    snapshots of the release as stored. ``previous_name`` is ``None`` for the
    first release of a company and environment.
    """

    bundle_name: Any = None
    bundle_version: Any = None
    release_tag: Any = None
    date: str = "-"
    environment: str = "-"
    trigger: str = "-"
    approver: str = "-"
    taken_by: str = "-"
    manifest_sha256: Any = None
    audit_score: float = 0.0
    audit_date: str = "-"
    audit_counts: dict = field(default_factory=dict)
    modules: dict = field(default_factory=dict)
    module_count: int = 0
    previous_name: Any = None
    diff: dict = field(default_factory=dict)
    gates: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    open_tasks: list = field(default_factory=list)
    waivers: list = field(default_factory=list)
    config: dict = field(default_factory=dict)
    note: Any = None
    install_order: list = field(default_factory=list)
    phases: list = field(default_factory=list)
    backup_reference: Any = None
    # the checklist the release was taken from
    checklist_name: Any = None
    architecture: str = "-"
    cutover_strategy: str = "-"
    state: Any = None
    state_label: str = "-"
    date_live: str = "-"
    abort_reason: Any = None
    owner: str = "-"
    implementer: str = "-"
    ops: str = "-"
    finance_sme: str = "-"
    checklist_approver: str = "-"
    date_kickoff: str = "-"
    date_golive: str = "-"
    date_freeze_end: str = "-"


def one_line(value):
    """``value`` on one line (``-`` for none)."""
    return " ".join(str(value if value not in (None, False) else "-").split())


def bundle_label(name, version):
    """A bundle and its version, the version once: a bundle named after its
    version (``AIUX bundle v1.0.0``) is not followed by it again."""
    name, version = one_line(name), one_line(version)
    if version == "-" or name.endswith((f" {version}", f"v{version}")):
        return name
    return f"{name} {version}"


def format_value(value):
    """A server option's value (``-`` for none)."""
    if value is None or value == "":
        return "-"
    return str(value)


def install_drift(install_order, modules):
    """``(missing, unlisted)``: modules of the install order not installed,
    and installed OCA/custom modules it does not list."""
    listed = {
        name for stage in install_order or () for name in (stage.get("modules") or ())
    }
    if not listed:
        return [], []
    modules = modules or {}
    missing = sorted(listed - modules.keys())
    unlisted = sorted(
        name
        for name, row in modules.items()
        if row.get("origin") in ("oca", "custom") and name not in listed
    )
    return missing, unlisted


# ----------------------------------------------------------------------
# The builder
# ----------------------------------------------------------------------


class ReleaseReport:
    """The sections of the reports of one release.

    ``env`` is only used to translate (``env._``): the texts are in the
    language of the environment the model gives, and their terms are found
    in this file when the translation template is exported.
    """

    def __init__(self, source, env):
        self.source = source
        self.env = env

    # -- shared pieces -------------------------------------------------
    def modules_by_origin(self):
        """``[(origin label, rows sorted by name)]`` in the order of ORIGINS."""
        groups = defaultdict(list)
        for name, row in sorted((self.source.modules or {}).items()):
            groups[row.get("origin") or "custom"].append({"name": name, **row})
        return [(label, groups[code]) for code, label in ORIGINS if groups[code]]

    def module_sections(self):
        headers = (
            self.env._("Module"),
            self.env._("Version"),
            self.env._("Author"),
            self.env._("License"),
        )
        return [
            Section(
                f"{label} ({len(rows)})",
                3,
                (
                    Table(
                        headers,
                        tuple(
                            (r["name"], r["version"], r["author"], r["license"])
                            for r in rows
                        ),
                    ),
                ),
            )
            for label, rows in self.modules_by_origin()
        ]

    def diff_sections(self):
        """The changes since the previous release, one section per kind."""
        diff = self.source.diff or {}
        added = (self.env._("Module"), self.env._("Version"), self.env._("Origin"))
        moved = (self.env._("Module"), self.env._("From"), self.env._("To"))
        kinds = (
            (
                self.env._("Modules added"),
                added,
                "added",
                ("name", "version", "origin"),
            ),
            (
                self.env._("Modules removed"),
                added,
                "removed",
                ("name", "version", "origin"),
            ),
            (self.env._("Modules upgraded"), moved, "upgraded", ("name", "from", "to")),
            (
                self.env._("Modules downgraded"),
                moved,
                "downgraded",
                ("name", "from", "to"),
            ),
        )
        sections = [
            (
                title,
                headers,
                [tuple(r[key] for key in keys) for r in diff.get(kind, ())],
            )
            for title, headers, kind, keys in kinds
        ]
        sections.append(
            (
                self.env._("Checks whose status changed"),
                (self.env._("Check"), self.env._("From"), self.env._("To")),
                [
                    (r["code"], r["from"] or "-", r["to"] or "-")
                    for r in diff.get("checks", ())
                ],
            )
        )
        sections.append(
            (
                self.env._("Server options changed"),
                (self.env._("Option"), self.env._("From"), self.env._("To")),
                [
                    (r["key"], format_value(r["from"]), format_value(r["to"]))
                    for r in diff.get("config", ())
                ],
            )
        )
        return [
            Section(title, 3, (Table(headers, tuple(rows)),))
            for title, headers, rows in sections
            if rows
        ]

    def config_table(self):
        return Table(
            (self.env._("Option"), self.env._("Value")),
            tuple(
                (key, format_value(value))
                for key, value in sorted((self.source.config or {}).items())
            ),
        )

    # -- WHAT_SHIPPED --------------------------------------------------
    def what_shipped(self):
        src = self.source
        return Document(
            f"WHAT_SHIPPED: {bundle_label(src.bundle_name, src.bundle_version)}",
            self._what_shipped_facts(),
            (
                Section(self.env._("Modules (%(count)s)", count=src.module_count)),
                *self.module_sections(),
                *self._changes_sections(),
                *self._gate_sections(),
                *self._audit_sections(),
                *self._known_issue_sections(),
                Section(
                    self.env._("Server configuration (secrets masked)"),
                    blocks=(self.config_table(),),
                ),
                *(
                    (Section(self.env._("Note"), blocks=(Paragraph(self._note()),)),)
                    if src.note
                    else ()
                ),
            ),
        )

    def _note(self):
        return "\n".join(self.source.note.splitlines())

    def _what_shipped_facts(self):
        src = self.source
        counts = src.audit_counts or {}
        audit = (
            self.env._(
                "score %(score)s/100, %(checks)s checks (%(date)s)",
                score=format(src.audit_score, ".1f"),
                checks=counts.get("checks", 0),
                date=src.audit_date,
            )
            if counts
            else self.env._("no audit run")
        )
        facts = [
            (self.env._("Bundle"), src.bundle_name or "-"),
            (self.env._("Version"), src.bundle_version or "-"),
            (self.env._("Tag"), src.release_tag or "-"),
            (self.env._("Date"), src.date),
            (self.env._("Environment"), src.environment),
            (self.env._("Approver"), src.approver),
            (self.env._("Taken by"), f"{src.taken_by} ({src.trigger})"),
            (self.env._("Manifest SHA-256"), src.manifest_sha256 or "-"),
            (self.env._("Audit"), audit),
        ]
        return Facts(tuple(Fact(label, one_line(value)) for label, value in facts))

    def _changes_sections(self):
        src = self.source
        title = self.env._("Changes since the previous release")
        if src.previous_name is None:
            text = self.env._("First release of this company and environment.")
            return [Section(title, blocks=(Paragraph(text),))]
        diff = self.diff_sections()
        blocks = [
            Paragraph(self.env._("Previous release: %(name)s", name=src.previous_name))
        ]
        if not diff:
            blocks.append(Paragraph(self.env._("No change.")))
        return [Section(title, blocks=tuple(blocks)), *diff]

    def _gate_sections(self):
        gates = self.source.gates or ()
        sections = [
            Section(
                self.env._("Gates"),
                blocks=() if gates else (Paragraph(self.env._("No gate.")),),
            )
        ]
        for gate in gates:
            state = gate["state"] + (
                f" ({one_line(gate['waive_reason'])})" if gate["waive_reason"] else ""
            )
            signoff = (gate["signoff"] or "-") + (
                f" ({gate['signoff_date']})" if gate["signoff_date"] else ""
            )
            facts = [
                Fact(self.env._("State"), state),
                Fact(self.env._("Checks"), gate["checks"] or "-"),
            ]
            if gate["verification"]:
                facts.append(
                    Fact(self.env._("Verification"), gate["verification"], code=True)
                )
            if gate["evidence"]:
                facts.append(Fact(self.env._("Evidence"), one_line(gate["evidence"])))
            facts.append(Fact(self.env._("Sign-off"), one_line(signoff)))
            sections.append(
                Section(
                    f"{one_line(gate['phase'])} {one_line(gate['name'])}",
                    3,
                    (Facts(tuple(facts)),),
                )
            )
        return sections

    def _audit_line(self):
        src = self.source
        counts = src.audit_counts or {}
        if not counts:
            return self.env._("No audit run: the release rests on no automated check.")
        return self.env._(
            "Score %(score)s/100: %(pass)s passed, %(warn)s warnings, %(fail)s "
            "failed, %(error)s errors, %(skipped)s skipped, %(waived)s waived.",
            score=format(src.audit_score, ".1f"),
            **{
                key: counts.get(key, 0)
                for key in ("pass", "warn", "fail", "error", "skipped", "waived")
            },
        )

    def _audit_sections(self):
        findings = self.source.findings or ()
        sections = [
            Section(self.env._("Audit"), blocks=(Paragraph(self._audit_line()),))
        ]
        failing = [f for f in findings if not f["waived"]]
        if failing:
            headers = (
                self.env._("Status"),
                self.env._("Severity"),
                self.env._("Check"),
                self.env._("Object"),
            )
            rows = tuple(
                (
                    f["status"],
                    f["severity"],
                    f["code"],
                    f["object"] or "-",
                    f["message"],
                )
                for f in failing
            )
            table = Table((*headers, self.env._("Message")), rows)
            sections.append(Section(self.env._("Findings not passing"), 3, (table,)))
        waived = [f for f in findings if f["waived"]]
        if waived:
            headers = (
                self.env._("Check"),
                self.env._("Object"),
                self.env._("Status"),
                self.env._("Reason"),
            )
            rows = tuple(
                (
                    f["code"],
                    f["object"] or "-",
                    f["status"],
                    f["waiver_reason"],
                    f["waiver_expiry"],
                )
                for f in waived
            )
            table = Table((*headers, self.env._("Expires")), rows)
            sections.append(Section(self.env._("Waived findings"), 3, (table,)))
        return sections

    def _known_issue_sections(self):
        tasks, waivers = self.source.open_tasks or [], self.source.waivers or []
        none = (Paragraph(self.env._("None.")),)
        task_table = Table(
            (
                self.env._("Phase"),
                self.env._("Task"),
                self.env._("State"),
                self.env._("Responsible"),
                self.env._("Deadline"),
            ),
            tuple(
                (
                    t["phase"],
                    t["name"],
                    t["state"],
                    t["responsible"] or "-",
                    t["deadline"] or "-",
                )
                for t in tasks
            ),
        )
        waiver_table = Table(
            (
                self.env._("Check"),
                self.env._("Object"),
                self.env._("Reason"),
                self.env._("Approver"),
                self.env._("Expires"),
            ),
            tuple(
                (w["code"], w["object"] or "-", w["reason"], w["approver"], w["expiry"])
                for w in waivers
            ),
        )
        return [
            Section(self.env._("Known issues")),
            Section(
                self.env._("Open tasks (%(count)s)", count=len(tasks)),
                3,
                (task_table,) if tasks else none,
            ),
            Section(
                self.env._("Active waivers (%(count)s)", count=len(waivers)),
                3,
                (waiver_table,) if waivers else none,
            ),
        ]

    # -- GO_LIVE_MANIFEST ----------------------------------------------
    def go_live_manifest(self):
        src = self.source
        facts = (
            (
                self.env._("Bundle"),
                bundle_label(src.bundle_name, src.bundle_version),
            ),
            (self.env._("Tag"), src.release_tag or "-"),
            (self.env._("Environment"), src.environment),
            (self.env._("Architecture"), src.architecture),
            (self.env._("Cutover strategy"), src.cutover_strategy),
            (self.env._("Manifest SHA-256"), src.manifest_sha256 or "-"),
        )
        return Document(
            f"GO_LIVE_MANIFEST: {one_line(src.checklist_name or src.bundle_name)}",
            Facts(tuple(Fact(label, one_line(value)) for label, value in facts)),
            (
                Section(self.env._("Decision"), blocks=(Paragraph(self.decision()),)),
                Section(self.env._("RACI"), blocks=(self._raci_table(),)),
                Section(self.env._("Timeline"), blocks=(self._timeline(),)),
                Section(self.env._("Phases"), blocks=(self._phase_table(),)),
                *self._install_order_sections(),
                Section(
                    self.env._("Backup"),
                    blocks=(
                        Paragraph(
                            one_line(
                                src.backup_reference
                                or self.env._("No backup recorded by the go-live flow.")
                            )
                        ),
                    ),
                ),
            ),
        )

    def decision(self):
        """The go/no-go decision as the checklist records it."""
        src = self.source
        if src.state in ("live", "stabilizing", "closed"):
            return self.env._(
                "Go: live since %(date)s, approved by %(approver)s.",
                date=src.date_live,
                approver=src.checklist_approver,
            )
        if src.state == "aborted":
            return self.env._(
                "Aborted / rolled back: %(reason)s", reason=src.abort_reason
            )
        return self.env._("Pending (%(state)s).", state=src.state_label)

    def _raci_table(self):
        src = self.source
        return Table(
            (self.env._("Role"), self.env._("Person")),
            (
                (self.env._("Owner (accountable)"), src.owner),
                (self.env._("Implementer (responsible)"), src.implementer),
                (self.env._("Ops"), src.ops),
                (self.env._("Finance SME (consulted)"), src.finance_sme),
                (self.env._("Approver"), src.checklist_approver),
            ),
        )

    def _timeline(self):
        src = self.source
        milestones = (
            (self.env._("Kickoff"), src.date_kickoff),
            (self.env._("Target go-live"), src.date_golive),
            (self.env._("Went live"), src.date_live),
            (self.env._("Freeze ends"), src.date_freeze_end),
            (self.env._("Release taken"), src.date),
        )
        return Facts(
            tuple(Fact(label, value) for label, value in milestones),
            headers=(self.env._("Milestone"), self.env._("Date")),
        )

    def _phase_table(self):
        return Table(
            (
                self.env._("Phase"),
                self.env._("Name"),
                self.env._("Window"),
                self.env._("From"),
                self.env._("To"),
                self.env._("Tasks"),
                self.env._("Completion"),
            ),
            tuple(
                (
                    p["code"],
                    p["name"],
                    p["window"],
                    p["date_start"] or "-",
                    p["date_end"] or "-",
                    f"{p['closed']}/{p['tasks']}",
                    f"{p['completion']:.0f} %",
                )
                for p in self.source.phases or ()
            ),
        )

    def _install_order_sections(self):
        src = self.source
        title = self.env._("Install order")
        if not src.install_order:
            text = self.env._(
                "No ship manifest linked: the install order was not recorded."
            )
            return [Section(title, blocks=(Paragraph(text),))]
        stages = Stages(
            (self.env._("Stage"), self.env._("Modules")),
            tuple(
                (one_line(stage.get("stage")), ", ".join(stage.get("modules") or ()))
                for stage in src.install_order
            ),
        )
        missing, unlisted = install_drift(src.install_order, src.modules)
        drift = Facts(
            (
                Fact(self.env._("Listed but not installed"), ", ".join(missing) or "-"),
                Fact(
                    self.env._("Installed (OCA/custom) but not listed"),
                    ", ".join(unlisted) or "-",
                ),
            ),
            inline=True,
        )
        return [
            Section(title, blocks=(stages,)),
            Section(self.env._("Drift at go-live"), 3, (drift,)),
        ]
