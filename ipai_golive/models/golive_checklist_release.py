# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checklist's releases and their reports."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    release_ids = fields.One2many("golive.release", "checklist_id", readonly=True)
    release_count = fields.Integer(compute="_compute_release_count")

    # ------------------------------------------------------------------
    # Releases
    # ------------------------------------------------------------------
    @api.depends("release_ids")
    def _compute_release_count(self):
        counts = dict(
            self.env["golive.release"]._read_group(
                [("checklist_id", "in", self.ids)], ["checklist_id"], ["__count"]
            )
        )
        for checklist in self:
            checklist.release_count = counts.get(checklist, 0)

    def _take_release(self, trigger="manual"):
        """Snapshot what each checklist puts in production (``golive.release``)."""
        releases = self.env["golive.release"]
        for checklist in self:
            releases |= releases._take(checklist, trigger)
        return releases

    def action_take_release(self):
        self.ensure_one()
        release = self._take_release("manual")
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.release",
            "res_id": release.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_releases(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ipai_golive.golive_release_action"
        )
        action.update(
            domain=[("checklist_id", "=", self.id)],
            context={"create": False},
        )
        return action

    def _last_release(self):
        self.ensure_one()
        release = self.env["golive.release"].search(
            [("checklist_id", "=", self.id)], limit=1
        )
        if not release:
            raise UserError(
                self.env._(
                    "%(name)s has no release yet: it is taken when the checklist "
                    "goes live, or on demand by a Go-Live Manager.",
                    name=self.name,
                )
            )
        return release

    def action_print_what_shipped(self):
        return self._last_release().action_print_what_shipped()

    def action_print_what_shipped_md(self):
        return self._last_release().action_print_what_shipped_md()

    def action_print_go_live_manifest(self):
        return self._last_release().action_print_go_live_manifest()

    def action_print_go_live_manifest_md(self):
        return self._last_release().action_print_go_live_manifest_md()
