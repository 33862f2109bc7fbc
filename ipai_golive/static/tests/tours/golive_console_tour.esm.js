// Copyright 2026 IPAI
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

// The main path of a Go-Live Manager, on a checklist in the Ready state
// (tests/test_golive_console_tour.py prepares it and opens its form): the
// Tasks tab phase by phase, Run Checks, the Go/No-Go summary, the task list.
registry.category("web_tour.tours").add("ipai_golive_manager_tour", {
    steps: () => [
        {
            trigger: '.o_breadcrumb .active:contains("Tour console")',
        },
        {
            content: "The Tasks tab opens on the phases, with their red gates",
            trigger:
                '.o_field_widget[name="phase_board_ids"] .o_data_row:contains("Go-Live Execution") td[name="red_gate_count"]:contains("1")',
        },
        {
            content: "Run the bound checks",
            trigger: '.o_form_view button[name="action_run_checks"]',
            run: "click",
        },
        {
            content: "The notification says what changed",
            trigger:
                '.o_notification:contains("Automated checks done"):contains("1 tasks done")',
        },
        {
            content: "The gate is green now: no red gate in the phase",
            trigger:
                '.o_field_widget[name="phase_board_ids"] .o_data_row:contains("Go-Live Execution") td[name="red_gate_count"]:contains("0")',
        },
        {
            content: "Open the Go/No-Go decision",
            trigger: '.o_form_view button[name="action_open_decision"]',
            run: "click",
        },
        {
            content: "It opens at the top, on the summary banner",
            trigger: ".modal .o_golive_decide_banner:visible",
            run() {
                const body = document.querySelector(".modal .modal-body");
                if (body.scrollTop !== 0) {
                    throw new Error(
                        `The wizard opened scrolled by ${body.scrollTop} px`
                    );
                }
            },
        },
        {
            trigger: '.modal div[name="red_gate_count"]:contains("0")',
        },
        {
            content: "The blocked task counts on the banner",
            trigger: '.modal div[name="blocked_count"]:contains("1")',
        },
        {
            trigger: '.modal div[name="audit_label"]:contains("score")',
        },
        {
            content: "The details are folded below",
            trigger:
                ".modal .o_golive_preflight details:not([open]) summary:contains(Gates)",
        },
        {
            trigger: '.modal div[name="decision"] input[data-value="go"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="comment"] textarea',
            run: "edit Gates green; the blocked task is no gate: go.",
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
            content: "Open the tasks: the list reads phase by phase",
            trigger: '.o_form_view button[name="action_view_tasks"]',
            run: "click",
        },
        {
            trigger: '.o_group_header:contains("Kickoff")',
        },
        {
            content: "Unfold the go-live phase",
            trigger: '.o_group_header:contains("Go-Live Execution")',
            run: "click",
        },
        {
            content: "Its rows: the gate done with passing checks",
            trigger:
                '.o_data_row:contains("Attachments in the filestore") td[name="check_status"]:contains("Pass")',
        },
    ],
});

// A Go-Live User confirms a fix: My Tasks, their task, Re-run Checks.
registry.category("web_tour.tours").add("ipai_golive_user_tour", {
    steps: () => [
        {
            content: "My tasks, grouped by checklist and phase",
            trigger: '.o_group_header:contains("Tour console")',
            run: "click",
        },
        {
            trigger: '.o_group_header:contains("Go-Live Execution")',
            run: "click",
        },
        {
            content: "Open my task",
            trigger:
                '.o_data_row td[name="name"]:contains("Attachments in the filestore")',
            run: "click",
        },
        {
            content: "Re-run the checks bound to it",
            trigger: '.o_form_view button[name="action_rerun_checks"]',
            run: "click",
        },
        {
            trigger: '.o_notification:contains("Checks re-run by"):contains("Pass")',
        },
        {
            content: "The task is done by its passing checks",
            trigger:
                '.o_statusbar_status button.o_arrow_button_current:contains("Done")',
        },
    ],
});
