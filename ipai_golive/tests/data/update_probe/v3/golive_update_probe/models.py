# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class GoliveUpdateProbe(models.Model):
    _name = "golive.update.probe"
    _description = "Go-Live Update Probe"

    name = fields.Char(required=True)
    note = fields.Char()
