# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ship manifest loader and validator (plain Python, no database)."""

import os
import textwrap

from odoo.tests import tagged
from odoo.tests.common import BaseCase
from odoo.tools.misc import file_path

from ..tools.manifest import (
    MAX_BYTES,
    ManifestError,
    as_bool,
    diff_summaries,
    is_reference,
    load_manifest,
    load_manifest_file,
)

DATA = "ipai_golive_checks/tests/data"
REAL = f"{DATA}/aiux_ship_manifest.yml"
FIXED = f"{DATA}/aiux_ship_manifest.fixed.yml"
GOOD = """\
bundle: {name: acme-erp, version: 2.3.0, target_odoo_major: 18}
database: {canonical_db_name: acme, dbfilter_regex: "^acme$", list_db: false}
oca:
  branch: "18.0"
  modules: {web: [web_responsive]}
ipai_modules: {core: [ipai_golive, ipai_golive_checks]}
install_order:
  - {stage: odoo_base, modules: [base, web, mail]}
  - {stage: oca_base, modules: [web_responsive]}
  - {stage: ipai_core, modules: [ipai_golive_checks, ipai_golive]}
gates:
  required:
    - {id: web_login, description: /web/login answers, command: curl -sf http://localhost:8069/web/login}
runtime_config:
  odoo_conf: {workers: 4, list_db: "False", db_password: "${DB_PASSWORD}"}
  environment: [DB_PASSWORD]
assets: {bundles: [web.assets_backend], endpoints: [/web/login]}
service_links: {runbook: docs/runbook.md}
"""  # noqa: E501


def errors_of(text, filename="m.yml"):
    try:
        load_manifest(text, filename)
    except ManifestError as exc:
        return exc.issues
    raise AssertionError("the manifest was accepted")


