# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# The release reports' PDFs carry their own style (a system font, no header or
# footer): their page layout links no web assets, so wkhtmltopdf fetches nothing
# over the network, from the server as from the command line.
RELEASE_PDF_REPORTS = (
    "ipai_golive.report_what_shipped",
    "ipai_golive.report_go_live_manifest",
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_layout(self):
        if self.report_name in RELEASE_PDF_REPORTS:
            return self.env.ref("ipai_golive.report_release_layout")
        return super()._get_layout()

    def report_action(self, docids, data=None, config=True):
        if isinstance(docids, models.BaseModel) and docids._name.startswith("golive."):
            # a print button of the Go-Live app serves who may read the
            # records it prints, not whoever calls the button
            docids.check_access("read")
        # the release PDFs use their own layout, not the company's: the first
        # print must not ask to "Configure your document layout"
        if self.report_name in RELEASE_PDF_REPORTS:
            config = False
        return super().report_action(docids, data=data, config=config)
