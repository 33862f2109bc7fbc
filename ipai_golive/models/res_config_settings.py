# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.ipai_golive_checks.tools.vocabulary import ENVIRONMENTS

from .golive_checklist import DEFAULT_AUDIT_MAX_AGE_HOURS


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
    golive_audit_max_age_hours = fields.Integer(
        string="Audit Valid For (hours)",
        default=DEFAULT_AUDIT_MAX_AGE_HOURS,
        config_parameter="ipai_golive.audit_max_age_hours",
        help="Going live needs an audit of the checklist younger than this when "
        "any of its gates is bound to automated checks.",
    )
    golive_alert_partner_ids = fields.Many2many(
        related="company_id.golive_alert_partner_ids", readonly=False
    )