@tagged("post_install", "-at_install")
class TestManifestLoader(BaseCase):
    def assertIssue(self, text, line, column, path, message, hint):
        """The first error of ``text`` is at ``line:column`` on ``path``."""
        issue = errors_of(textwrap.dedent(text))[0]
        self.assertEqual(
            (issue.line, issue.column, issue.path), (line, column, path), issue
        )
        self.assertIn(message, issue.message)
        self.assertIn(hint, issue.hint)
        self.assertTrue(str(issue).startswith(f"m.yml:{line}:{column}: "), issue)
        return issue

    # ------------------------------------------------------------------
    # The user's files
    # ------------------------------------------------------------------
    def test_real_manifest_refused_at_line_191(self):
        path = file_path(REAL)
        with self.assertRaises(ManifestError) as caught:
            load_manifest_file(path)
        (issue,) = caught.exception.issues
        self.assertEqual((issue.line, issue.column), (191, 83))
        self.assertEqual(issue.path, "gates.optional[0].command")
        self.assertIn("mapping values are not allowed", issue.message)
        self.assertIn("quote the command", issue.hint)
        self.assertRegex(
            str(caught.exception),
            r"^.*aiux_ship_manifest\.yml:191:83: gates\.optional\[0\]\.command: ",
        )

    def test_fixed_manifest_loads(self):
        manifest = load_manifest_file(file_path(FIXED))
        self.assertEqual(manifest.label, "ipai-aiux-bundle 1.1.0")
        self.assertEqual(len(manifest.sha256), 64)
        # extra sections are kept, as they are
        self.assertEqual(
            manifest.extra_sections(),
            ["widget_modes", "ocr_service", "verification", "documentation"],
        )
        self.assertEqual(manifest.data["widget_modes"]["default"], "minimize")
        # the timestamp stays text (JSON-storable)
        self.assertEqual(manifest.data["bundle"]["timestamp"], "2026-01-08T00:00:00Z")
        modules = manifest.module_groups()
        self.assertEqual(len(modules), 24)
        self.assertEqual(
            modules["ipai_theme_aiux"],
            ["ipai_modules.theme", "install_order.ipai_theme_aiux"],
        )
        self.assertEqual(manifest.declared_origin("web_responsive"), "oca")
        self.assertEqual(manifest.declared_origin("ipai_ask_ai"), "custom")
        self.assertIsNone(manifest.declared_origin("account"))
        self.assertEqual([s for s, _m in manifest.stages()][0], "odoo_base")
        gates = manifest.gates()
        self.assertEqual(len(gates), 9)
        self.assertEqual(
            [g["id"] for g in gates if not g["required"]],
            ["ai_chat_endpoint", "ocr_service_health", "document_ai_endpoint"],
        )
        conf = manifest.odoo_conf()
        # list_db: false (database) and "False" (odoo_conf) agree
        self.assertEqual(conf["list_db"], "False")
        self.assertIs(as_bool(conf["list_db"]), as_bool(manifest.database()["list_db"]))
        self.assertTrue(is_reference(conf["db_password"]))
        self.assertEqual(conf["dbfilter"], "^(odoo|insightpulse)$")
        self.assertEqual(manifest.environment()[0], "DB_PASSWORD")
        self.assertIn("web.assets_common", manifest.bundles())

    def test_as_bool(self):
        for value in (False, "False", "false", "0", 0, "off"):
            self.assertIs(as_bool(value), False, value)
        for value in (True, "True", "true", "1", 1, "on"):
            self.assertIs(as_bool(value), True, value)
        with self.assertRaisesRegex(ValueError, "'maybe' is not true or false"):
            as_bool("maybe")

    # ------------------------------------------------------------------
    # Malformed manifests
    # ------------------------------------------------------------------
    def test_01_empty(self):
        for text in ("", "\n\n", "# only a comment\n", "~\n"):
            with self.subTest(text=text):
                self.assertIssue(text, 1, 1, "", "the manifest is empty", "bundle:")

    def test_02_top_level_list(self):
        self.assertIssue(
            "- bundle: x\n- install_order: []\n",
            1,
            1,
            "",
            "the manifest is a list, not a mapping of sections",
            "bundle:, install_order:",
        )
        self.assertIssue("just text\n", 1, 1, "", "is a single value", "bundle:")

    def test_03_duplicate_key(self):
        self.assertIssue(
            """\
            bundle:
              name: a
              version: "1"
              name: b
            install_order: [{stage: s, modules: [base]}]
            """,
            4,
            3,
            "bundle.name",
            "duplicate key 'name' (first given on line 2)",
            "YAML would silently keep the last value",
        )

    def test_04_duplicate_stage(self):
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order:
              - stage: base
                modules: [base]
              - stage: base
                modules: [web]
            """,
            5,
            12,
            "install_order[1].stage",
            "stage 'base' is given twice (first as install_order[0])",
            "give each stage a name of its own",
        )

    def test_05_module_in_two_stages(self):
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order:
              - {stage: one, modules: [base, web]}
              - {stage: two, modules: [mail, web]}
            """,
            4,
            34,
            "install_order[1].modules[1]",
            "module 'web' is already installed by stage 'one'",
            "install each module in one stage",
        )

    def test_06_invalid_technical_names(self):
        for name, column in (
            ("Web-Responsive", 32),
            ('"web responsive"', 32),
            ("ipai.theme", 32),
            ("9lives", 32),
        ):
            with self.subTest(name=name):
                issue = self.assertIssue(
                    f"""\
                    bundle: {{name: a, version: "1"}}
                    install_order:
                      - {{stage: s, modules: [base, {name}]}}
                    """,
                    3,
                    column,
                    "install_order[0].modules[1]",
                    "is not allowed here",
                    "lowercase letters, digits and underscores",
                )
                self.assertIn(name.strip('"'), issue.message)
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            ipai_modules: {core: [ipai_ok, IPAI_Bad]}
            install_order: [{stage: s, modules: [base]}]
            """,
            2,
            32,
            "ipai_modules.core[1]",
            "'IPAI_Bad' is not allowed here",
            "technical name",
        )

    def test_07_missing_and_mistyped(self):
        issues = errors_of(
            "bundle: {name: a}\ninstall_order: [{stage: s, modules: [base]}]\n"
        )
        self.assertEqual(
            [(i.line, i.column, i.path, i.message) for i in issues],
            [(1, 9, "bundle.version", "missing required key 'version'")],
        )
        self.assertIssue(
            """\
            bundle: {name: a, version: 1.10}
            install_order: [{stage: s, modules: [base]}]
            """,
            1,
            28,
            "bundle.version",
            "1.1 is a float, not string",
            "Quote the version",
        )
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            """,
            1,
            1,
            "install_order",
            "missing required key 'install_order'",
            "add it",
        )

    def test_08_unknown_key_in_a_stage(self):
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order:
              - stage: s
                module: [base]
            """,
            3,
            5,
            "install_order[0].modules",
            "missing required key 'modules'",
            "add it",
        )
        issues = errors_of(
            'bundle: {name: a, version: "1"}\n'
            "install_order:\n  - stage: s\n    module: [base]\n"
        )
        unknown = [i for i in issues if i.path == "install_order[0].module"]
        self.assertEqual(len(unknown), 1)
        self.assertEqual((unknown[0].line, unknown[0].column), (4, 5))
        self.assertEqual(unknown[0].hint, "did you mean 'modules'?")

    def test_09_file_too_big(self):
        text = GOOD + "padding: '" + "x" * MAX_BYTES + "'\n"
        issue = self.assertIssue(text, 1, 1, "", "more than the", "keep data")
        self.assertIn(str(MAX_BYTES), issue.message)

    def test_10_python_tag_runs_nothing(self):
        marker = "/tmp/golive_manifest_tag_ran"
        issue = self.assertIssue(
            f"""\
            bundle: !!python/object/apply:os.system ["touch {marker}"]
            install_order: [{{stage: s, modules: [base]}}]
            """,
            1,
            9,
            "bundle",
            "could not determine a constructor",
            "!!python/... are not allowed",
        )
        self.assertTrue(issue)
        self.assertFalse(os.path.exists(marker))

    def test_11_clear_secret_refused(self):
        issue = self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order: [{stage: s, modules: [base]}]
            runtime_config:
              odoo_conf:
                admin_passwd: Hunter2-very-secret
            """,
            5,
            19,
            "runtime_config.odoo_conf.admin_passwd",
            "a secret is written in clear",
            "${DB_PASSWORD}",
        )
        self.assertNotIn("Hunter2", str(issue))
        # anywhere, also in the free-form sections
        issue = self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order: [{stage: s, modules: [base]}]
            ocr_service: {api_token: abc123xyz}
            """,
            3,
            26,
            "ocr_service.api_token",
            "a secret is written in clear",
            "environment variable",
        )
        self.assertNotIn("abc123xyz", str(issue))

    def test_12_contradicting_list_db_and_dbfilter(self):
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            database: {canonical_db_name: acme, list_db: false}
            install_order: [{stage: s, modules: [base]}]
            runtime_config:
              odoo_conf: {list_db: "True"}
            """,
            5,
            24,
            "runtime_config.odoo_conf.list_db",
            "list_db is 'True' here but False in database.list_db",
            "say the same in both places",
        )
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            database: {canonical_db_name: acme, dbfilter_regex: "^prod$"}
            install_order: [{stage: s, modules: [base]}]
            """,
            2,
            53,
            "database.dbfilter_regex",
            "'^prod$' does not match the canonical database 'acme'",
            "would hide the production database",
        )
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            database: {dbfilter_regex: "^(acme$"}
            install_order: [{stage: s, modules: [base]}]
            """,
            2,
            28,
            "database.dbfilter_regex",
            "invalid regular expression",
            "^acme$",
        )

    def test_13_keys_that_are_not_text(self):
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order: [{stage: s, modules: [base]}]
            gates:
              yes: []
            """,
            4,
            3,
            "gates",
            "is not text",
            "quote it",
        )

    def test_14_tabs_and_duplicate_gates(self):
        issue = self.assertIssue(
            "bundle:\n\tname: a\n", 2, 1, "", "", "indent with spaces, not tabs"
        )
        self.assertTrue(issue.message)
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order: [{stage: s, modules: [base]}]
            gates:
              required:
                - {id: login, command: curl -sf http://localhost/web/login}
              optional:
                - {id: login, command: "true"}
            """,
            7,
            12,
            "gates.optional[0].id",
            "gate 'login' is given twice (first as gates.required[0])",
            "an id of its own",
        )
        self.assertIssue(
            """\
            bundle: {name: a, version: "1"}
            install_order: [{stage: s, modules: [base]}]
            gates:
              required:
                - {id: login}
            """,
            5,
            7,
            "gates.required[0].command",
            "missing required key 'command'",
            "add it",
        )

    def test_15_not_utf8(self):
        with self.assertRaises(ManifestError) as caught:
            load_manifest("bundle: {name: caf\xe9}\n".encode("latin-1"), "m.yml")
        self.assertEqual(
            str(caught.exception),
            "m.yml:1:1: not UTF-8 text (byte 18) (hint: save the file as UTF-8)",
        )

    def test_all_errors_reported_in_order(self):
        issues = errors_of(
            textwrap.dedent(
                """\
                bundle: {name: a, version: "1"}
                install_order:
                  - {stage: s, modules: [Base]}
                runtime_config:
                  odoo_conf: {workers: many}
                assets: {bundles: [backend]}
                """
            )
        )
        self.assertEqual(
            [(i.line, i.path) for i in issues],
            [
                (3, "install_order[0].modules[0]"),
                (5, "runtime_config.odoo_conf.workers"),
                (6, "assets.bundles[0]"),
            ],
        )

    # ------------------------------------------------------------------
    # Diffs
    # ------------------------------------------------------------------
    def test_diff(self):
        old = load_manifest(GOOD).summary()
        new_text = (
            GOOD.replace("version: 2.3.0", "version: 2.4.0")
            .replace(
                "{web: [web_responsive]}", "{web: [web_responsive, web_refresher]}"
            )
            .replace(
                "  - {stage: oca_base, modules: [web_responsive]}",
                "  - {stage: oca_base, modules: [web_responsive, web_refresher]}\n"
                "  - {stage: extra, modules: [crm]}",
            )
            .replace("workers: 4", "workers: 8")
            .replace(
                "- {id: web_login,",
                "- {id: health, command: curl -sf "
                "http://localhost:8069/web/health}\n    - {id: web_login,",
            )
        )
        diff = diff_summaries(old, load_manifest(new_text).summary())
        self.assertEqual(diff["modules_added"], ["crm", "web_refresher"])
        self.assertEqual(diff["modules_removed"], [])
        self.assertEqual(diff["stages_added"], ["extra"])
        self.assertEqual(diff["stages_changed"], ["oca_base"])
        self.assertEqual(
            diff["config_changed"], [{"key": "workers", "old": 4, "new": 8}]
        )
        self.assertEqual(diff["gates_added"], ["health"])
        self.assertEqual(diff["gates_removed"], [])
        same = diff_summaries(old, load_manifest(GOOD).summary())
        self.assertFalse(any(same.values()))
