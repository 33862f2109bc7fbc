# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shipped template is the user's checklist, row for row.

The seed (data/source/kickoff-go-live-checklist.md) is parsed here by a parser
of its own, independent of scripts/gen_checklist_template.py, and compared
with the tasks of a checklist instantiated from the shipped template.
"""

import csv
import re
from datetime import date, timedelta
from unittest.mock import patch

from odoo.sql_db import Cursor
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import SQL
from odoo.tools.misc import file_open

SEED = "ipai_golive/data/source/kickoff-go-live-checklist.md"
BINDINGS = "ipai_golive/data/source/check_bindings.csv"
KICKOFF = date(2026, 1, 5)
GOLIVE = date(2026, 2, 16)

# (code, window label, anchor, first day, last day), as agreed for the seed.
PHASE_WINDOWS = [
    ("0", "Before starting", "kickoff", 0, 0),
    ("1", "Day 0–2", "kickoff", 0, 2),
    ("2", "Day 2–5", "kickoff", 2, 5),
    ("3", "Week 1", "kickoff", 0, 7),
    ("4", "Week 1–2", "kickoff", 0, 14),
    ("5", "Week 2", "kickoff", 7, 14),
    ("6", "Week 2", "kickoff", 7, 14),
    ("7", "Go-Live Readiness", "golive", -7, -1),
    ("8", "T-0", "golive", 0, 0),
    ("9", "T+1 to T+14", "golive", 1, 14),
]
# Sections whose every row is a gate; and the few other gates of the template.
GATE_SECTIONS = ("0", "3.2", "8.1", "8.2")
OTHER_GATES = {
    ("2.2", "Restore test executed (staging)"),
    ("5.2", "Business sign-off on staging"),
    ("6.1", "Admin credentials rotated"),
}
# Column title -> task field; None: a tick box, not data.
COLUMNS = {
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
    "Status": None,
    "Verified": None,
}
TEXT_FIELDS = ("verification", "runbook", "target", "mitigation", "frequency", "notes")
CHOICE_TABLES = ("Option", "Strategy")
CHECK_CODE = re.compile(r"[a-z]+\.[a-z][a-z0-9_]*(:[^,]+)?")


def read_seed():
    """Phases, task rows and choice rows of the seed, as plain dicts."""
    with file_open(SEED, filter_ext=(".md",)) as seed:
        text = seed.read()
    text = re.sub(r"^```.*?^```$", "", text, flags=re.M | re.S)
    phases, rows, choices = [], [], {}
    overview = text.split("## Overview\n\n", 1)[1].split("\n", 1)[0]
    section = title = None
    table = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append(
                [
                    c.strip().replace("\\|", "|")
                    for c in re.split(r"(?<!\\)\|", line)[1:-1]
                ]
            )
            continue
        if table:
            header, body = table[0], table[2:]
            table = []
            if header[0] in CHOICE_TABLES:
                choices[section] = [cells[0] for cells in body]
            else:
                for cells in body:
                    row = dict.fromkeys(TEXT_FIELDS, False)
                    for column, cell in zip(header[1:], cells[1:], strict=True):
                        if COLUMNS[column]:
                            row[COLUMNS[column]] = cell
                    rows.append(dict(row, section=section, title=title, name=cells[0]))
        heading = re.match(r"## (\d)\) (.*?)(?: \((.*)\))?$", line)
        if heading:
            phases.append(heading.groups())
            section, title = heading[1], heading[2]
        elif line.startswith("## "):
            section = None
        elif line.startswith("### "):
            section, title = line[4:].split(" ", 1)
        elif section == "0" and line.startswith("- [x] "):
            rows.append(
                dict.fromkeys(TEXT_FIELDS, False)
                | {"section": "0", "title": title, "name": line[6:]}
            )
    return overview, phases, rows, choices


@tagged("post_install", "-at_install")
class TestTemplateFidelity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.overview, cls.seed_phases, cls.seed_rows, cls.choices = read_seed()
        with file_open(BINDINGS, filter_ext=(".csv",)) as bindings:
            lines = bindings.read().splitlines()
        cls.binding_comments = [line for line in lines if line.startswith("#")]
        cls.bindings = {
            (row["section"], row["task"]): row["check_codes"]
            for row in csv.DictReader(
                line for line in lines if not line.startswith("#")
            )
        }
        cls.template = cls.env.ref("ipai_golive.template_kickoff_golive")

    def _instantiate(self):
        return self.template._create_checklist(
            {"name": "Fidelity", "date_kickoff": KICKOFF, "date_golive": GOLIVE}
        )

    def test_seed_counts(self):
        """5 definition-of-done items and 91 table rows; the choices are not."""
        self.assertEqual(len(self.seed_phases), 10)
        self.assertEqual(sum(row["section"] == "0" for row in self.seed_rows), 5)
        self.assertEqual(sum(row["section"] != "0" for row in self.seed_rows), 91)
        self.assertEqual(len(self.seed_rows), 96)
        self.assertEqual(sorted(self.choices), ["1.3", "5.3"])

    def test_template(self):
        self.assertEqual(self.template.name, "Kickoff → Go-Live (CE/OCA/IPAI)")
        self.assertEqual(self.template.description, self.overview.replace("**", ""))
        self.assertEqual(len(self.template.line_ids), 96)

    def test_phases(self):
        checklist = self._instantiate()
        phases = checklist.phase_ids.sorted("sequence")
        self.assertEqual(len(phases), 10)
        for phase, (code, name, label), window in zip(
            phases, self.seed_phases, PHASE_WINDOWS, strict=True
        ):
            with self.subTest(phase=code):
                self.assertEqual(window[0], code)
                self.assertEqual(phase.code, code)
                self.assertEqual(phase.name, name)
                if label:
                    self.assertEqual(phase.window_label, label)
                self.assertEqual(
                    (phase.window_label, phase.anchor, phase.day_start, phase.day_end),
                    window[1:],
                )
                anchor = KICKOFF if phase.anchor == "kickoff" else GOLIVE
                self.assertEqual(phase.date_start, anchor + timedelta(window[3]))
                self.assertEqual(phase.date_end, anchor + timedelta(window[4]))

    def test_tasks_row_by_row(self):
        checklist = self._instantiate()
        tasks = checklist.task_ids.sorted()
        self.assertEqual(len(tasks), 96)
        self.assertEqual(len(checklist.phase_ids), 10)
        for task, row in zip(tasks, self.seed_rows, strict=True):
            with self.subTest(section=row["section"], task=row["name"]):
                # the seed's Markdown code marks are left out of the names
                self.assertEqual(task.name, row["name"].replace("`", ""))
                self.assertEqual(task.section, row["section"])
                self.assertEqual(task.section_title, row["title"])
                self.assertEqual(task.phase_id.code, row["section"].split(".")[0])
                for field in TEXT_FIELDS:
                    self.assertEqual(task[field], row[field], field)
                is_gate = (
                    row["section"] in GATE_SECTIONS
                    or (row["section"], row["name"]) in OTHER_GATES
                )
                self.assertEqual(task.is_gate, is_gate)
                codes = self.bindings.get((row["section"], row["name"]), False)
                self.assertEqual(task.check_codes, codes)
                self.assertEqual(
                    task.verification_mode, "automated" if codes else "manual"
                )

    def test_gates(self):
        tasks = self._instantiate().task_ids
        for section in GATE_SECTIONS:
            in_section = tasks.filtered(lambda t, s=section: t.section == s)
            self.assertTrue(in_section)
            self.assertTrue(all(in_section.mapped("is_gate")), section)
        self.assertEqual(len(tasks.filtered("is_gate")), 5 + 5 + 4 + 6 + 3)

    def test_check_bindings(self):
        """Every binding names a task of the seed, with family.name codes."""
        names = {(row["section"], row["name"]) for row in self.seed_rows}
        self.assertTrue(self.bindings)
        for key, codes in self.bindings.items():
            with self.subTest(binding=key):
                self.assertIn(key, names)
                codes = codes.split(",")
                self.assertEqual(len(codes), len(set(codes)))
                for code in codes:
                    self.assertRegex(code, CHECK_CODE.pattern + "$")
        # Examples of the agreed mapping.
        self.assertEqual(
            self.bindings[("2.1", "`proxy_mode = True` configured")],
            "config.proxy_mode",
        )
        self.assertEqual(
            self.bindings[("8.2", "Module list matches manifest")],
            "manifest.modules_installed,manifest.modules_unlisted,modules.stuck,"
            "modules.upgrade_pending",
        )
        # The IPAI module rows follow their own module's findings only.
        for module in ("ipai_theme_aiux", "ipai_aiux_chat", "ipai_ask_ai"):
            self.assertEqual(
                self.bindings[("4.2", f"`{module}`")],
                f"manifest.modules_installed:{module}",
            )
        self.assertEqual(
            self.bindings[("3.1", "Dependency graph recorded")],
            "manifest.install_order",
        )
        self.assertIn(
            "manifest.install_order",
            self.bindings[
                ("1.1", "Ship manifest finalized (modules + install order + gates)")
            ],
        )

    def test_every_check_bound_or_explained(self):
        """A registered check is bound to a row, or a comment says why not."""
        bound = {
            code.partition(":")[0]
            for codes in self.bindings.values()
            for code in codes.split(",")
        }
        explained = {
            match[1]
            for line in self.binding_comments
            for match in [re.match(r"# ([a-z]+\.[a-z_0-9]+):", line)]
            if match
        }
        specs = self.env["golive.check.registry"]._golive_check_specs()
        for code in specs:
            if code.startswith(("test.", "manifest.", "reports.")):
                continue  # test checks; the manifest and report rows are bound apart
            with self.subTest(code=code):
                self.assertIn(code, bound | explained)

    def test_integrations_bind_their_own_endpoint(self):
        for key, endpoint in (
            (("4.3", "Sinch SMS"), "Sinch SMS"),
            (("4.3", "OCR Service"), "OCR Service"),
            (("8.2", "OCR pipeline test"), "OCR Service"),
            (("8.2", "SMS test (if enabled)"), "Sinch SMS"),
        ):
            self.assertEqual(self.bindings[key], f"http.endpoint:{endpoint}")
        self.assertIn("http.endpoint:Mailgun", self.bindings[("4.3", "Mailgun")])
        endpoints = self.env["golive.check.endpoint"].with_context(active_test=False)
        for name in ("Mailgun", "Sinch SMS", "OCR Service"):
            self.assertEqual(endpoints.search_count([("name", "=", name)]), 1, name)

    def test_choices_are_selection_values(self):
        """The option rows of 1.3 and 5.3 are the checklist's selections."""
        fields = self.env["golive.checklist"]._fields
        for section, field in (("1.3", "architecture"), ("5.3", "cutover_strategy")):
            labels = [label for _value, label in fields[field].selection]
            options = [
                re.sub(r"\*\*(.*?)\*\*.*", r"\1", option)
                for option in self.choices[section]
            ]
            self.assertEqual(options, labels)

    def test_tasks_created_in_one_insert(self):
        queries = []
        execute = Cursor.execute

        def logged_execute(cursor, query, params=None, log_exceptions=None):
            queries.append(query.code if isinstance(query, SQL) else query)
            return execute(cursor, query, params, log_exceptions)

        self.env.flush_all()
        with patch.object(Cursor, "execute", logged_execute):
            checklist = self._instantiate()
            self.env.flush_all()
        inserts = [q for q in queries if q.startswith('INSERT INTO "golive_task"')]
        self.assertEqual(len(checklist.task_ids), 96)
        self.assertEqual(len(inserts), 1, inserts)
