# Copyright 2026 IPAI
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Go-Live Checks: test addon",
    "summary": "Adds checks to the Go-Live registry by inheritance alone (tests)",
    "version": "18.0.1.1.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/ipai/golive",
    "author": "IPAI",
    "maintainers": ["ipai"],
    "development_status": "Beta",
    "license": "AGPL-3",
    "depends": ["ipai_golive_checks", "auditlog", "auth_totp"],
    "installable": True,
}
