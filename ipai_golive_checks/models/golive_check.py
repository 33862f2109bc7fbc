# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.vocabulary import CATEGORIES, MANAGER_GROUP, SEVERITIES, STATUSES

# Fields of a check record that come from the code (refreshed by the sync).
SYNCED_FIELDS = (
    "title",
    "category",
    "default_severity",
    "remediation",
    "doc_url",
    "tags",
    "is_process",
    "default_parameters",
    "active",
)
# Thresholds that are numbers whatever the check (seconds).
NUMERIC_PARAMS = {"network_timeout"}


class GoliveCheck(models.Model):
    """One record per registered check, synchronised with the code registry.

    Code, title, category, remediation, tags and the default severity come from
    the code and are refreshed at each sync; what users edit (enabled, the
    severity per environment, thresholds) is kept.
    """

    _name = "golive.check"
    _description = "Go-Live Check"
    _order = "category, code"
    _rec_name = "title"

    code = fields.Char(required=True, readonly=True, index=True)
    # title and remediation are code metadata, synced from the registry: not
    # translatable (a sync in a user's language would compare translations)
    title = fields.Char(required=True, readonly=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    default_severity = fields.Selection(SEVERITIES, readonly=True)
    severity = fields.Selection(
        SEVERITIES,
        required=True,
        default="medium",
        help="Severity of this check's findings, unless the environment of the "
        "run has its own severity below.",
    )
    severity_dev = fields.Selection(SEVERITIES, string="Severity in Development")
    severity_staging = fields.Selection(SEVERITIES, string="Severity in Staging")
    severity_prod = fields.Selection(SEVERITIES, string="Severity in Production")
    remediation = fields.Text(readonly=True)
    doc_url = fields.Char(string="Documentation", readonly=True)
    tags = fields.Char(readonly=True, help="Comma-separated tags, e.g. network, slow")
    is_process = fields.Boolean(
        readonly=True,
        help="Inspects the running server process: skipped from the command line.",
    )
    enabled = fields.Boolean(default=True)
    active = fields.Boolean(
        default=True,
        readonly=True,
        help="Unticked when no installed addon provides this check any more.",
    )
    parameters = fields.Text(
        string="Thresholds",
        help="JSON object of thresholds; keys missing here take the default of "
        "the code.",
    )
    default_parameters = fields.Text(string="Default Thresholds", readonly=True)
    memory = fields.Json(
        readonly=True,
        groups=MANAGER_GROUP,
        help="What the check remembers between runs.",
    )
    last_status = fields.Selection(STATUSES, readonly=True)
    last_run_date = fields.Datetime(readonly=True)
    last_run_id = fields.Many2one("golive.check.run", readonly=True)
    result_ids = fields.One2many(
        "golive.check.result", "check_id", groups=MANAGER_GROUP
    )
    waiver_ids = fields.One2many("golive.waiver", "check_id")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A check code must be unique."),
    ]

    @api.constrains("parameters")
    def _check_parameters(self):
        for check in self:
            if not check.parameters:
                continue
            try:
                value = json.loads(check.parameters)
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "Thresholds of %(check)s are not valid JSON: %(error)s",
                        check=check.code,
                        error=exc,
                    )
                ) from exc
            if not isinstance(value, dict):
                raise ValidationError(
                    self.env._(
                        "Thresholds of %(check)s must be a JSON object.",
                        check=check.code,
                    )
                )
            check._check_numeric_parameters(value)

    def _check_numeric_parameters(self, value):
        """Thresholds whose default is a number must be finite numbers
        (``network_timeout``: above 0)."""
        self.ensure_one()
        spec = self.env["golive.check.registry"]._golive_check_specs().get(self.code)
        defaults = dict(spec.params) if spec else {}
        numeric = set(NUMERIC_PARAMS) | {
            key
            for key, default in defaults.items()
            if isinstance(default, int | float) and not isinstance(default, bool)
        }
        for key in sorted(numeric & set(value)):
            number = value[key]
            if (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not math.isfinite(number)
                or (key in NUMERIC_PARAMS and number <= 0)
            ):
                message = (
                    self.env._(
                        "Threshold %(key)s of %(check)s must be a number above 0, "
                        "not %(value)s.",
                        key=key,
                        check=self.code,
                        value=json.dumps(number),
                    )
                    if key in NUMERIC_PARAMS
                    else self.env._(
                        "Threshold %(key)s of %(check)s must be a number, not "
                        "%(value)s.",
                        key=key,
                        check=self.code,
                        value=json.dumps(number),
                    )
                )
                raise ValidationError(message)

    def _register_hook(self):
        super()._register_hook()
        # Installing or upgrading any addon may add or remove checks.
        if self.env.registry.updated_modules:
            self.sudo()._sync_registry()

    @api.model
    def _sync_registry(self):
        """Create/refresh one record per registered check; archive the others.

        Returns ``{code: record}`` of the registered checks.
        """
        specs = self.env["golive.check.registry"]._golive_check_specs()
        existing, stored = self._golive_stored_checks()
        category_codes = {code for code, _label in CATEGORIES}
        to_create = []
        for code, spec in specs.items():
            default_params = json.dumps(dict(spec.params), sort_keys=True)
            values = {
                "title": spec.title,
                "category": spec.category
                if spec.category in category_codes
                else "other",
                "default_severity": spec.severity,
                "remediation": spec.remediation,
                "doc_url": spec.doc_url or False,
                "tags": ", ".join(spec.all_tags),
                "is_process": spec.is_process,
                "default_parameters": default_params,
                "active": True,
            }
            check = existing.get(code)
            if check is None:
                by_env = dict(spec.severity_by_env)
                to_create.append(
                    dict(
                        values,
                        code=code,
                        enabled=spec.enabled,
                        severity=spec.severity,
                        severity_dev=by_env.get("dev", False),
                        severity_staging=by_env.get("staging", False),
                        severity_prod=by_env.get("prod", False),
                    )
                )
                continue
            changed = {
                key: value
                for key, value in values.items()
                if (stored[code][key] or False) != (value or False)
            }
            if changed:
                check.write(changed)
        gone = [
            check
            for code, check in existing.items()
            if code not in specs and stored[code]["active"]
        ]
        if gone:
            self.browse([check.id for check in gone]).write({"active": False})
        if to_create:
            self.create(to_create)
        if to_create or gone:
            existing, _stored = self._golive_stored_checks()
        return {code: existing[code] for code in specs}

    @api.model
    def _golive_stored_checks(self):
        """``({code: record}, {code: {field: stored value}})`` of every check
        record, archived ones included, with the fields the sync compares:
        read in one query (a run syncs first; reading them through the ORM
        cost more than the rest of the sync)."""
        self.flush_model(SYNCED_FIELDS)
        self.env.cr.execute(
            SQL(
                "SELECT id, code, %s FROM golive_check",
                SQL(", ").join(map(SQL.identifier, SYNCED_FIELDS)),
            )
        )
        rows = self.env.cr.fetchall()
        records = self.browse([row[0] for row in rows])
        existing = {
            row[1]: self.browse(row[0]).with_prefetch(records._prefetch_ids)
            for row in rows
        }
        stored = {
            row[1]: dict(zip(SYNCED_FIELDS, row[2:], strict=True)) for row in rows
        }
        return existing, stored

    def _effective_severity(self, environment):
        self.ensure_one()
        return self[f"severity_{environment}"] or self.severity

    def _effective_params(self, spec):
        self.ensure_one()
        params = dict(spec.params)
        if self.parameters:
            params.update(json.loads(self.parameters))
        return params

    def action_run_now(self):
        """Run the selected checks (all enabled checks when none is selected)."""
        codes = self.mapped("code") or None
        run = self.env["golive.check.run"]._run_checks(trigger="manual", codes=codes)
        return run._get_form_action()

    def action_waive(self):
        self.ensure_one()
        # the form it opens creates a waiver: a Go-Live Manager's
        self.env["golive.waiver"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive"),
            "res_model": "golive.waiver",
            "view_mode": "form",
            "target": "new",
            "context": {"default_check_id": self.id},
        }
