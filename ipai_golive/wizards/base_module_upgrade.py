# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class BaseModuleUpgrade(models.TransientModel):
    """The "Apply Scheduled Upgrades" batch (modules marked to install,
    upgrade or remove) obeys the change freeze like the immediate buttons."""

    _inherit = "base.module.upgrade"

    def upgrade_module(self):
        modules = self.env["ir.module.module"].search(
            [("state", "in", ("to upgrade", "to install", "to remove"))]
        )
        if modules:
            modules._golive_check_freeze("scheduled")
        return super().upgrade_module()
