# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

from ..models.golive_hotfix import OPERATIONS

# ir.module.module method applying each operation.
OPERATION_METHODS = {
    "install": "button_immediate_install",
    "upgrade": "button_immediate_upgrade",
    "uninstall": "button_immediate_uninstall",
}


class GoliveFreezeHotfix(models.TransientModel):
    _name = "golive.freeze.hotfix"
    _description = "Module Change During a Go-Live Freeze"

    checklist_id = fields.Many2one("golive.checklist", required=True, readonly=True)
    operation = fields.Selection(OPERATIONS, required=True, readonly=True)
    module_ids = fields.Many2many("ir.module.module", required=True, readonly=True)
    reason = fields.Text(required=True)

    def _record(self):
        """Record the hotfix on the checklist (and its chatter)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._("Only a Go-Live Manager can change modules during a freeze.")
            )
        # the hotfix is recorded on the checklist as root: the caller's own
        self.checklist_id.check_access("write")
        if not (self.reason or "").strip():
            raise UserError(self.env._("A hotfix during a freeze needs a reason."))
        names = ",".join(sorted(self.module_ids.mapped("name")))
        hotfix = (
            self.env["golive.hotfix"]
            .sudo()
            .create(
                {
                    "checklist_id": self.checklist_id.id,
                    "user_id": self.env.uid,
                    "operation": self.operation,
                    "module_names": names,
                    "reason": self.reason,
                }
            )
        )
        label = dict(self._fields["operation"]._description_selection(self.env))
        self.checklist_id.sudo().message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Hotfix during the freeze by %(user)s: %(operation)s %(modules)s.",
                    user=self.env.user.name,
                    operation=label[self.operation],
                    modules=names,
                ),
                self.reason,
            ),
            author_id=self.env.user.partner_id.id,
        )
        return hotfix

    def action_confirm(self):
        hotfix = self._record()
        if self.operation == "scheduled":
            return (
                self.env["base.module.upgrade"]
                .with_context(golive_hotfix_id=hotfix.id)
                .create({})
                .upgrade_module()
            )
        modules = self.module_ids.with_context(golive_hotfix_id=hotfix.id)
        return getattr(modules, OPERATION_METHODS[self.operation])()
