# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's vocabulary, stated once and imported everywhere else.

Plain Python (no Odoo import): the models, the checks, the CLI, the report
renderers and the Go-Live app (``ipai_golive``) all read these names from here.
"""

# Security groups of the engine (the app reuses them).
USER_GROUP = "ipai_golive_checks.group_golive_user"
MANAGER_GROUP = "ipai_golive_checks.group_golive_manager"

SEVERITIES = [
    ("info", "Info"),
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
SEVERITY_CODES = tuple(code for code, _label in SEVERITIES)
SEVERITY_RANK = {code: rank for rank, code in enumerate(SEVERITY_CODES)}
# Weights of the 0-100 score (see golive.check.run._summary_values).
SEVERITY_WEIGHT = {"info": 0, "low": 1, "medium": 3, "high": 7, "critical": 15}
# The CLI's --fail-level: the lowest severity that fails a run.
FAIL_LEVELS = SEVERITY_CODES
DEFAULT_FAIL_LEVEL = "high"

STATUSES = [
    ("pass", "Pass"),
    ("warn", "Warning"),
    ("fail", "Fail"),
    ("error", "Error"),
    ("skipped", "Skipped"),
]
STATUS_CODES = [code for code, _label in STATUSES]
# Order used to summarise several findings by their worst status.
STATUS_GRAVITY = {"skipped": 0, "pass": 1, "warn": 2, "fail": 3, "error": 4}
# Statuses a waiver may silence.
WAIVABLE_STATUSES = ("warn", "fail", "error")

ENVIRONMENTS = [("dev", "Development"), ("staging", "Staging"), ("prod", "Production")]
ENVIRONMENT_CODES = tuple(code for code, _label in ENVIRONMENTS)
ENVIRONMENT_ALIASES = {
    "dev": "dev",
    "development": "dev",
    "local": "dev",
    "test": "staging",
    "testing": "staging",
    "integration": "staging",
    "staging": "staging",
    "stage": "staging",
    "preprod": "staging",
    "pre-production": "staging",
    "uat": "staging",
    "prod": "prod",
    "production": "prod",
}

CATEGORIES = [
    ("modules", "Modules"),
    ("crons", "Scheduled actions"),
    ("params", "System parameters"),
    ("config", "Server options"),
    ("mail", "Mail"),
    ("http", "HTTP / TLS"),
    ("postgres", "PostgreSQL"),
    ("storage", "Storage"),
    ("security", "Security"),
    ("process", "Process"),
    ("manifest", "Ship manifest"),
    ("reports", "Reports"),
    ("other", "Other"),
]
CATEGORY_CODES = tuple(code for code, _label in CATEGORIES)

TRIGGERS = [("manual", "Manual"), ("cron", "Scheduled"), ("cli", "Command line")]

# Report formats of a run (tools/report_formats.py renders each of them).
FORMATS = ("text", "json", "junit", "markdown")
