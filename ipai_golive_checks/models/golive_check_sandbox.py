# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import dataclasses
import json
import math
import time
import traceback
from contextlib import contextmanager

from odoo import api, models
from odoo.tools import SQL

from ..tools.vocabulary import STATUS_GRAVITY
from .golive_check_registry import (
    DEFAULT_NETWORK_TIMEOUT,
    MAX_FINDINGS,
    CheckContext,
    Finding,
)


@dataclasses.dataclass
class CheckOutcome:
    """What one check of a run produced, before it is recorded."""

    spec: object  # golive_check_registry.CheckSpec
    check: object  # the golive.check record
    findings: list
    duration_ms: float = 0.0
    queries: int = 0
    memory: dict | None = None  # the check's new memory, when it changed
    ran: bool = True  # False: skipped without running (a process check in CLI)


def json_safe(value):
    """``value`` as plain JSON data; raise ``ValueError``/``TypeError`` if it
    cannot be stored as JSON (NaN, infinity, keys that are not scalars)."""
    return json.loads(json.dumps(value, default=str, allow_nan=False))


class GoliveCheckSandbox(models.AbstractModel):
    """Runs one check isolated: its savepoint and SQL time budget, its
    context (thresholds, memory), its exceptions and evidence turned into
    findings. The run (``golive.check.run``) inherits it."""

    _name = "golive.check.sandbox"
    _description = "Go-Live Check Sandbox"

    def _current_statement_timeout(self):
        self.env.cr.execute("SHOW statement_timeout")
        return self.env.cr.fetchone()[0]

    def _execute_check(
        self, spec, check, environment, trigger, timeout_before, probe_future=None
    ):
        """Run one check isolated; return its :class:`CheckOutcome`.

        The check runs in its own savepoint with ``SET LOCAL statement_timeout``
        (reset afterwards: it would survive ``RELEASE SAVEPOINT``); network
        checks get their timeout from ``ctx.network_timeout``. Any exception,
        including invalid thresholds or memory that is not JSON, becomes an
        ``error`` finding and the run goes on; a finding whose evidence is not
        JSON becomes an ``error`` finding. What the check remembers is
        returned, not written: the run records it with the findings.
        """
        cr = self.env.cr
        findings = []
        started = time.perf_counter()
        queries_before = cr.sql_log_count
        memory = None
        try:
            ctx = self._make_context(spec, check, environment, trigger)
            ctx.probe_future = probe_future
            with self._check_savepoint(spec.timeout, timeout_before):
                method = getattr(self.env["golive.check.registry"], spec.method_name)
                for item in method(ctx) or ():
                    findings.append(Finding.coerce(item))
            # ctx.memory is a copy: the record still holds the memory before
            if ctx.memory != (check.memory or {}):
                memory = json_safe(ctx.memory)
        except Exception as exc:  # pylint: disable=broad-except
            memory = None
            findings.append(self._error_finding(exc))
        duration_ms = (time.perf_counter() - started) * 1000.0
        # minus the two statements of the savepoint
        queries = max(0, cr.sql_log_count - queries_before - 2)
        findings = [self._json_finding(finding) for finding in findings]
        if not findings:
            findings = [Finding.pass_(self.env._("No issue found."))]
        return CheckOutcome(
            spec, check, self._cap_findings(findings), duration_ms, queries, memory
        )

    @contextmanager
    def _check_savepoint(self, timeout, timeout_before):
        """The savepoint of one check, with its ``statement_timeout`` (seconds).

        Two statements instead of four: ``SAVEPOINT`` with ``SET LOCAL``, then
        ``RELEASE`` (or ``ROLLBACK TO`` and ``RELEASE``) with the reset of the
        timeout, which would otherwise survive the release. Flushed before and
        after, and the cache cleared on rollback, as Odoo's own savepoint.
        """
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "SAVEPOINT golive_check; "
                "SELECT set_config('statement_timeout', %s, true)",
                str(int(timeout * 1000)),
            )
        )
        reset = SQL("SELECT set_config('statement_timeout', %s, true)", timeout_before)
        try:
            yield
            self.env.flush_all()
        except BaseException:
            cr.clear()
            cr.execute(
                SQL(
                    "ROLLBACK TO SAVEPOINT golive_check; "
                    "RELEASE SAVEPOINT golive_check; %s",
                    reset,
                )
            )
            raise
        cr.execute(SQL("RELEASE SAVEPOINT golive_check; %s", reset))

    @api.model
    def _json_finding(self, finding):
        """``finding`` with a text key and plain JSON evidence, or an error
        finding."""
        finding.object_key = str(finding.object_key or "")
        try:
            finding.evidence = json_safe(finding.evidence or {})
        except (TypeError, ValueError) as exc:
            return Finding(
                "error",
                self.env._(
                    "The check returned evidence that cannot be stored as JSON "
                    "(%(error)s): %(message)s",
                    error=type(exc).__name__ + ": " + str(exc)[:200],
                    message=str(finding.message)[:500],
                ),
                finding.object_key,
                {"status": finding.status},
            )
        return finding

    def _make_context(self, spec, check, environment, trigger):
        params = check._effective_params(spec)
        network_timeout = params.get("network_timeout", DEFAULT_NETWORK_TIMEOUT)
        if (
            isinstance(network_timeout, bool)
            or not isinstance(network_timeout, int | float)
            or not math.isfinite(network_timeout)
            or network_timeout <= 0
        ):
            raise ValueError(
                self.env._(
                    "Threshold network_timeout must be a positive number of "
                    "seconds, not %(value)r.",
                    value=network_timeout,
                )
            )
        return CheckContext(
            environment=environment,
            trigger=trigger,
            params=params,
            # a copy (JSON data: a JSON round trip is the fastest deep copy)
            memory=json.loads(json.dumps(check.memory or {})),
            check=check,
            network_timeout=float(network_timeout),
        )

    @api.model
    def _error_finding(self, exc):
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        short = "".join(lines[-6:])[-2000:]
        return Finding(
            "error",
            self.env._(
                "The check crashed: %(error)s",
                error=type(exc).__name__ + ": " + str(exc).strip()[:500],
            ),
            "",
            {"exception": type(exc).__name__, "traceback": short},
        )

    @api.model
    def _cap_findings(self, findings):
        if len(findings) <= MAX_FINDINGS:
            return findings
        kept, rest = findings[: MAX_FINDINGS - 1], findings[MAX_FINDINGS - 1 :]
        worst = max(rest, key=lambda f: STATUS_GRAVITY[f.status]).status
        kept.append(
            Finding(
                worst,
                self.env._("%(count)s more findings not listed.", count=len(rest)),
                "...",
                {
                    "count": len(rest),
                    "objects": [f.object_key for f in rest[:50]],
                },
            )
        )
        return kept
