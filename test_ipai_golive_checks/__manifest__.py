# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Go-Live Checks: test addon",
    "summary": "Adds checks to the Go-Live registry by inheritance alone (tests)",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/ipai/golive",
    "author": "IPAI",
    "maintainers": ["ipai"],
    "license": "LGPL-3",
    "depends": ["ipai_golive_checks", "auditlog", "auth_totp"],
    "installable": True,
}
