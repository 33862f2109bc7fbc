# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import subprocess

from odoo import models
from odoo.tools import parse_version

from odoo.addons.base.models import ir_actions_report

from ..models.golive_check_registry import Finding, golive_check
from ..tools import wkhtmltopdf


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    @golive_check(
        "reports.wkhtmltopdf",
        title="wkhtmltopdf prints PDF reports whole",
        category="reports",
        severity="high",
        severity_by_env={"dev": "low"},
        params={"min_version": "0.12.5", "timeout_seconds": 10},
        remediation="Install the wkhtmltopdf 0.12.6 build with patched Qt from "
        "https://github.com/wkhtmltopdf/packaging/releases (Odoo's recommended "
        "build) in place of the distribution's package, then restart Odoo.",
        tags=("reports",),
    )
    def _check_reports_wkhtmltopdf(self, ctx):
        """The binary Odoo prints PDFs with: present, recent enough, and built
        on a patched Qt (distribution builds such as Debian's are not)."""
        binary = ir_actions_report._get_wkhtmltopdf_bin()
        if not binary:
            yield Finding.fail(
                self.env._(
                    "wkhtmltopdf is not installed: no PDF report can be printed "
                    "(invoices, quotations, delivery slips, WHAT_SHIPPED)."
                ),
                "wkhtmltopdf",
            )
            return
        try:
            output, code = wkhtmltopdf.version_output(
                binary, float(ctx.params["timeout_seconds"])
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            yield Finding.fail(
                self.env._(
                    "wkhtmltopdf at %(path)s does not run: %(error)s. No PDF "
                    "report can be printed.",
                    path=binary,
                    error=type(exc).__name__ + ": " + str(exc),
                ),
                "wkhtmltopdf",
                path=binary,
            )
            return
        version, patched = wkhtmltopdf.read_version(output)
        evidence = {"path": binary, "output": output.splitlines()[0] if output else ""}
        if not version:
            yield Finding.fail(
                self.env._(
                    "wkhtmltopdf at %(path)s gives no version (exit code %(code)s): "
                    "Odoo considers it broken and prints no PDF.",
                    path=binary,
                    code=code,
                ),
                "wkhtmltopdf",
                **evidence,
            )
            return
        evidence.update(version=version, patched_qt=patched)
        yield self._golive_wkhtmltopdf_verdict(ctx, version, patched, evidence)

    def _golive_wkhtmltopdf_verdict(self, ctx, version, patched, evidence):
        """The finding of a wkhtmltopdf that runs and tells its version."""
        minimum = str(ctx.params["min_version"])
        if parse_version(version) < parse_version(minimum):
            return Finding.fail(
                self.env._(
                    "wkhtmltopdf %(version)s is too old (at least %(minimum)s): "
                    "PDF reports come out broken or not at all.",
                    version=version,
                    minimum=minimum,
                ),
                "wkhtmltopdf",
                minimum=minimum,
                **evidence,
            )
        if not patched:
            # a defect where documents go out (staging rehearses production),
            # a nuisance on a developer's machine
            verdict = Finding.warn if ctx.environment == "dev" else Finding.fail
            return verdict(
                self.env._(
                    "wkhtmltopdf %(version)s is built on an unpatched Qt: invoices "
                    "and other reports print without their header and footer "
                    "(company logo, address, page numbers); printing several "
                    "records at once fails (HTTP 500, EmptyFileError); text in "
                    "Odoo's web fonts is drawn as outlines, so the PDFs are not "
                    "searchable.",
                    version=version,
                ),
                "wkhtmltopdf",
                **evidence,
            )
        return Finding.pass_(
            self.env._("wkhtmltopdf %(version)s with patched Qt.", version=version),
            "wkhtmltopdf",
            **evidence,
        )
