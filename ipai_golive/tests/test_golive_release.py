# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import subprocess
from unittest.mock import patch
from urllib.parse import quote as url_quote

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import config, file_open

from odoo.addons.ipai_golive_checks.tools.secrets import MASK

from ..models.golive_release import diff_snapshots
from ..tools.release_report import install_drift
from .common import GoliveCase

AIUX_MANIFEST = "ipai_golive_checks/tests/data/aiux_ship_manifest.fixed.yml"
CURL = "curl -sf https://acme.example/web/login 2>&1 | grep -q ok"
SMTP_PASSWORD = "smtp-Pl4nted-s3cret"
ADMIN_PASSWD = "admin-Pl4nted-s3cret"
HEADER_VALUE = "Bearer endpoint-Pl4nted-t0ken"


def pdf_text(pdf):
    """The text of a PDF as ``pdftotext`` (poppler-utils) extracts it."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


class FakeShipManifest:
    """The interface of a parsed ship manifest that releases read."""

    sha256 = "5e" * 32
    bundle_name = "acme-erp"
    bundle_version = "2.3.0"

    def stages(self):
        return [
            ("odoo_base", ["base", "web"]),
            ("ipai_core", ["ipai_golive", "acme_missing"]),
        ]

    def declared_origin(self, module):
        return "oca" if module == "test_ipai_golive_checks" else None


class ReleaseCase(GoliveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Release = cls.env["golive.release"]
        cls.Report = cls.env["ir.actions.report"]
        cls.checklist.write(
            {"release_tag": "v1.1.0", "release_version": "1.1.0", "environment": "prod"}
        )

    def _go_live(self, checklist=None):
        checklist = checklist or self.checklist
        checklist.with_user(self.user).action_start()
        checklist.with_user(self.user).action_ready()
        checklist.task_ids.filtered("is_gate").write({"state": "done"})
        self._decide_go(checklist)
        checklist.with_user(self.manager).action_go_live()
        return checklist.release_ids

    def _take(self, user=None):
        return self.Release.with_user(user or self.manager)._take(self.checklist)

    def _markdown(self, release, xmlid="ipai_golive.action_report_what_shipped_md"):
        text, report_type = self.Report._render_qweb_text(
            self.env.ref(xmlid), release.ids
        )
        self.assertEqual(report_type, "text")
        return text.decode() if isinstance(text, bytes) else str(text)

    def _known_release(self, **vals):
        """A release with known content, written directly."""
        values = {
            "name": "v1.1.0 (prod) 2026-02-16 10:00",
            "checklist_id": self.checklist.id,
            "company_id": self.checklist.company_id.id,
            "environment": "prod",
            "trigger": "go_live",
            "date": "2026-02-16 10:00:00",
            "user_id": self.manager.id,
            "approver_id": self.manager.id,
            "release_tag": "v1.1.0",
            "bundle_name": "acme-erp",
            "bundle_version": "1.1.0",
            "manifest_sha256": "ab" * 32,
            "audit_score": 87.5,
            "audit_date": "2026-02-16 09:55:00",
            "audit_counts": {
                "checks": 3,
                "pass": 1,
                "warn": 0,
                "fail": 1,
                "error": 0,
                "skipped": 0,
                "waived": 1,
            },
            "module_data": {
                "base": {
                    "version": "18.0.1.3",
                    "origin": "ce",
                    "author": "Odoo S.A.",
                    "license": "LGPL-3",
                },
                "web_responsive": {
                    "version": "18.0.1.0.2",
                    "origin": "oca",
                    "author": "Odoo Community Association (OCA)",
                    "license": "AGPL-3",
                },
                "acme_sale": {
                    "version": "18.0.2.0.0",
                    "origin": "custom",
                    "author": "ACME & Sons <it@acme.example>",
                    "license": "LGPL-3",
                },
            },
            "module_count": 3,
            "check_data": {
                "modules.stuck": "pass",
                "mail.outgoing_server": "fail",
                "config.list_db": "fail",
            },
            "finding_data": [
                {
                    "code": "mail.outgoing_server",
                    "object": "smtp",
                    "status": "fail",
                    "severity": "high",
                    "message": "No answer from 127.0.0.1:25 (a > b & c)",
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
            "config_data": {"admin_passwd": MASK, "list_db": True, "workers": 4},
            "gate_data": [
                {
                    "phase": "8",
                    "name": "HTTP 200 on /web/login",
                    "state": "Done",
                    "verification": CURL,
                    "checks": "pass",
                    "evidence": "https://ci.acme.example/runs/42",
                    "signoff": "Ann Approver",
                    "signoff_date": "2026-02-16 09:00:00",
                    "waive_reason": "",
                }
            ],
            "phase_data": [
                {
                    "code": "8",
                    "name": "Go-Live Execution",
                    "window": "T-0",
                    "date_start": "2026-02-16",
                    "date_end": "2026-02-16",
                    "tasks": 4,
                    "closed": 3,
                    "completion": 75.0,
                }
            ],
            "open_task_data": [
                {
                    "phase": "9",
                    "name": "Daily health review",
                    "state": "todo",
                    "responsible": "",
                    "deadline": "2026-03-02",
                }
            ],
            "waiver_data": [
                {
                    "code": "config.list_db",
                    "object": "list_db",
                    "reason": "Staging copy until March",
                    "approver": "Ann Approver",
                    "expiry": "2026-03-01",
                }
            ],
            "install_order_data": [
                {"stage": "odoo_base", "modules": ["base", "web"]},
                {"stage": "ipai", "modules": ["acme_sale"]},
            ],
            "previous_id": False,
        }
        values.update(vals)
        return self.Release.with_user(self.manager).create([values])


@tagged("post_install", "-at_install")
class TestGoliveRelease(ReleaseCase):
    def test_go_live_takes_a_release(self):
        release = self._go_live()
        self.assertEqual(len(release), 1)
        self.assertEqual(release.trigger, "go_live")
        self.assertEqual(release.user_id, self.manager)
        self.assertEqual(release.environment, "prod")
        self.assertEqual(release.release_tag, "v1.1.0")
        self.assertEqual(release.bundle_version, "1.1.0")
        self.env.cr.execute(
            "SELECT name, latest_version FROM ir_module_module "
            "WHERE state = 'installed'"
        )
        installed = dict(self.env.cr.fetchall())
        self.assertEqual(set(release.module_data), set(installed))
        self.assertEqual(release.module_count, len(installed))
        self.assertEqual(release.module_data["base"]["version"], installed["base"])
        self.assertEqual(release.module_data["base"]["origin"], "ce")
        self.assertEqual(release.module_data["ipai_golive"]["origin"], "custom")
        self.assertEqual(release.module_data["ipai_golive"]["license"], "LGPL-3")
        self.assertEqual(release.config_data["admin_passwd"], MASK)
        self.assertEqual(
            set(release.attachment_ids.mapped("name")),
            {"WHAT_SHIPPED.md", "GO_LIVE_MANIFEST.md"},
            "PDFs are only rendered in tests when asked (force_report_rendering)",
        )
        self.assertEqual(
            [(g["name"], g["state"]) for g in release.gate_data],
            [
                ("CI gates green on release tag", "Done"),
                ("Backup taken right before cutover", "Done"),
            ],
        )
        self.assertEqual(
            [t["name"] for t in release.open_task_data],
            ["Ship manifest finalized", "Daily health review"],
        )
        self.assertIn(
            f"Release {release.name} taken: {release.module_count} modules; "
            f"{release.diff_summary}.",
            self.checklist.message_ids[:1].body,
        )
        # moving on from live takes no other release
        self.checklist.with_user(self.user).action_stabilize()
        self.assertEqual(self.checklist.release_ids, release)

    def test_release_rests_on_the_checklists_audit(self):
        run = (
            self.env["golive.check.run"]
            .with_user(self.manager)
            ._run_checks(codes=["modules.stuck"], environment="prod")
        )
        self.checklist.sudo().check_run_id = run
        release = self._take()
        self.assertEqual(release.run_id, run)
        self.assertEqual(release.check_data, {"modules.stuck": "pass"})
        self.assertEqual(release.audit_counts["checks"], 1)
        self.assertEqual(release.audit_score, run.score)
        # the autovacuum keeps the audit a release rests on, however old
        self.assertIn(run, self.env["golive.check.run"]._gc_kept_runs())

    def test_only_managers_take_releases(self):
        with self.assertRaisesRegex(UserError, "Only a Go-Live Manager can take"):
            self.checklist.with_user(self.user).action_take_release()
        with self.assertRaises(AccessError):
            self.Release.with_user(self.user).create(
                self.Release._prepare_release_vals(self.checklist)
            )
        action = self.checklist.with_user(self.manager).action_take_release()
        release = self.Release.browse(action["res_id"])
        self.assertEqual(release.trigger, "manual")
        self.assertEqual(self.checklist.release_count, 1)

    def test_users_read_and_print(self):
        release = self._take()
        as_user = release.with_user(self.user)
        self.assertEqual(as_user.module_count, release.module_count)
        self.assertIn("# WHAT_SHIPPED: ACME v1.1.0", self._markdown(as_user))
        action = self.checklist.with_user(self.user).action_print_what_shipped()
        self.assertEqual(action["report_name"], "ipai_golive.report_what_shipped")
        self.assertEqual(action["context"]["active_ids"], release.ids)
        action = as_user.action_print_go_live_manifest_md()
        self.assertEqual(action["report_type"], "qweb-text")
        with self.assertRaises(AccessError):
            release.with_user(self.employee).read(["name"])

    def test_print_without_release(self):
        with self.assertRaisesRegex(UserError, "has no release yet"):
            self.checklist.with_user(self.user).action_print_what_shipped()

    def test_immutable_but_the_note(self):
        release = self._take()
        release.with_user(self.manager).note = "Hotfix 1.1.1 followed."
        self.assertEqual(release.note, "Hotfix 1.1.1 followed.")
        for vals in (
            {"name": "Rewritten"},
            {"module_data": {}},
            {"bundle_version": "9.9.9", "note": "both"},
        ):
            with self.assertRaisesRegex(UserError, "A release is immutable"):
                release.with_user(self.manager).write(vals)
            with self.assertRaisesRegex(UserError, "A release is immutable"):
                release.sudo().write(vals)
        self.assertEqual(release.note, "Hotfix 1.1.1 followed.")
        with self.assertRaises(AccessError):
            release.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "permanent record"):
            release.sudo().unlink()
        with self.assertRaises(AccessError):
            release.with_user(self.user).note = "Users only read."

    def test_one_release_per_pdf(self):
        releases = self._take() | self._take()
        with self.assertRaisesRegex(UserError, "one release per PDF"):
            self.Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                "ipai_golive.action_report_what_shipped", releases.ids
            )

    def _audit(self):
        run = (
            self.env["golive.check.run"]
            .with_user(self.manager)
            ._run_checks(codes=["modules.stuck"], environment="prod")
        )
        self.checklist.sudo().check_run_id = run
        return run

    def test_diff_against_previous_release(self):
        Module = self.env["ir.module.module"]
        upgraded = Module.search([("name", "=", "test_ipai_golive_checks")])
        upgraded.latest_version = "18.0.1.9.0"
        self._audit()
        first = self._take()
        # one module added, one removed, one upgraded (10 > 9 as versions, not
        # as strings), one check turning red, one server option changed
        Module.create(
            {
                "name": "golive_added",
                "state": "installed",
                "latest_version": "18.0.1.0.0",
            }
        )
        Module.search([("name", "=", "base_import")]).state = "uninstalled"
        upgraded.latest_version = "18.0.1.10.0"
        Module.create({"name": "golive_stuck", "state": "to upgrade"})
        self._audit()
        with patch.dict(config.options, {"workers": 7}):
            second = self._take()
        self.assertEqual(second.previous_id, first)
        diff = second.diff_data
        self.assertEqual(
            diff["added"],
            [{"name": "golive_added", "version": "18.0.1.0.0", "origin": "custom"}],
        )
        self.assertEqual(
            diff["removed"],
            [
                {
                    "name": "base_import",
                    "version": first.module_data["base_import"]["version"],
                    "origin": "ce",
                }
            ],
        )
        self.assertEqual(
            diff["upgraded"],
            [
                {
                    "name": "test_ipai_golive_checks",
                    "from": "18.0.1.9.0",
                    "to": "18.0.1.10.0",
                }
            ],
        )
        self.assertEqual(diff["downgraded"], [])
        self.assertEqual(
            diff["checks"], [{"code": "modules.stuck", "from": "pass", "to": "fail"}]
        )
        self.assertEqual(
            diff["config"], [{"key": "workers", "from": config["workers"], "to": 7}]
        )
        self.assertIn("18.0.1.10.0", second.diff_html)
        self.assertEqual(
            second.diff_summary,
            "1 added, 1 removed, 1 upgraded, 0 downgraded; 1 check(s), 1 option(s) "
            "changed",
        )
        markdown = self._markdown(second).splitlines()
        start = markdown.index("## Changes since the previous release")
        self.assertEqual(
            markdown[start : start + 40],
            [
                "## Changes since the previous release",
                "",
                f"Previous release: {first.name}",
                "",
                "### Modules added",
                "",
                "| Module | Version | Origin |",
                "| --- | --- | --- |",
                "| golive_added | 18.0.1.0.0 | custom |",
                "",
                "### Modules removed",
                "",
                "| Module | Version | Origin |",
                "| --- | --- | --- |",
                f"| base_import | {diff['removed'][0]['version']} | ce |",
                "",
                "### Modules upgraded",
                "",
                "| Module | From | To |",
                "| --- | --- | --- |",
                "| test_ipai_golive_checks | 18.0.1.9.0 | 18.0.1.10.0 |",
                "",
                "### Checks whose status changed",
                "",
                "| Check | From | To |",
                "| --- | --- | --- |",
                "| modules.stuck | Pass | Fail |",
                "",
                "### Server options changed",
                "",
                "| Option | From | To |",
                "| --- | --- | --- |",
                f"| workers | {config['workers']} | 7 |",
                "",
                "## Gates",
                "",
                "### 8 CI gates green on release tag",
                "",
                "- State: To Do",
                "- Checks: -",
            ],
        )

    def test_diff_is_per_company_and_environment(self):
        first = self._take()
        self.checklist.environment = "staging"
        staging = self._take()
        self.assertNotEqual(staging.previous_id, first)
        self.checklist.environment = "prod"
        self.assertEqual(self._take().previous_id, first)

    def test_diff_snapshots(self):
        old = {
            "modules": {
                "a": {"version": "18.0.1.9.0", "origin": "oca"},
                "b": {"version": "18.0.2.0.0", "origin": "custom"},
                "c": {"version": "18.0.1.0.0", "origin": "ce"},
            },
            "checks": {"x.one": "pass", "x.two": "fail"},
            "config": {"workers": 2, "list_db": True},
        }
        new = {
            "modules": {
                "a": {"version": "18.0.1.10.0", "origin": "oca"},
                "b": {"version": "18.0.1.5.0", "origin": "custom"},
                "d": {"version": "18.0.1.0.0", "origin": "custom"},
            },
            "checks": {"x.one": "pass", "x.two": "pass", "x.three": "warn"},
            "config": {"workers": 2, "list_db": False},
        }
        self.assertEqual(
            diff_snapshots(old, new),
            {
                "added": [{"name": "d", "version": "18.0.1.0.0", "origin": "custom"}],
                "removed": [{"name": "c", "version": "18.0.1.0.0", "origin": "ce"}],
                "upgraded": [{"name": "a", "from": "18.0.1.9.0", "to": "18.0.1.10.0"}],
                "downgraded": [{"name": "b", "from": "18.0.2.0.0", "to": "18.0.1.5.0"}],
                "checks": [
                    {"code": "x.three", "from": "", "to": "warn"},
                    {"code": "x.two", "from": "fail", "to": "pass"},
                ],
                "config": [{"key": "list_db", "from": True, "to": False}],
            },
        )

    def test_take_release_queries_do_not_grow_with_modules(self):
        self._take()  # warm the caches (templates, registry)
        queries = self.env.cr.sql_log_count
        self._take()
        with_few = self.env.cr.sql_log_count - queries
        self.env.cr.execute(
            "INSERT INTO ir_module_module (name, state, latest_version, author, "
            "license, shortdesc, application, demo, auto_install) "
            "SELECT 'golive_bench_' || n, 'installed', '18.0.1.0.' || n, 'IPAI', "
            "'LGPL-3', jsonb_build_object('en_US', 'Bench ' || n), false, false, "
            "false FROM generate_series(1, 600) n"
        )
        queries = self.env.cr.sql_log_count
        release = self._take()
        with_many = self.env.cr.sql_log_count - queries
        self.assertGreaterEqual(release.module_count, 600)
        self.assertEqual(len(release.diff_data["added"]), 600)
        self.assertEqual(with_many, with_few)


@tagged("post_install", "-at_install")
class TestGoliveReleaseReports(ReleaseCase):
    def test_what_shipped_markdown(self):
        release = self._known_release()
        manager = self.manager.name
        self.assertEqual(
            self._markdown(release).splitlines(),
            [
                "# WHAT_SHIPPED: acme-erp 1.1.0",
                "",
                "- Bundle: acme-erp",
                "- Version: 1.1.0",
                "- Tag: v1.1.0",
                "- Date: 2026-02-16 10:00",
                "- Environment: Production",
                f"- Approver: {manager}",
                f"- Taken by: {manager} (Go-Live)",
                f"- Manifest SHA-256: {'ab' * 32}",
                "- Audit: score 87.5/100, 3 checks (2026-02-16 09:55)",
                "",
                "## Modules (3)",
                "",
                "### Odoo Community (1)",
                "",
                "| Module | Version | Author | License |",
                "| --- | --- | --- | --- |",
                "| base | 18.0.1.3 | Odoo S.A. | LGPL-3 |",
                "",
                "### OCA (1)",
                "",
                "| Module | Version | Author | License |",
                "| --- | --- | --- | --- |",
                "| web_responsive | 18.0.1.0.2 | Odoo Community Association (OCA) "
                "| AGPL-3 |",
                "",
                "### Custom (1)",
                "",
                "| Module | Version | Author | License |",
                "| --- | --- | --- | --- |",
                "| acme_sale | 18.0.2.0.0 | ACME & Sons <it@acme.example> | LGPL-3 |",
                "",
                "## Changes since the previous release",
                "",
                "First release of this company and environment.",
                "",
                "## Gates",
                "",
                "### 8 HTTP 200 on /web/login",
                "",
                "- State: Done",
                "- Checks: Pass",
                f"- Verification: `{CURL}`",
                "- Evidence: https://ci.acme.example/runs/42",
                "- Sign-off: Ann Approver (2026-02-16 09:00:00)",
                "",
                "## Audit",
                "",
                "Score 87.5/100: 1 passed, 0 warnings, 1 failed, 0 errors, "
                "0 skipped, 1 waived.",
                "",
                "### Findings not passing",
                "",
                "| Status | Severity | Check | Object | Message |",
                "| --- | --- | --- | --- | --- |",
                "| Fail | High | mail.outgoing_server | smtp | No answer from "
                "127.0.0.1:25 (a > b & c) |",
                "",
                "### Waived findings",
                "",
                "| Check | Object | Status | Reason | Expires |",
                "| --- | --- | --- | --- | --- |",
                "| config.list_db | list_db | Fail | Staging copy until March "
                "| 2026-03-01 |",
                "",
                "## Known issues",
                "",
                "### Open tasks (1)",
                "",
                "| Phase | Task | State | Responsible | Deadline |",
                "| --- | --- | --- | --- | --- |",
                "| 9 | Daily health review | To Do | - | 2026-03-02 |",
                "",
                "### Active waivers (1)",
                "",
                "| Check | Object | Reason | Approver | Expires |",
                "| --- | --- | --- | --- | --- |",
                "| config.list_db | list_db | Staging copy until March "
                "| Ann Approver | 2026-03-01 |",
                "",
                "## Server configuration (secrets masked)",
                "",
                "| Option | Value |",
                "| --- | --- |",
                f"| admin_passwd | {MASK} |",
                "| list_db | True |",
                "| workers | 4 |",
            ],
        )

    def test_go_live_manifest_markdown(self):
        release = self._known_release()
        self.checklist.write({"architecture": "split", "cutover_strategy": "big_bang"})
        lines = self._markdown(
            release, "ipai_golive.action_report_go_live_manifest_md"
        ).splitlines()
        self.assertEqual(lines[0], "# GO_LIVE_MANIFEST: ACME v1.1.0")
        for line in (
            "- Bundle: acme-erp 1.1.0",
            "- Architecture: Split",
            "- Cutover strategy: Big bang",
            "Pending (Draft).",
            "| Approver | - |",
            "- Kickoff: 2026-01-05",
            "- Target go-live: 2026-02-16",
            "- Release taken: 2026-02-16 10:00",
            "| 8 | Go-Live Execution | T-0 | 2026-02-16 | 2026-02-16 | 3/4 | 75 % |",
            "1. odoo_base: base, web",
            "2. ipai: acme_sale",
            "- Listed but not installed: web",
            "- Installed (OCA/custom) but not listed: web_responsive",
            "No backup recorded by the go-live flow.",
        ):
            self.assertIn(line, lines)

    def test_markdown_cells_keep_pipes_in_their_cell(self):
        release = self._known_release(
            open_task_data=[
                {
                    "phase": "9",
                    "name": "Check a | b",
                    "state": "todo",
                    "responsible": "",
                    "deadline": "",
                }
            ]
        )
        self.assertIn("| 9 | Check a \\| b | To Do | - | - |", self._markdown(release))

    def test_live_state_writes_nothing(self):
        counts = (
            self.Release.search_count([]),
            self.env["ir.attachment"].search_count([]),
        )
        content, release = self.Release._render_report(
            "what_shipped", "markdown", live=True, checklist=self.checklist
        )
        self.assertIsNone(release)
        text = content.decode()
        self.assertTrue(text.startswith("# WHAT_SHIPPED: ACME v1.1.0\n"))
        self.assertIn("| ipai_golive |", text)
        self.assertEqual(
            (
                self.Release.search_count([]),
                self.env["ir.attachment"].search_count([]),
            ),
            counts,
        )

    def test_live_state_from_a_ship_manifest(self):
        ship = FakeShipManifest()
        content, release = self.Release._render_report(
            "go_live_manifest", "markdown", checklist=self.checklist, ship=ship
        )
        self.assertIsNone(release)
        lines = content.decode().splitlines()
        for line in (
            "- Bundle: acme-erp 2.3.0",
            f"- Manifest SHA-256: {ship.sha256}",
            "1. odoo_base: base, web",
            "2. ipai_core: ipai_golive, acme_missing",
            "- Listed but not installed: acme_missing",
        ):
            self.assertIn(line, lines)
        content, _release = self.Release._render_report(
            "what_shipped", "markdown", checklist=self.checklist, ship=ship
        )
        text = content.decode()
        self.assertTrue(text.startswith("# WHAT_SHIPPED: acme-erp 2.3.0\n"))
        # the manifest says which non-core modules are OCA
        self.assertIn("### OCA", text)
        self.assertIn("| test_ipai_golive_checks |", text.split("### OCA")[1])

    def test_release_of_a_checklist_with_a_ship_manifest(self):
        with file_open(AIUX_MANIFEST, "rb") as source:
            manifest = self.env["golive.manifest"]._import_manifest(
                source.read(), "aiux_ship_manifest.yml"
            )
        self.checklist.manifest_id = manifest
        release = self._take()
        self.assertEqual(release.manifest_sha256, manifest.sha256)
        self.assertEqual(release.bundle_name, "ipai-aiux-bundle")
        self.assertEqual(release.bundle_version, "1.1.0")
        self.assertEqual(release.install_order_data[0]["stage"], "odoo_base")
        self.assertEqual(
            release.install_order_data[0]["modules"][:3], ["base", "web", "mail"]
        )
        lines = self._markdown(
            release, "ipai_golive.action_report_go_live_manifest_md"
        ).splitlines()
        self.assertIn(f"- Manifest SHA-256: {manifest.sha256}", lines)
        self.assertTrue(
            any(line.startswith("1. odoo_base: base, web, mail") for line in lines)
        )
        missing, _unlisted = install_drift(
            release.install_order_data, release.module_data
        )
        self.assertTrue(missing)
        self.assertIn(f"- Listed but not installed: {', '.join(missing)}", lines)

    def test_unknown_report(self):
        with self.assertRaisesRegex(UserError, "Unknown report invoice in format pdf"):
            self.Release._render_report("invoice", "pdf")
        with self.assertRaisesRegex(UserError, "in format html"):
            self.Release._render_report("what_shipped", "html")

    def test_demo_release(self):
        checklist = self.env.ref("ipai_golive.demo_checklist_aiux_100")
        release = checklist.release_ids
        self.assertEqual(len(release), 1)
        self.assertEqual(release.trigger, "go_live")
        self.assertEqual(release.bundle_version, "1.0.0")
        markdown = release.attachment_ids.filtered(
            lambda a: a.name == "WHAT_SHIPPED.md"
        )
        self.assertTrue(markdown.raw.startswith(b"# WHAT_SHIPPED: AIUX bundle v1.0.0"))
        for xmlid in (
            "ipai_golive.action_report_what_shipped_md",
            "ipai_golive.action_report_go_live_manifest_md",
        ):
            self.assertIn("ship-aiux-v1.0.0", self._markdown(release, xmlid))
        self.assertEqual(
            checklist.with_user(self.user).action_print_what_shipped()["report_name"],
            "ipai_golive.report_what_shipped",
        )


@tagged("post_install", "-at_install")
class TestGoliveReleasePdf(ReleaseCase, HttpCase):
    """PDFs rendered for real by wkhtmltopdf, which fetches the report assets
    from the test server: an HttpCase, whose server shares the test cursor."""

    def test_pdf_rendered_for_real(self):
        release = self._known_release()
        pdf, report_type = self.Report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf("ipai_golive.action_report_what_shipped", release.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = pdf_text(pdf)
        for expected in (
            "WHAT_SHIPPED: acme-erp 1.1.0",
            "web_responsive",
            "18.0.1.0.2",
            "acme_sale",
            "18.0.2.0.0",
            "ACME & Sons <it@acme.example>",
            CURL,
        ):
            self.assertIn(expected, text)
        self.assertNotIn("&amp;", text)
        pdf, _type = self.Report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf("ipai_golive.action_report_go_live_manifest", release.ids)
        text = pdf_text(pdf)
        self.assertIn("GO_LIVE_MANIFEST: ACME v1.1.0", text)
        self.assertIn("Go-Live Execution", text)

    def test_release_attaches_both_formats(self):
        self.checklist.task_ids.filtered("is_gate").write({"state": "done"})
        release = (
            self.Release.with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._take(self.checklist)
        )
        documents = {a.name: a for a in release.attachment_ids}
        self.assertEqual(
            set(documents),
            {
                "WHAT_SHIPPED.pdf",
                "WHAT_SHIPPED.md",
                "GO_LIVE_MANIFEST.pdf",
                "GO_LIVE_MANIFEST.md",
            },
        )
        self.assertTrue(documents["WHAT_SHIPPED.pdf"].raw.startswith(b"%PDF-"))
        text = pdf_text(documents["WHAT_SHIPPED.pdf"].raw)
        base_version = release.module_data["base"]["version"]
        self.assertIn(f"base {base_version}", text)
        self.assertIn("ACME v1.1.0", text)
        self.assertEqual(
            documents["WHAT_SHIPPED.md"].raw,
            self._markdown(release).encode(),
        )
        self.assertTrue(
            documents["WHAT_SHIPPED.md"].raw.startswith(
                b"# WHAT_SHIPPED: ACME v1.1.0\n\n- Bundle: ACME v1.1.0\n"
            )
        )
        self.assertEqual(documents["WHAT_SHIPPED.md"].mimetype, "text/markdown")

    def test_no_secret_in_any_format(self):
        self.env["ir.mail_server"].create(
            {
                "name": "Planted",
                "smtp_host": "smtp.acme.example",
                "smtp_user": "mailer",
                "smtp_pass": SMTP_PASSWORD,
            }
        )
        self.env["golive.check.endpoint"].create(
            {
                "name": "Health with a token",
                "url": "https://acme.example/web/health",
                "header_name": "Authorization",
                "header_value": HEADER_VALUE,
            }
        )
        # a stored finding that leaked them (written before masking existed)
        run = self.env["golive.check.run"].create(
            {"name": "Old audit", "trigger": "manual", "environment": "prod"}
        )
        check = self.env["golive.check"].search([], limit=1)
        self.env["golive.check.result"].create(
            {
                "run_id": run.id,
                "check_id": check.id,
                "code": check.code,
                "severity": "high",
                "status": "fail",
                "message": f"login {SMTP_PASSWORD} / {ADMIN_PASSWD} / {HEADER_VALUE}",
            }
        )
        self.checklist.check_run_id = run
        self.gate_ci.write({"state": "done", "verification": f"token={HEADER_VALUE}"})
        with patch.dict(
            config.options,
            {"admin_passwd": ADMIN_PASSWD, "smtp_password": SMTP_PASSWORD},
        ):
            release = (
                self.Release.with_user(self.manager)
                .with_context(force_report_rendering=True)
                ._take(self.checklist)
            )
        self.assertEqual(release.config_data["smtp_password"], MASK)
        texts = [
            a.raw.decode() for a in release.attachment_ids if a.name.endswith(".md")
        ]
        texts += [
            pdf_text(a.raw) for a in release.attachment_ids if a.name.endswith(".pdf")
        ]
        self.assertEqual(len(texts), 4)
        self.assertIn(MASK, texts[0] + texts[1])
        for text in texts:
            for secret in (
                SMTP_PASSWORD,
                ADMIN_PASSWD,
                HEADER_VALUE,
                "endpoint-Pl4nted",
            ):
                self.assertNotIn(secret, text)

    def test_markdown_downloads_as_md(self):
        release = self._known_release()
        self.authenticate(self.user.login, self.user.login)
        texts = {}
        for name, title in (
            ("report_what_shipped_md", "WHAT_SHIPPED"),
            ("report_go_live_manifest_md", "GO_LIVE_MANIFEST"),
        ):
            data = json.dumps(
                [f"/report/text/ipai_golive.{name}/{release.id}", "qweb-text"]
            )
            response = self.url_open(f"/report/download?data={url_quote(data)}")
            self.assertEqual(response.status_code, 200)
            disposition = response.headers["Content-Disposition"]
            self.assertRegex(disposition, rf"^attachment; filename.*{title}\.md$")
            self.assertTrue(
                response.headers["Content-Type"].startswith("text/markdown")
            )
            texts[title] = response.content.decode()
            self.assertTrue(texts[title].startswith(f"# {title}: "))
            self.assertNotIn("&amp;", texts[title])
            self.assertNotIn("&lt;", texts[title])
        self.assertIn(f"- Verification: `{CURL}`", texts["WHAT_SHIPPED"])
        self.assertIn("ACME & Sons <it@acme.example>", texts["WHAT_SHIPPED"])
