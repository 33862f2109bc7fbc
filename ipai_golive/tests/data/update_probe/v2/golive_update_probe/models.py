# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class GoliveUpdateProbe(models.Model):
    _name = "golive.update.probe"
    _description = "Go-Live Update Probe"

    name = fields.Char(required=True)

    @api.model
    def _probe_weaken(self):
        """Version 2 weakens security: the admin password is reset to admin."""
        self.env.ref("base.user_admin").password = "admin"
