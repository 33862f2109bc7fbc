"""Take the README's screenshots from a running demo server.

Usage: python3 scripts/screenshots.py [--url http://localhost:8069] [--db golive_demo]

Needs a server started by ``make demo`` and the PyPI package ``playwright``
(its driver only: the browser is Debian's Chromium, /usr/bin/chromium).
Playwright is not a project requirement: it pulls a greenlet newer than the
one Odoo 18 pins, so install it in a separate virtualenv. The first page of
the WHAT_SHIPPED PDF is drawn by ``pdftoppm`` (poppler-utils).

The Go/No-Go screenshot needs the demo go-live AIUX bundle v1.1.0 in the
Ready state: the script marks it Ready (as its owner would) when it is not.
"""

import argparse
import pathlib
import re
import subprocess
import tempfile

from playwright.sync_api import sync_playwright

OUT = pathlib.Path(__file__).resolve().parent.parent / "ipai_golive/static/description"
CHECKLIST = "AIUX bundle v1.1.0"
VIEW = ".o_action_manager .o_view_controller"


def settle(page, selector=VIEW):
    page.wait_for_selector(selector)
    # the bus keeps a connection open: no "network idle" to wait for
    page.wait_for_timeout(1200)


def shoot(page, filename, selector=VIEW):
    settle(page, selector)
    page.mouse.move(0, 0)  # no tooltip over the screen
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / filename))
    print(f"wrote {OUT / filename}")


def open_checklist(page, url):
    page.goto(url + "/odoo/golive-checklists")
    settle(page)
    page.click(f".o_kanban_record:has-text('{CHECKLIST}')")
    page.wait_for_selector(".o_form_view .o_statusbar_status")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="golive_demo")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    url = args.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/web/login?db={args.db}")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar")

        page.goto(url + "/odoo/golive")
        shoot(page, "screenshot_overview.png")
        page.goto(url + "/odoo/golive-checklists")
        shoot(page, "screenshot_kanban.png")

        # the checklist: its Tasks tab opens on the phases
        open_checklist(page, url)
        page.wait_for_selector(".o_golive_phase_board .o_data_row")
        page.evaluate(
            "document.querySelector('.o_form_view .o_notebook')"
            ".scrollIntoView({block: 'start'})"
        )
        shoot(page, "screenshot_form.png", ".o_golive_phase_board .o_data_row")

        # the task list, phase by phase (grouped by checklist, then phase)
        page.goto(url + "/odoo/golive-tasks")
        settle(page)
        page.click(f".o_group_header:has-text('{CHECKLIST}')")
        page.wait_for_selector(".o_group_header:has-text('Build')")
        page.click(".o_group_header:has-text('Build')")
        shoot(page, "screenshot_tasks.png", ".o_data_row")

        # Go/No-Go: the summary banner on top, the details folded below
        open_checklist(page, url)
        ready = page.locator(".o_form_view button[name='action_ready']")
        if ready.count() and ready.is_visible():
            ready.click()
            page.wait_for_selector(".o_form_view button[name='action_open_decision']")
        page.click(".o_form_view button[name='action_open_decision']")
        shoot(page, "screenshot_gonogo.png", ".modal .o_golive_decide_banner")
        page.click(".modal .btn-close")

        # the manifest drift of the checklist's last audit
        page.goto(url + "/odoo/golive-manifests")
        settle(page)
        page.click(".o_data_row:first-child td.o_data_cell")
        page.wait_for_selector(".o_form_view")
        page.click(".o_form_view button[name='action_view_drift']")
        shoot(page, "screenshot_drift.png", ".o_list_view .o_data_row")

        # Self-Inspection: the audit trend and what fails now
        page.goto(url + "/odoo/golive-audit-trend")
        shoot(page, "screenshot_audit_trend.png", ".o_graph_renderer canvas")
        page.goto(url + "/odoo/golive-failing-now")
        shoot(page, "screenshot_failing_now.png", ".o_list_view .o_data_row")

        # a release, then the first page of its WHAT_SHIPPED PDF
        page.goto(url + "/odoo/golive-releases")
        settle(page)
        page.click(".o_data_row:first-child td.o_data_cell")
        page.wait_for_url(re.compile(r"/golive-releases/\d+"))
        shoot(page, "screenshot_release.png", ".o_form_view .o_form_sheet")
        release_id = re.search(r"/golive-releases/(\d+)", page.url)[1]
        response = page.request.get(
            f"{url}/report/pdf/ipai_golive.report_what_shipped/{release_id}"
        )
        with tempfile.TemporaryDirectory() as directory:
            pdf = pathlib.Path(directory) / "what_shipped.pdf"
            pdf.write_bytes(response.body())
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(OUT / "what_shipped_pdf"),
                ],
                check=True,
            )
        print(f"wrote {OUT / 'what_shipped_pdf.png'}")
        browser.close()


if __name__ == "__main__":
    main()
