# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    golive_alert_partner_ids = fields.Many2many(
        "res.partner",
        "res_company_golive_alert_partner_rel",
        string="Go-Live Alert Recipients",
        help="Notified when a go-live gate turns red or an audit fails.",
    )
