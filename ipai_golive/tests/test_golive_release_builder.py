# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The report builder on plain values: no release record, no checklist; the
environment only translates."""

from odoo.tests import TransactionCase, tagged

from ..tools.release_markdown import render_markdown
from ..tools.release_report import (
    Document,
    Fact,
    Facts,
    Paragraph,
    ReleaseReport,
    ReleaseSource,
    Section,
    Stages,
    Table,
    install_drift,
)


@tagged("post_install", "-at_install")
class TestGoliveReleaseBuilder(TransactionCase):
    def _build(self, **values):
        return ReleaseReport(ReleaseSource(**values), self.env)

    def _section(self, document, title):
        (section,) = (s for s in document.sections if s.title == title)
        return section

    def test_decision_follows_the_checklist_state(self):
        for state, expected in (
            (
                "live",
                "Go: live since 2026-02-16 10:05, approved by Ann Approver.",
            ),
            (
                "closed",
                "Go: live since 2026-02-16 10:05, approved by Ann Approver.",
            ),
            ("aborted", "Aborted / rolled back: Bank feeds failed"),
            ("ready", "Pending (Ready)."),
        ):
            builder = self._build(
                state=state,
                state_label="Ready",
                date_live="2026-02-16 10:05",
                checklist_approver="Ann Approver",
                abort_reason="Bank feeds failed",
            )
            self.assertEqual(builder.decision(), expected, state)
            document = builder.go_live_manifest()
            self.assertEqual(
                self._section(document, "Decision").blocks, (Paragraph(expected),)
            )

    def test_install_order_and_drift(self):
        modules = {
            "base": {"origin": "ce"},
            "acme_sale": {"origin": "custom"},
            "web_responsive": {"origin": "oca"},
        }
        order = [
            {"stage": "odoo_base", "modules": ["base", "web"]},
            {"stage": None, "modules": []},
            {"stage": "ipai", "modules": ["acme_sale"]},
        ]
        self.assertEqual(install_drift(order, modules), (["web"], ["web_responsive"]))
        self.assertEqual(install_drift([], modules), ([], []))
        document = self._build(install_order=order, modules=modules).go_live_manifest()
        (stages,) = self._section(document, "Install order").blocks
        self.assertEqual(
            stages.rows,
            (("odoo_base", "base, web"), ("-", ""), ("ipai", "acme_sale")),
        )
        drift = self._section(document, "Drift at go-live").blocks[0]
        self.assertTrue(drift.inline)
        self.assertEqual(
            [(f.label, f.value) for f in drift.rows],
            [
                ("Listed but not installed", "web"),
                ("Installed (OCA/custom) but not listed", "web_responsive"),
            ],
        )
        text = render_markdown(document)
        self.assertIn("1. odoo_base: base, web\n2. -: -\n3. ipai: acme_sale\n", text)

    def test_bundle_named_after_its_version(self):
        """The version is told once, also when the bundle's name carries it."""
        for name, version, expected in (
            ("acme-erp", "1.1.0", "acme-erp 1.1.0"),
            ("AIUX bundle v1.0.0", "1.0.0", "AIUX bundle v1.0.0"),
            ("AIUX bundle 1.0.0", "1.0.0", "AIUX bundle 1.0.0"),
            ("acme-erp-1.0.0", "1.0.0", "acme-erp-1.0.0 1.0.0"),
        ):
            document = self._build(bundle_name=name, bundle_version=version)
            self.assertEqual(document.what_shipped().title, f"WHAT_SHIPPED: {expected}")
            manifest = render_markdown(document.go_live_manifest())
            self.assertIn(f"- Bundle: {expected}\n", manifest)

    def test_what_shipped_sections(self):
        document = self._build(
            bundle_name="acme-erp",
            bundle_version=False,
            previous_name="v1.0.0",
            diff={"added": [], "checks": []},
            note="first\r\nsecond\n",
        ).what_shipped()
        # no version: the bundle alone
        self.assertEqual(document.title, "WHAT_SHIPPED: acme-erp")
        self.assertEqual(
            [(s.level, s.title) for s in document.sections],
            [
                (2, "Modules (0)"),
                (2, "Changes since the previous release"),
                (2, "Gates"),
                (2, "Audit"),
                (2, "Known issues"),
                (3, "Open tasks (0)"),
                (3, "Active waivers (0)"),
                (2, "Server configuration (secrets masked)"),
                (2, "Note"),
            ],
        )
        self.assertEqual(
            self._section(document, "Changes since the previous release").blocks,
            (Paragraph("Previous release: v1.0.0"), Paragraph("No change.")),
        )
        self.assertEqual(
            self._section(document, "Note").blocks, (Paragraph("first\nsecond"),)
        )

    def test_markdown_renderer(self):
        document = Document(
            "T: x",
            Facts((Fact("A", "1"), Fact("Run", "echo a | b", code=True))),
            (
                Section("Empty"),
                Section(
                    "S",
                    3,
                    (
                        Paragraph("two\nlines"),
                        Table(("K", "V"), (("a|b", ""), ("c", None))),
                        Stages(("Stage", "Modules"), (("one", "m1, m2"),)),
                        Facts((Fact("When", "now"),), headers=("Milestone", "Date")),
                    ),
                ),
            ),
        )
        self.assertEqual(
            render_markdown(document),
            "# T: x\n\n"
            "- A: 1\n"
            "- Run: `echo a | b`\n\n"
            "## Empty\n\n"
            "### S\n\n"
            "two\nlines\n\n"
            "| K | V |\n"
            "| --- | --- |\n"
            "| a\\|b | - |\n"
            "| c | - |\n\n"
            "1. one: m1, m2\n\n"
            "- When: now\n",
        )
