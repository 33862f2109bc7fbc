# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .golive_checklist import ENVIRONMENTS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    golive_default_environment = fields.Selection(
        ENVIRONMENTS,
        string="Default Environment",
        default="prod",
        config_parameter="ipai_golive.default_environment",
    )
    golive_freeze_days = fields.Integer(
        string="Change Freeze (days)",
        default=2,
        config_parameter="ipai_golive.freeze_days",
    )
    golive_alert_partner_ids = fields.Many2many(
        related="company_id.golive_alert_partner_ids", readonly=False
    )
