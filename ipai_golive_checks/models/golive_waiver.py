# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.secrets import mask
from ..tools.vocabulary import WAIVABLE_STATUSES


class GoliveWaiver(models.Model):
    """Silences a whole check, or one finding of it (check + object key).

    A waiver applies until its expiry date included; after it, the finding
    reappears by itself: nothing needs to run to expire a waiver.
    """

    _name = "golive.waiver"
    _description = "Go-Live Check Waiver"
    _inherit = ["mail.thread"]
    _order = "expiry_date desc, id desc"

    check_id = fields.Many2one(
        "golive.check", required=True, ondelete="cascade", index=True, tracking=True
    )
    code = fields.Char(related="check_id.code", store=True)
    object_key = fields.Char(
        string="Object",
        tracking=True,
        help="Stable key of the one finding waived (a module name, a cron, a "
        "config key). Empty: the whole check is waived.",
    )
    reason = fields.Text(required=True, tracking=True)
    approver_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    expiry_date = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=30),
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="The company whose Go-Live Managers read and keep the waiver.",
    )
    state = fields.Selection(
        [("active", "Active"), ("expired", "Expired")],
        compute="_compute_state",
        search="_search_state",
    )

    @api.depends("expiry_date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for waiver in self:
            # no expiry date (cleared in a form): not in force
            waiver.state = (
                "active"
                if waiver.expiry_date and waiver.expiry_date >= today
                else "expired"
            )

    def _search_state(self, operator, value):
        if operator not in ("=", "!=") or value not in ("active", "expired"):
            return [("id", "=", False)]
        today = fields.Date.context_today(self)
        active = (operator == "=") == (value == "active")
        return [("expiry_date", ">=" if active else "<", today)]

    @api.constrains("check_id", "object_key", "expiry_date")
    def _check_one_active_waiver(self):
        """One waiver in force per check and object: a second one would only
        hide which reason and approver really apply."""
        today = fields.Date.context_today(self)
        for waiver in self.filtered(lambda w: w.state == "active"):
            twins = self.sudo().search(
                [
                    ("id", "!=", waiver.id),
                    ("check_id", "=", waiver.check_id.id),
                    ("object_key", "=", waiver.object_key or False),
                    ("expiry_date", ">=", today),
                ],
                limit=1,
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "%(check)s is already waived until %(date)s by %(approver)s; "
                        "extend that waiver instead of adding a second one.",
                        check=waiver.display_name,
                        date=twins.expiry_date,
                        approver=twins.approver_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        waivers = super().create(vals_list)
        waivers._waive_latest_results()
        return waivers

    def _waive_latest_results(self):
        """Mark the findings these waivers cover in the latest run of their
        check as waived at once: a waived finding no longer reads as failing
        until the next run. Past runs keep what they recorded."""
        Result = self.env["golive.check.result"].sudo()
        for waiver in self.filtered(lambda w: w.state == "active"):
            latest = Result.search(
                [("check_id", "=", waiver.check_id.id)], order="id desc", limit=1
            )
            if not latest:
                continue
            domain = [
                ("run_id", "=", latest.run_id.id),
                ("check_id", "=", waiver.check_id.id),
                ("status", "in", WAIVABLE_STATUSES),
                ("waived", "=", False),
            ]
            if waiver.object_key:
                domain.append(("object_key", "=", waiver.object_key))
            Result.search(domain).write({"waived": True, "waiver_id": waiver.id})

    @api.depends("check_id", "object_key")
    def _compute_display_name(self):
        for waiver in self:
            name = waiver.check_id.code or ""
            if waiver.object_key:
                name = f"{name} [{waiver.object_key}]"
            waiver.display_name = name

    @api.model
    def _active_waivers(self, date=None, secrets=()):
        """``{(check_id, masked object_key or ""): waiver}`` of the waivers in force.

        Keys are masked with ``secrets`` the way the run masks the keys of its
        findings (a waiver is written from a result's masked key); when several
        waivers cover the same key, the one that expires last wins.
        """
        # A day before UTC's today is before every time zone's today: the
        # user's own today is only looked up when some waiver is that recent.
        waivers = self.sudo().search(
            [("expiry_date", ">=", date or fields.Date.today() - timedelta(days=1))]
        )
        if waivers and not date:
            # the user's time zone alone (not every field of the user)
            date = fields.Date.context_today(self.with_context(prefetch_fields=False))
            waivers = waivers.filtered(lambda waiver: waiver.expiry_date >= date)
        active = {}
        for waiver in waivers:
            key = (waiver.check_id.id, mask(waiver.object_key or "", secrets) or "")
            best = active.get(key)
            if best is None or (waiver.expiry_date, waiver.id) > (
                best.expiry_date,
                best.id,
            ):
                active[key] = waiver
        return active
