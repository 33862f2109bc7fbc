# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The check registry: a decorator, the finding type and the collecting model.

A check is a private method of the abstract model ``golive.check.registry``
marked with :func:`golive_check`. Any addon adds checks by inheriting that model;
checks are collected from the final registry class, so only the addons installed
in the current database contribute (the way ``ir.autovacuum`` collects the
methods marked ``@api.autovacuum``)::

    from odoo import models
    from odoo.addons.ipai_golive_checks.models.golive_check_registry import (
        Finding,
        golive_check,
    )

    class GoliveCheckRegistry(models.AbstractModel):
        _inherit = "golive.check.registry"

        @golive_check(
            "config.list_db",
            title="Database manager hidden",
            category="config",
            severity="critical",
            severity_by_env={"dev": "info"},
            remediation="Set list_db = False in the server configuration.",
        )
        def _check_config_list_db(self, ctx):
            if config["list_db"]:
                yield Finding.fail("list_db is on", object_key="list_db")
            else:
                yield Finding.pass_("list_db is off", object_key="list_db")

A check receives a :class:`CheckContext` and returns or yields
:class:`Finding` objects (or dicts with the same keys). A check that yields
nothing is recorded as one ``pass`` finding.
"""

import dataclasses
import logging
import re

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..tools.vocabulary import (
    ENVIRONMENT_ALIASES,
    ENVIRONMENT_CODES,
    SEVERITY_RANK,
    STATUS_CODES,
)

_logger = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
DEFAULT_TIMEOUT = 10.0  # seconds of SQL per check (statement_timeout)
DEFAULT_NETWORK_TIMEOUT = 5.0  # seconds, socket timeout of network checks
MAX_FINDINGS = 100  # per check; the rest is summarised in one finding


@dataclasses.dataclass(frozen=True)
class CheckSpec:
    """Metadata of one registered check."""

    code: str
    title: str
    category: str
    severity: str = "medium"
    remediation: str = ""
    tags: tuple = ()
    doc_url: str | None = None
    severity_by_env: tuple = ()
    params: tuple = ()
    process: bool = False
    timeout: float = DEFAULT_TIMEOUT
    enabled: bool = True
    method_name: str = ""
    probe: str = ""

    @property
    def all_tags(self):
        tags = set(self.tags) | {self.category}
        if self.process:
            tags.add("process")
        return tuple(sorted(tags))

    @property
    def is_process(self):
        return self.process or "process" in self.tags

    def severity_for(self, environment):
        return dict(self.severity_by_env).get(environment, self.severity)


def _validate_check_code(code, severity, severity_by_env):
    """Raise ValueError on an invalid code or severity of a check."""
    if not CODE_RE.match(code):
        raise ValueError(f"Invalid check code {code!r}")
    if severity not in SEVERITY_RANK:
        raise ValueError(f"Invalid severity {severity!r} for check {code}")
    for env_name, env_severity in (severity_by_env or {}).items():
        if env_name not in ENVIRONMENT_CODES or env_severity not in SEVERITY_RANK:
            raise ValueError(f"Invalid severity_by_env for check {code}")


def golive_check(
    code,
    *,
    title,
    category,
    severity="medium",
    remediation="",
    tags=(),
    doc_url=None,
    severity_by_env=None,
    params=None,
    process=False,
    timeout=DEFAULT_TIMEOUT,
    enabled=True,
    probe=None,
):
    """Mark a method of ``golive.check.registry`` as the check ``code``.

    :param code: stable dotted code, e.g. ``config.list_db``
    :param severity: default severity (info, low, medium, high, critical)
    :param severity_by_env: e.g. ``{"dev": "info"}``
    :param params: default thresholds, e.g. ``{"tolerance_minutes": 60}``,
        editable on the check record
    :param tags: e.g. ``("network",)`` or ``("slow",)``
    :param process: the check inspects the running server process; it is
        skipped when run from the command line
    :param timeout: SQL statement timeout of the check, in seconds
    :param enabled: whether the check runs by default (an opt-in check runs
        only when enabled on its record or selected by code)
    :param probe: name of a method ``(ctx) -> callable or None`` that reads
        what the check's slow part needs (in the run's thread) and returns
        that part as a callable using no environment, cursor or record
        (network I/O, password hashing). A run starts the probes in worker
        threads before the database checks and the check, run afterwards in
        the run's thread, gets the probe's value with ``ctx.probed(callable)``
    """
    _validate_check_code(code, severity, severity_by_env)

    def decorate(method):
        if not method.__name__.startswith("_"):
            raise ValueError(f"{method.__name__}: check methods must be private")
        method._golive_check = CheckSpec(
            code=code,
            title=title,
            category=category,
            severity=severity,
            remediation=remediation,
            tags=tuple(tags),
            doc_url=doc_url,
            severity_by_env=tuple(sorted((severity_by_env or {}).items())),
            params=tuple(sorted((params or {}).items())),
            process=process,
            timeout=timeout,
            enabled=enabled,
            method_name=method.__name__,
            probe=probe or "",
        )
        return method

    return decorate


@dataclasses.dataclass
class Finding:
    """One result of a check, about one object identified by a stable key."""

    status: str
    message: str
    object_key: str = ""
    evidence: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUS_CODES:
            raise ValueError(f"Invalid finding status {self.status!r}")

    @classmethod
    def pass_(cls, message, object_key="", **evidence):
        return cls("pass", message, object_key, evidence)

    @classmethod
    def warn(cls, message, object_key="", **evidence):
        return cls("warn", message, object_key, evidence)

    @classmethod
    def fail(cls, message, object_key="", **evidence):
        return cls("fail", message, object_key, evidence)

    @classmethod
    def skip(cls, message, object_key="", **evidence):
        return cls("skipped", message, object_key, evidence)

    @classmethod
    def coerce(cls, value):
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            value = dict(value)
            if "object" in value and "object_key" not in value:
                value["object_key"] = value.pop("object")
            return cls(
                status=value.get("status", "pass"),
                message=value.get("message", ""),
                object_key=str(value.get("object_key") or ""),
                evidence=dict(value.get("evidence") or {}),
            )
        raise TypeError(f"A check must yield Finding objects or dicts, not {value!r}")


@dataclasses.dataclass
class CheckContext:
    """What a check receives: the run's environment, its thresholds, memory."""

    environment: str
    trigger: str
    params: dict
    memory: dict
    check: models.Model  # the golive.check record
    network_timeout: float = DEFAULT_NETWORK_TIMEOUT
    probe_future: object = None  # concurrent.futures.Future of the probe

    def probed(self, probe):
        """The value of the check's probe: computed in a worker thread while
        the database checks ran, or now by calling ``probe`` (the same
        callable its probe method returns) when the run started none. An
        exception of the probe is raised here, in the check."""
        if self.probe_future is not None:
            return self.probe_future.result()
        return probe()

    @property
    def is_prod(self):
        return self.environment == "prod"


