# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.vocabulary import MANAGER_GROUP

MAX_TIMEOUT = 30.0
# A path and query longer than this is masked in results as a secret.
MIN_SECRET_PATH = 8


class GoliveCheckEndpoint(models.Model):
    """An HTTP endpoint that must answer, checked by ``http.endpoint``.

    For the integrations a go-live depends on (a mail relay's web API, an SMS
    gateway, an OCR service ...). The optional header carries a credential
    (API key, token): only Go-Live managers read it and it never reaches a
    finding.
    """

    _name = "golive.check.endpoint"
    _description = "Go-Live Endpoint Check"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="The company whose Go-Live Managers keep the endpoint.",
    )
    # Webhook URLs (Slack, Telegram ...) carry their token in the path:
    # managers only read it, and every run masks its path and query.
    url = fields.Char(string="URL", required=True, groups=MANAGER_GROUP)
    method = fields.Selection(
        [("GET", "GET"), ("HEAD", "HEAD"), ("POST", "POST")],
        required=True,
        default="GET",
    )
    expected_status = fields.Integer(
        required=True,
        default=200,
        help="HTTP status the endpoint must answer. A redirect is followed on the "
        "same origin (scheme, host, port) only, without the header; none is "
        "followed when a redirect status is expected.",
    )
    timeout = fields.Float(
        string="Timeout (s)",
        required=True,
        default=5.0,
        help="Connect and read timeout in seconds, at most 30.",
    )
    header_name = fields.Char(help="Optional request header, e.g. Authorization.")
    header_value = fields.Char(
        groups=MANAGER_GROUP,
        copy=False,
        help="Value of the header (an API key or token): readable by Go-Live "
        "managers only, never shown in results.",
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "timeout_range",
            f"CHECK(timeout > 0 AND timeout <= {int(MAX_TIMEOUT)})",
            "The timeout of an endpoint check is between 0 and 30 seconds.",
        ),
        (
            "expected_status_range",
            "CHECK(expected_status >= 100 AND expected_status <= 599)",
            "The expected status is an HTTP status (100-599).",
        ),
    ]

    @api.constrains("url")
    def _check_url(self):
        for endpoint in self:
            parts = urlsplit(endpoint.url or "")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError(
                    self.env._(
                        "The URL of %s must be an absolute http(s) URL.",
                        endpoint.name,
                    )
                )


# The endpoint headers and URL paths are secrets of this database: every run
# masks them.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRun(models.Model):
    _inherit = "golive.check.run"

    @api.model
    def _golive_known_secrets(self):
        secrets = super()._golive_known_secrets()
        self.env.cr.execute(
            "SELECT header_value FROM golive_check_endpoint "
            "WHERE COALESCE(header_value, '') != ''"
        )
        secrets.update(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute("SELECT url FROM golive_check_endpoint WHERE active")
        for (url,) in self.env.cr.fetchall():
            parts = urlsplit(url or "")
            tail = parts.path + (f"?{parts.query}" if parts.query else "")
            if len(tail) > MIN_SECRET_PATH:
                secrets.add(tail)
                # A redirect or an error may quote the path alone.
                if len(parts.path) > MIN_SECRET_PATH:
                    secrets.add(parts.path)
        return secrets
