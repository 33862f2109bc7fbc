// Copyright 2026 IPAI
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const PROGRESS = '.o_form_view div[name="progress"] .o_progressbar_value span.mx-1';

function expectProgress(expected) {
    return {
        content: `Progress reads ${expected} %`,
        trigger: PROGRESS,
        run() {
            const shown = this.anchor.textContent.trim();
            if (shown !== expected) {
                throw new Error(`Progress shows ${shown} %, expected ${expected} %`);
            }
        },
    };
}

registry.category("web_tour.tours").add("ipai_golive_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Go-Live app",
            trigger: '.o_app[data-menu-xmlid="ipai_golive_checks.menu_golive_root"]',
            run: "click",
        },
        {
            content: "New checklist from the template",
            trigger:
                '.o_menu_sections [data-menu-xmlid="ipai_golive.menu_golive_checklist_create"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="template_id"] input',
            run: "edit Kickoff",
        },
        {
            trigger: '.dropdown-item:contains("Kickoff → Go-Live")',
            run: "click",
        },
        {
            trigger: '.modal div[name="name"] input',
            run: "edit Tour go-live",
        },
        {
            trigger: '.modal div[name="date_golive"] input',
            run: "edit 12/31/2030 && press Enter",
        },
        {
            content: "Create it",
            trigger: '.modal button[name="action_create"]',
            run: "click",
        },
        {
            trigger: '.o_breadcrumb .active:contains("Tour go-live")',
        },
        expectProgress("0"),
        {
            content: "Open its tasks",
            trigger: '.o_form_view button[name="action_view_tasks"]',
            run: "click",
        },
        {
            content: "Unfold the first phase",
            trigger: '.o_group_header:contains("Definition of Done")',
            run: "click",
        },
        {
            content: "Mark its first task done",
            trigger: '.o_data_row:first button[name="action_done"]',
            run: "click",
        },
        {
            trigger: '.o_data_row:first td[name="state"]:contains("Done")',
        },
        {
            content: "Back to the checklist",
            trigger: '.o_breadcrumb a:contains("Tour go-live")',
            run: "click",
        },
        expectProgress("1"),
        {
            trigger: '.o_form_view button[name="action_start"]',
            run: "click",
        },
        {
            trigger: '.o_form_view button[name="action_ready"]',
            run: "click",
        },
        {
            content: "Try to go live with red gates",
            trigger: '.o_form_view button[name="action_go_live"]',
            run: "click",
        },
        {
            content: "The server refuses: its bound gates were never audited",
            trigger: '.modal:contains("Cannot go live"):contains("no audit")',
        },
        {
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("ipai_golive_tour_automated", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Go-Live app: the overview",
            trigger: '.o_app[data-menu-xmlid="ipai_golive_checks.menu_golive_root"]',
            run: "click",
        },
        {
            trigger: '.o_breadcrumb .active:contains("Go-Live Overview")',
        },
        {
            content: "New checklist from the small automated template",
            trigger:
                '.o_menu_sections [data-menu-xmlid="ipai_golive.menu_golive_checklist_create"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="template_id"] input',
            run: "edit Tour automated",
        },
        {
            trigger: '.dropdown-item:contains("Tour automated gates")',
            run: "click",
        },
        {
            trigger: '.modal div[name="name"] input',
            run: "edit Tour automated go-live",
        },
        {
            trigger: '.modal div[name="date_golive"] input',
            run: "edit 12/31/2030 && press Enter",
        },
        {
            trigger: '.modal button[name="action_create"]',
            run: "click",
        },
        {
            trigger: '.o_breadcrumb .active:contains("Tour automated go-live")',
        },
        {
            trigger: '.o_form_view button[name="action_start"]',
            run: "click",
        },
        {
            trigger: '.o_form_view button[name="action_ready"]',
            run: "click",
        },
        {
            content: "Run the bound checks: no gate was ticked by hand",
            trigger: '.o_form_view button[name="action_run_checks"]',
            run: "click",
        },
        {
            content: "The audit shows on the checklist",
            trigger:
                '.o_form_view div[name="check_run_id"] a, .o_form_view div[name="check_run_id"] span:not(:empty)',
        },
        {
            content: "Go/No-Go: the approver (here a manager) decides Go",
            trigger: '.o_form_view button[name="action_open_decision"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="decision"] input[data-value="go"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="comment"] textarea',
            run: "edit The audit passes: go.",
        },
        {
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            trigger:
                'body:not(:has(.modal)) .o_form_view div[name="decision_status"]:contains("Go")',
        },
        {
            content: "Go live",
            trigger: '.o_form_view button[name="action_go_live"]',
            run: "click",
        },
        {
            content: "The checklist is live",
            trigger:
                '.o_statusbar_status button.o_arrow_button_current:contains("Live")',
        },
    ],
});
