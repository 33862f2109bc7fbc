# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The release reports against golden files.

Two releases of fixed content (a full one, with a previous release and a
note, and an empty one) are rendered as Markdown and compared byte for byte
with ``tests/data/golden/*.md``; the text of their PDF body (the HTML that
wkhtmltopdf prints, tags stripped, blanks collapsed) with ``*.pdf.txt``.

After an intended change of a report, regenerate the files with
``GOLIVE_GOLDEN_UPDATE=1`` in the environment of the test run, and review
the diff before committing it.
"""

import os
from datetime import datetime

from lxml import html as lxml_html

from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from odoo.addons.ipai_golive_checks.tools.secrets import MASK

from .test_golive_release import CURL, ReleaseCase

GOLDEN_DIR = "ipai_golive/tests/data/golden"
REPORTS = {
    "what_shipped": (
        "ipai_golive.action_report_what_shipped_md",
        "ipai_golive.report_what_shipped",
    ),
    "go_live_manifest": (
        "ipai_golive.action_report_go_live_manifest_md",
        "ipai_golive.report_go_live_manifest",
    ),
}


@tagged("post_install", "-at_install")
class TestGoliveReleaseGolden(ReleaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        people = {
            name: new_test_user(
                cls.env,
                f"golden_{name}",
                groups="base.group_user",
                name=label,
            )
            for name, label in (
                ("owner", "Olga Owner"),
                ("implementer", "Ivan Implementer"),
                ("ops", "Oscar Ops"),
                ("finance", "Fiona Finance"),
                ("approver", "Ann Approver"),
                ("taker", "Tom Taker"),
            )
        }
        cls.people = people
        cls.checklist.write(
            {
                "architecture": "split",
                "cutover_strategy": "big_bang",
                "user_id": people["owner"].id,
                "implementer_id": people["implementer"].id,
                "ops_user_id": people["ops"].id,
                "finance_sme_id": people["finance"].id,
                "approver_id": people["approver"].id,
                "date_live": datetime(2026, 2, 16, 10, 5),
            }
        )

    def _full_release(self):
        previous = self._known_release(
            name="v1.0.0 (prod) 2026-01-20 08:00",
            date="2026-01-20 08:00:00",
            user_id=self.people["taker"].id,
            approver_id=self.people["approver"].id,
        )
        return self._known_release(
            previous_id=previous.id,
            user_id=self.people["taker"].id,
            approver_id=self.people["approver"].id,
            trigger="manual",
            backup_reference=(
                "pre-cutover 2026-02-16 (Done, 2026-02-16 09:30) sha256 " + "cd" * 32
            ),
            note="Hotfix 1.1.1 followed.\nSee ticket  #42 | ops.",
            diff_data={
                "added": [
                    {"name": "acme_sale", "version": "18.0.2.0.0", "origin": "custom"}
                ],
                "removed": [
                    {"name": "acme_old", "version": "18.0.1.0.0", "origin": "oca"}
                ],
                "upgraded": [
                    {"name": "web_responsive", "from": "18.0.1.0.1", "to": "18.0.1.0.2"}
                ],
                "downgraded": [{"name": "base", "from": "18.0.1.4", "to": "18.0.1.3"}],
                "checks": [
                    {"code": "config.list_db", "from": "", "to": "fail"},
                    {"code": "modules.stuck", "from": "fail", "to": "pass"},
                ],
                "config": [
                    {"key": "workers", "from": 2, "to": 4},
                    {"key": "db_sslmode", "from": None, "to": "require"},
                ],
            },
            gate_data=[
                {
                    "phase": "8",
                    "name": "HTTP 200 on /web/login",
                    "state": "Done",
                    "verification": CURL,
                    "checks": "pass",
                    "evidence": "https://ci.acme.example/runs/42; smoke.log",
                    "signoff": "Ann Approver",
                    "signoff_date": "2026-02-16 09:00:00",
                    "waive_reason": "",
                },
                {
                    "phase": "",
                    "name": "Bank  feeds | reconciled",
                    "state": "Waived",
                    "verification": "",
                    "checks": "",
                    "evidence": "",
                    "signoff": "",
                    "signoff_date": "",
                    "waive_reason": "Bank  sandbox\nonly",
                },
            ],
            finding_data=[
                {
                    "code": "mail.outgoing_server",
                    "object": "smtp",
                    "status": "fail",
                    "severity": "high",
                    "message": "No answer from 127.0.0.1:25 (a > b & c | d)",
                    "waived": False,
                    "waiver_reason": "",
                    "waiver_expiry": "",
                },
                {
                    "code": "security.admin_password",
                    "object": "",
                    "status": "warn",
                    "severity": "medium",
                    "message": "",
                    "waived": False,
                    "waiver_reason": "",
                    "waiver_expiry": "",
                },
                {
                    "code": "config.list_db",
                    "object": "list_db",
                    "status": "fail",
                    "severity": "critical",
                    "message": "list_db is on",
                    "waived": True,
                    "waiver_reason": "Staging copy until March",
                    "waiver_expiry": "2026-03-01",
                },
            ],
            config_data={
                "admin_passwd": MASK,
                "db_sslmode": "require",
                "list_db": True,
                "smtp_server": "",
                "workers": 4,
            },
            phase_data=[
                {
                    "code": "1",
                    "name": "Kickoff",
                    "window": "Day 0-2",
                    "date_start": "2026-01-05",
                    "date_end": "2026-01-07",
                    "tasks": 2,
                    "closed": 2,
                    "completion": 100.0,
                },
                {
                    "code": "8",
                    "name": "Go-Live Execution",
                    "window": "T-0",
                    "date_start": "",
                    "date_end": "",
                    "tasks": 3,
                    "closed": 2,
                    "completion": 66.7,
                },
            ],
            install_order_data=[
                {"stage": "odoo_base", "modules": ["base", "web"]},
                {"stage": "ipai", "modules": ["acme_sale"]},
                {"stage": "empty", "modules": []},
            ],
        )

    def _empty_release(self):
        return self._known_release(
            name="empty (prod) 2026-02-16 10:00",
            user_id=self.people["taker"].id,
            approver_id=False,
            release_tag=False,
            manifest_sha256=False,
            audit_score=0.0,
            audit_date=False,
            audit_counts={},
            module_data={},
            module_count=0,
            check_data={},
            finding_data=[],
            config_data={},
            gate_data=[],
            phase_data=[],
            open_task_data=[],
            waiver_data=[],
            install_order_data=[],
        )

    def _pdf_body_text(self, release, report_name):
        """The text of the PDF body: what ``pdftotext`` reads, without
        running wkhtmltopdf."""
        html = self.Report._render_qweb_html(report_name, release.ids)[0]
        (document,) = lxml_html.fromstring(html).xpath(
            "//div[contains(@class, 'o_golive_release')]"
        )
        for style in document.iter("style"):
            style.drop_tree()
        return " ".join(" ".join(document.itertext()).split()) + "\n"

    def assertGolden(self, name, text):
        path = os.path.join(GOLDEN_DIR, name)
        if os.environ.get("GOLIVE_GOLDEN_UPDATE"):
            with open(file_path(GOLDEN_DIR) + "/" + name, "w", encoding="utf-8") as f:
                f.write(text)
        with open(file_path(path), encoding="utf-8", newline="") as golden:
            expected = golden.read()
        self.assertEqual(text, expected, f"{name} differs from its golden file")

    def _assert_release(self, release, prefix):
        for report, (markdown_xmlid, pdf_name) in REPORTS.items():
            self.assertGolden(
                f"{prefix}_{report}.md", self._markdown(release, markdown_xmlid)
            )
            self.assertGolden(
                f"{prefix}_{report}.pdf.txt", self._pdf_body_text(release, pdf_name)
            )

    def test_full_release(self):
        self._assert_release(self._full_release(), "full")

    def test_empty_release(self):
        self._assert_release(self._empty_release(), "empty")
