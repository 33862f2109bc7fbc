# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class GoliveRelease(models.Model):
    _inherit = "golive.release"

    trigger = fields.Selection(
        selection_add=[("update", "Guarded Update")],
        ondelete={"update": lambda releases: releases.write({"trigger": "manual"})},
    )
