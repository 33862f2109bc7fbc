# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import RedirectWarning, UserError

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP

# The method each immediate button applies, and the operation it is.
OPERATION_OF = {
    "button_install": "install",
    "button_upgrade": "upgrade",
    "button_uninstall": "uninstall",
}


class IrModuleModule(models.Model):
    """The change freeze after a go-live: installing, upgrading or uninstalling
    modules from the user interface (``button_immediate_*``, the Apps screen,
    Settings toggles, the uninstall wizard) is refused while a freeze runs,
    except for a Go-Live Manager who records a hotfix reason.

    ``button_install`` / ``button_upgrade`` are left alone: ``odoo-bin -i/-u``
    uses them while loading, and operators keep that control; such changes show
    up afterwards as module drift on the checklist.
    """

    _inherit = "ir.module.module"

    def _button_immediate_function(self, function):
        self._golive_check_freeze(OPERATION_OF.get(function.__name__, "upgrade"))
        return super()._button_immediate_function(function)

    def _golive_check_freeze(self, operation):
        """Refuse ``operation`` on these modules during a change freeze, unless
        a Go-Live Manager recorded a hotfix for it (``golive_hotfix_id`` in
        the context)."""
        frozen = self.env["golive.checklist"]._golive_frozen_checklists()
        if not frozen:
            return
        checklist = frozen.sorted("date_freeze_end")[-1]
        until = fields.Datetime.to_string(checklist.date_freeze_end)
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "Module changes are frozen until %(until)s after the go-live "
                    "of %(name)s: only a Go-Live Manager can install, upgrade or "
                    "uninstall modules, with a hotfix reason.",
                    until=until,
                    name=checklist.name,
                )
            )
        hotfix = (
            self.env["golive.hotfix"]
            .sudo()
            .browse(self.env.context.get("golive_hotfix_id"))
            .exists()
        )
        if (
            hotfix
            and not hotfix.used
            and hotfix.user_id == self.env.user
            and hotfix.operation == operation
            and hotfix.module_names == ",".join(sorted(self.mapped("name")))
        ):
            hotfix.used = True
            return
        action = self.env.ref("ipai_golive.golive_freeze_hotfix_action")
        raise RedirectWarning(
            self.env._(
                "Module changes are frozen until %(until)s after the go-live of "
                "%(name)s. Record the reason of this hotfix to go on.",
                until=until,
                name=checklist.name,
            ),
            action.id,
            self.env._("Record a Hotfix"),
            {
                "default_checklist_id": checklist.id,
                "default_operation": operation,
                "default_module_ids": self.ids,
            },
        )
