// Copyright 2026 IPAI
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

// Go/No-Go -> backup -> go live, on a small checklist in the Ready state
// (tests/test_golive_cutover_tour.py prepares it and opens its form).
registry.category("web_tour.tours").add("ipai_golive_cutover_tour", {
    steps: () => [
        {
            trigger: '.o_breadcrumb .active:contains("Tour cutover")',
        },
        {
            content: "Going live is refused before the Go decision",
            trigger: '.o_form_view button[name="action_go_live"]',
            run: "click",
        },
        {
            trigger: '.modal:contains("has no Go decision")',
        },
        {
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "Open the Go/No-Go decision",
            trigger: '.o_form_view button[name="action_open_decision"]',
            run: "click",
        },
        {
            content: "The summary banner says no backup was taken",
            trigger: '.modal div[name="backup_label"]:contains("none taken")',
        },
        {
            content: "Unfold the gates of the pre-flight details",
            trigger: ".modal .o_golive_preflight summary:contains(Gates)",
            run: "click",
        },
        {
            content: "The pre-flight details list the gate",
            trigger:
                '.modal .o_golive_preflight details[open]:contains("Cutover gate")',
        },
        {
            trigger: '.modal div[name="decision"] input[data-value="go"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="comment"] textarea',
            run: "edit Gates green, rollback rehearsed: go.",
        },
        {
            content: "Record the Go decision",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            trigger:
                'body:not(:has(.modal)) .o_form_view div[name="decision_status"]:contains("Go")',
        },
        {
            content: "Back up now",
            trigger: '.o_form_view button[name="action_backup"]',
            run: "click",
        },
        {
            content: "The backup is queued for the background job",
            trigger:
                '.o_form_view div[name="backup_id"] a, .o_form_view div[name="backup_id"] span',
        },
        {
            content: "Go live",
            trigger: '.o_form_view button[name="action_go_live"]',
            run: "click",
        },
        {
            trigger: '.o_statusbar_status button[aria-checked="true"]:contains("Live")',
        },
        {
            content: "The change freeze runs",
            trigger: '.o_form_view .alert-warning:contains("Change freeze until")',
        },
    ],
});
