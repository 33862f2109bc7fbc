# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Go-Live Checks",
    "summary": "Self-inspection engine: automated checks of the running Odoo "
    "database and server",
    "version": "18.0.1.0.0",
    "category": "Administration",
    "website": "https://github.com/ipai/golive",
    "author": "IPAI",
    "maintainers": ["ipai"],
    "license": "LGPL-3",
    "depends": ["base", "mail"],
    "external_dependencies": {"python": ["requests", "psutil"]},
    "data": [
        "security/golive_security.xml",
        "views/golive_menus.xml",
    ],
    "installable": True,
}
