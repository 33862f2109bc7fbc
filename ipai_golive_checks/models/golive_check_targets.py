# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the engine's probes go, and for how long: system administrators'.

A probe target (an endpoint's URL, the ``base_url``/``url``/``host``
thresholds of a check) makes this server send requests, from inside its
network, where the record says: a Go-Live Manager runs audits and tunes
severities, but only a system administrator (``base.group_system``) points
the server at an address. The network timeout of a check is at most 30
seconds, as an endpoint's is (``golive.check.endpoint``).
"""

import json
import math

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

from .golive_check_endpoint import MAX_TIMEOUT

# Thresholds that name an address the probes connect to.
ADDRESS_PARAMS = ("base_url", "url", "host")


def _address_params(parameters):
    """``{key: value}`` of the address thresholds in a JSON ``parameters``."""
    try:
        value = json.loads(parameters or "{}")
    except ValueError:
        return {}  # refused by the JSON constraint of golive.check
    if not isinstance(value, dict):
        return {}
    return {key: value[key] for key in ADDRESS_PARAMS if key in value}


class GoliveCheck(models.Model):
    _inherit = "golive.check"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.is_system():
            for vals in vals_list:
                if _address_params(vals.get("parameters")):
                    self._golive_refuse_target()
        return super().create(vals_list)

    def write(self, vals):
        if "parameters" in vals and not self.env.is_system():
            new = _address_params(vals["parameters"])
            for check in self:
                if _address_params(check.parameters) != new:
                    check._golive_refuse_target()
        return super().write(vals)

    def _golive_refuse_target(self):
        raise AccessError(
            self.env._(
                "Only a system administrator sets where a check connects "
                "(the %s thresholds).",
                ", ".join(ADDRESS_PARAMS),
            )
        )

    @api.constrains("parameters")
    def _check_network_timeout_cap(self):
        for check in self:
            try:
                value = json.loads(check.parameters or "{}")
            except ValueError:
                continue  # refused by _check_parameters
            timeout = value.get("network_timeout") if isinstance(value, dict) else None
            if (
                isinstance(timeout, int | float)
                and not isinstance(timeout, bool)
                and math.isfinite(timeout)
                and timeout > MAX_TIMEOUT
            ):
                raise ValidationError(
                    self.env._(
                        "The network_timeout of %(check)s is at most %(max)s seconds.",
                        check=check.code,
                        max=int(MAX_TIMEOUT),
                    )
                )


class GoliveCheckEndpoint(models.Model):
    _inherit = "golive.check.endpoint"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.is_system():
            self._golive_refuse_url()
        return super().create(vals_list)

    def write(self, vals):
        if "url" in vals and not self.env.is_system():
            self._golive_refuse_url()
        return super().write(vals)

    def _golive_refuse_url(self):
        raise AccessError(
            self.env._(
                "Only a system administrator sets the URL of an endpoint check: "
                "it makes this server send requests from inside its network."
            )
        )
