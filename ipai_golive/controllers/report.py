# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re
from urllib.parse import unquote

from odoo import http
from odoo.http import content_disposition

from odoo.addons.web.controllers.report import ReportController

# A text report whose print_report_name ends in a text extension keeps it
# (WHAT_SHIPPED.md) instead of Odoo's ".txt" appended to it.
TEXT_EXTENSIONS = {
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".json": "application/json",
}
_FILENAME_RE = re.compile(
    r"filename\*=UTF-8''(?P<name>[^;]+)|filename=\"?(?P<plain>[^\";]+)"
)


class GoliveReportController(ReportController):
    @http.route()
    def report_download(self, data, context=None, token=None, readonly=True):
        response = super().report_download(
            data, context=context, token=token, readonly=readonly
        )
        try:
            report_type = json.loads(data)[1]
        except (ValueError, IndexError, TypeError):
            return response
        if report_type != "qweb-text":
            return response
        filename = _download_filename(response)
        for extension, mimetype in TEXT_EXTENSIONS.items():
            if filename and filename.endswith(f"{extension}.txt"):
                response.headers.set(
                    "Content-Disposition", content_disposition(filename[: -len(".txt")])
                )
                response.headers.set("Content-Type", f"{mimetype}; charset=utf-8")
                break
        return response


def _download_filename(response):
    header = response.headers.get("Content-Disposition") or ""
    match = _FILENAME_RE.search(header)
    if not match:
        return None
    return unquote(match["name"]) if match["name"] else match["plain"]
