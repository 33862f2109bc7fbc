# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import AccessError, UserError


class ReportGoliveReleaseWhatShipped(models.AbstractModel):
    """The values of the release reports, PDF and Markdown alike.

    ``data={"golive_live_state": True, "checklist_id": ID}`` renders the live
    state of the database as an unsaved release instead of stored ones (the
    command line's ``--report`` when no release was taken, or with
    ``--manifest``: ``golive_ship_manifest`` then holds the parsed file).
    The live state is read with the superuser's rights, so it is rendered
    for the superuser only (the command line), never from request data.
    """

    _name = "report.ipai_golive.report_what_shipped"
    _description = "WHAT_SHIPPED report"

    # Debian's wkhtmltopdf (unpatched Qt) refuses more than one input document.
    _golive_one_per_pdf = True

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        releases = self.env["golive.release"]
        if data.get("golive_live_state"):
            if not self.env.su:
                raise AccessError(
                    self.env._(
                        "The live state of the database is rendered by the "
                        "command line only (odoo-bin golive --report); print a "
                        "stored release instead."
                    )
                )
            docs = releases._new_live_release(
                self.env["golive.checklist"].browse(data.get("checklist_id")),
                ship=data.get("golive_ship_manifest"),
            )
        else:
            docs = releases.browse(docids)
            docs.check_access("read")
        if self._golive_one_per_pdf and len(docs) > 1:
            raise UserError(
                self.env._(
                    "Print one release per PDF: wkhtmltopdf built on an "
                    "unpatched Qt cannot merge several documents."
                )
            )
        return {"doc_ids": docs.ids, "doc_model": releases._name, "docs": docs}


# One small class per report: they share the values above.
# pylint: disable=consider-merging-classes-inherited
class ReportGoliveReleaseWhatShippedMd(models.AbstractModel):
    _name = "report.ipai_golive.report_what_shipped_md"
    _inherit = "report.ipai_golive.report_what_shipped"
    _description = "WHAT_SHIPPED report (Markdown)"

    _golive_one_per_pdf = False


class ReportGoliveReleaseManifest(models.AbstractModel):
    _name = "report.ipai_golive.report_go_live_manifest"
    _inherit = "report.ipai_golive.report_what_shipped"
    _description = "GO_LIVE_MANIFEST report"


class ReportGoliveReleaseManifestMd(models.AbstractModel):
    _name = "report.ipai_golive.report_go_live_manifest_md"
    _inherit = "report.ipai_golive.report_what_shipped"
    _description = "GO_LIVE_MANIFEST report (Markdown)"

    _golive_one_per_pdf = False
