# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Go-Live Checks",
    "summary": "Self-inspection engine: automated checks of the running Odoo "
    "database and server",
    "version": "18.0.1.2.0",
    "category": "Administration",
    "website": "https://github.com/ipai/golive",
    "author": "IPAI",
    "maintainers": ["ipai"],
    "development_status": "Beta",
    "license": "LGPL-3",
    "depends": ["base", "mail"],
    "external_dependencies": {
        "python": [
            "requests",
            "psutil",
            "PyYAML",
            "manifestoo-core",
            "prometheus_client",
            "jsonschema",
            "dnspython",
        ]
    },
    "data": [
        "security/golive_security.xml",
        "security/ir.model.access.csv",
        "views/golive_check_templates.xml",
        "views/golive_check_views.xml",
        "views/golive_check_run_views.xml",
        "views/golive_check_result_views.xml",
        "views/golive_waiver_views.xml",
        "views/golive_check_endpoint_views.xml",
        "views/golive_manifest_views.xml",
        "wizards/golive_manifest_import_views.xml",
        "views/golive_menus.xml",
        "data/ir_cron_data.xml",
    ],
    "installable": True,
}
