"""Take the README's screenshots from a running demo server.

Usage: python3 scripts/screenshots.py [--url http://localhost:8069] [--db golive_demo]

Needs a server started by ``make demo`` and the PyPI package ``playwright``
(its driver only: the browser is Debian's Chromium, /usr/bin/chromium).
Playwright is not a project requirement: it pulls a greenlet newer than the
one Odoo 18 pins, so install it in a separate virtualenv.
"""

import argparse
import pathlib

from playwright.sync_api import sync_playwright

OUT = pathlib.Path(__file__).resolve().parent.parent / "ipai_golive/static/description"
OVERVIEW = "/odoo/action-ipai_golive.golive_overview_action"
SHOTS = (
    ("screenshot_overview.png", OVERVIEW, None),
    ("screenshot_kanban.png", "/odoo/action-ipai_golive.golive_checklist_action", None),
    ("screenshot_form.png", "/odoo/action-ipai_golive.golive_checklist_action", "form"),
    ("screenshot_tasks.png", "/odoo/action-ipai_golive.golive_task_action", None),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="golive_demo")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{args.url}/web/login?db={args.db}")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar")
        for filename, path, mode in SHOTS:
            page.goto(args.url + path)
            page.wait_for_selector(".o_action_manager .o_view_controller")
            if mode == "form":
                page.click(".o_kanban_record:has-text('AIUX bundle v1.1.0')")
                page.wait_for_selector(".o_form_view .o_statusbar_status")
            elif "task" in path:
                # grouped by checklist, then phase
                page.click(".o_group_header:has-text('AIUX bundle v1.1.0')")
                page.click(".o_group_header:has-text('Build')")
                page.wait_for_selector(".o_data_row")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / filename))
            print(f"wrote {OUT / filename}")
        browser.close()


if __name__ == "__main__":
    main()