class GoliveCheckRegistry(models.AbstractModel):
    _name = "golive.check.registry"
    _description = "Go-Live Check Registry"

    @api.model
    def _golive_check_specs(self):
        """Return ``{code: CheckSpec}`` of the checks of this database's registry.

        The specs are collected along the MRO of the final registry class, so
        every installed addon that inherits this model contributes, and a method
        overridden without the decorator keeps its check.
        """
        cls = self.env.registry[self._name]
        # Keyed on the bases: loading another addon that inherits this model
        # re-bases the same registry class (a check run while an addon's data
        # loads must not hide the checks of the addons loaded after it).
        bases, specs = cls.__dict__.get("_golive_specs_cache", (None, None))
        if bases != cls.__bases__:
            specs = {}
            for klass in reversed(cls.__mro__):
                for name, func in vars(klass).items():
                    spec = getattr(func, "_golive_check", None)
                    if isinstance(spec, CheckSpec):
                        specs[spec.code] = dataclasses.replace(spec, method_name=name)
            specs = dict(sorted(specs.items()))
            cls._golive_specs_cache = (cls.__bases__, specs)
        return specs

    # ------------------------------------------------------------------
    # Environment
    # ------------------------------------------------------------------
    @api.model
    def _golive_normalize_environment(self, value, source):
        normalized = ENVIRONMENT_ALIASES.get(str(value).strip().lower())
        if not normalized:
            raise UserError(
                self.env._(
                    "Unknown environment %(value)r (from %(origin)s): use dev, "
                    "staging or prod.",
                    value=value,
                    origin=source,
                )
            )
        return normalized

    @api.model
    def _golive_server_environment(self):
        """OCA server_environment's running_env, when installed here."""
        if "server_environment" not in self.env.registry._init_modules:
            return None
        try:
            from odoo.addons.server_environment import server_env
        except ImportError:
            return None
        return getattr(server_env, "running_env", None) or None

    @api.model
    def _golive_cli_report(self, name, fmt, ship=None):
        """The bytes of report ``name`` for ``odoo-bin golive --report``.

        Extension point: the addon that renders the report overrides this
        method; ``None`` here means that no installed addon renders it.

        :param name: the report, e.g. ``what_shipped``
        :param fmt: ``markdown`` or ``pdf``
        :param ship: the ship manifest given with ``--manifest``, or None
        """
        return None

    @api.model
    def _golive_resolve_environment(self, explicit=None):
        """Return ``(environment, source)``, resolved in the documented order.

        1. ``explicit`` (the CLI's ``--environment``, a checklist's environment);
        2. the server option ``golive_environment``;
        3. OCA ``server_environment``'s ``running_env``;
        4. the system parameter ``ipai_golive_checks.environment``;
        5. ``prod``, the strictest.
        """
        if explicit:
            return self._golive_normalize_environment(explicit, "argument"), "argument"
        option = config.get("golive_environment")
        if option:
            return (
                self._golive_normalize_environment(option, "server option"),
                "server option",
            )
        running_env = self._golive_server_environment()
        if running_env:
            return (
                self._golive_normalize_environment(running_env, "server_environment"),
                "server_environment",
            )
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ipai_golive_checks.environment")
        )
        if param:
            return (
                self._golive_normalize_environment(param, "system parameter"),
                "system parameter",
            )
        return "prod", "default"
