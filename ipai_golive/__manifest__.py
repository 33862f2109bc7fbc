# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Go-Live",
    "summary": "Checklists, phases, tasks, gates and sign-off from kickoff to "
    "production",
    "version": "18.0.1.0.0",
    "category": "Project",
    "website": "https://github.com/ipai/golive",
    "author": "IPAI",
    "maintainers": ["ipai"],
    "license": "LGPL-3",
    "application": True,
    "depends": ["mail", "ipai_golive_checks"],
    "data": [
        "security/ir.model.access.csv",
        "security/golive_security.xml",
        "views/golive_checklist_views.xml",
        "views/golive_task_views.xml",
        "views/golive_checklist_template_views.xml",
        "views/res_config_settings_views.xml",
        "views/golive_dashboard_views.xml",
        "views/golive_backup_views.xml",
        "views/golive_preflight_templates.xml",
        "wizards/golive_wizard_views.xml",
        "views/golive_menus.xml",
        "data/golive_checklist_template_data.xml",
        "data/golive_check_endpoint_data.xml",
        "data/golive_backup_data.xml",
    ],
    "demo": ["demo/golive_demo.xml"],
    "assets": {
        "web.assets_tests": ["ipai_golive/static/tests/tours/*.js"],
    },
    "installable": True,
}
