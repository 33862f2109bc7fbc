# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The run of a self-audit, second part: executing its checks and recording
their findings (masked, waived, scored), and the run as report data."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

from odoo import api, fields, models
from odoo.tools import SQL, config, ormcache

from ..tools.secret_sources import column_secrets, option_secrets
from ..tools.secrets import SECRET_KEY_RE, mask
from ..tools.vocabulary import (
    SEVERITY_RANK,
    SEVERITY_WEIGHT,
    STATUS_CODES,
    STATUS_GRAVITY,
    WAIVABLE_STATUSES,
)
from .golive_check_registry import Finding
from .golive_check_sandbox import CheckOutcome

# Worker threads of the probes of a run (network I/O, password hashing).
PROBE_WORKERS = 4
PROCESS_SKIP_REASON = (
    "Process check: from the command line it would measure the CLI's own "
    "process, not the running server; run it from Odoo (Run now or the "
    "scheduled self-audit)."
)


class GoliveCheckRun(models.Model):
    _inherit = "golive.check.run"

    def _execute_specs(self, specs, checks):
        """Run each check isolated; return its :class:`CheckOutcome`, in the
        order of ``specs``.

        The probes of the checks that have one (network I/O, password
        hashing: work that waits or releases the GIL) start first in worker
        threads; the other checks run meanwhile, then the checks with a probe
        judge its value. Every verdict is recorded in this run's cursor, in
        this thread: a probe touches no environment.
        """
        self.ensure_one()
        timeout_before = self._current_statement_timeout()
        outcomes = [None] * len(specs)
        later = []
        # A test server (HttpCase) serves every request on the test's single
        # cursor: its requests to itself must not overlap, probes run inline.
        side_by_side = not self.env.registry.in_test_mode()
        with ThreadPoolExecutor(
            max_workers=PROBE_WORKERS, thread_name_prefix="golive-probe"
        ) as pool:
            for index, spec in enumerate(specs):
                check = checks[spec.code]
                if self.trigger == "cli" and spec.is_process:
                    # not run: the check's last status stays the server's own
                    outcomes[index] = CheckOutcome(
                        spec, check, [Finding.skip(PROCESS_SKIP_REASON)], ran=False
                    )
                elif spec.probe:
                    future = side_by_side and self._start_probe(pool, spec, check)
                    later.append((index, spec, future or None))
            for index, spec in enumerate(specs):
                if outcomes[index] is None and not spec.probe:
                    outcomes[index] = self._execute_check(
                        spec,
                        checks[spec.code],
                        self.environment,
                        self.trigger,
                        timeout_before,
                    )
            for index, spec, future in later:
                outcomes[index] = self._execute_check(
                    spec,
                    checks[spec.code],
                    self.environment,
                    self.trigger,
                    timeout_before,
                    probe_future=future,
                )
        return outcomes

    def _start_probe(self, pool, spec, check):
        """Submit the probe of ``spec`` to ``pool``; return its future, or
        None when there is nothing to probe or preparing it failed (the check
        then probes inline and reports the failure as its own)."""
        try:
            ctx = self._make_context(spec, check, self.environment, self.trigger)
            with self.env.cr.savepoint(flush=False):
                probe = getattr(self.env["golive.check.registry"], spec.probe)(ctx)
        except Exception:  # pylint: disable=broad-except
            return None
        return pool.submit(probe) if probe is not None else None

    def _record_findings(self, outcomes):
        """Store the findings as results: masked, with their waivers; keep
        each check's last status and memory. Return the results' values."""
        self.ensure_one()
        secrets = self._golive_known_secrets()
        waivers = self.env["golive.waiver"]._active_waivers(secrets=secrets)
        result_vals = []
        check_status = {}
        for outcome in outcomes:
            severity = outcome.check._effective_severity(self.environment)
            worst = None
            for finding in outcome.findings:
                vals = self._result_values(outcome, finding, severity, secrets)
                vals["sequence"] = len(result_vals)
                waiver = self._find_waiver(waivers, vals)
                vals["waived"] = bool(waiver)
                vals["waiver_id"] = waiver.id if waiver else False
                result_vals.append(vals)
                if not waiver and (
                    worst is None
                    or STATUS_GRAVITY[finding.status] > STATUS_GRAVITY[worst]
                ):
                    worst = finding.status
            if outcome.ran:
                check_status[outcome.check.id] = worst or "pass"
            if outcome.memory is not None:
                outcome.check.memory = outcome.memory
        self._insert_results(result_vals)
        self._write_last_status(check_status)
        return result_vals

    # The columns a run fills in golive_check_result (all the model stores).
    _result_columns = (
        "run_id",
        "check_id",
        "sequence",
        "code",
        "title",
        "category",
        "severity",
        "status",
        "object_key",
        "message",
        "evidence",
        "tags",
        "duration_ms",
        "query_count",
        "waived",
        "waiver_id",
        "company_id",
    )

    def _insert_results(self, result_vals):
        """Insert the results of this run in one statement.

        The hot path of a run: ``create()`` costs a ``default_get`` per row
        (several ms for the 50 results of a run), and the model has nothing
        the ORM would do on create (no computed stored field, no constraint,
        no tracking). The values are complete and checked by the run.
        """
        self.ensure_one()
        if not result_vals:
            return
        # one placeholder per value (nested SQL objects cost more than the
        # INSERT itself); the column names are this model's own, fixed
        row = "({}, %s, %s, {now}, {now})".format(
            ", ".join(["%s"] * len(self._result_columns)),
            now="(now() AT TIME ZONE 'UTC')",
        )
        params = []
        for vals in result_vals:
            params.extend(
                self._result_column_value(name, vals[name])
                for name in self._result_columns
            )
            params += [self.env.uid, self.env.uid]
        self.env.cr.execute(
            SQL(
                "INSERT INTO golive_check_result ({}, create_uid, write_uid, "
                "create_date, write_date) VALUES {}".format(
                    ", ".join(self._result_columns),
                    ", ".join([row] * len(result_vals)),
                ),
                *params,
            )
        )
        self.invalidate_recordset(["result_ids", "waived_result_ids"])

    @api.model
    def _result_column_value(self, name, value):
        """``value`` of a result's field as its column stores it."""
        if name == "evidence":
            return json.dumps(value or {})
        if name in ("object_key", "waiver_id", "company_id"):
            return value or None
        return value

    def _result_values(self, outcome, finding, severity, secrets):
        """Values of the result of ``finding``, masked."""
        check = outcome.check
        return {
            "run_id": self.id,
            # the run's (the related field the ORM would fill)
            "company_id": self.company_id.id,
            "check_id": check.id,
            "code": outcome.spec.code,
            "title": check.title,
            "category": check.category,
            "severity": severity,
            "status": finding.status,
            # waivers are written with the key the user sees: the masked one
            "object_key": mask(finding.object_key, secrets) or False,
            "message": mask(finding.message, secrets),
            "evidence": mask(finding.evidence, secrets) or {},
            "tags": check.tags,
            "duration_ms": outcome.duration_ms,
            "query_count": outcome.queries,
        }

    @api.model
    def _find_waiver(self, waivers, vals):
        """The active waiver of a result's values: for its object, else for
        its whole check; only failing statuses are waived."""
        if vals["status"] not in WAIVABLE_STATUSES:
            return None
        return waivers.get((vals["check_id"], vals["object_key"] or "")) or waivers.get(
            (vals["check_id"], "")
        )

    def _score(self, result_vals, started):
        """Write the counts, the score and the duration of this run."""
        values = self._summary_values(result_vals)
        values.update(
            date_end=fields.Datetime.now(),
            duration_ms=(time.perf_counter() - started) * 1000.0,
        )
        self.write(values)

    def _write_last_status(self, check_status):
        run = self
        by_status = {}
        for check_id, status in check_status.items():
            by_status.setdefault(status, []).append(check_id)
        for status, check_ids in by_status.items():
            self.env["golive.check"].browse(check_ids).write(
                {
                    "last_status": status,
                    "last_run_date": run.date_start,
                    "last_run_id": run.id,
                }
            )

    @api.model
    def _summary_values(self, result_vals):
        counts = dict.fromkeys(STATUS_CODES, 0)
        waived = 0
        total_weight = failed_weight = 0
        for vals in result_vals:
            if vals["waived"]:
                waived += 1
                continue
            counts[vals["status"]] += 1
            if vals["status"] == "skipped":
                continue
            weight = SEVERITY_WEIGHT[vals["severity"]]
            total_weight += weight
            if vals["status"] in ("fail", "error"):
                failed_weight += weight
        score = 100.0 * (1 - failed_weight / total_weight) if total_weight else 100.0
        return {
            "count_pass": counts["pass"],
            "count_warn": counts["warn"],
            "count_fail": counts["fail"],
            "count_error": counts["error"],
            "count_skipped": counts["skipped"],
            "count_waived": waived,
            "score": round(score, 1),
        }

    @api.model
    def _golive_known_secrets(self):
        """Secret values of this database and server, to be masked anywhere."""
        secrets = option_secrets(config) | column_secrets(self.env)
        secrets.update(self._golive_secret_param_values())
        secrets.discard(None)
        secrets.discard(False)
        return secrets

    @api.model
    @ormcache()
    def _golive_secret_param_values(self):
        """Values of secret-looking system parameters.

        Cached: scanning every parameter costs milliseconds on big databases, and
        any change of a parameter clears the cache (ir.config_parameter clears
        the registry's default cache on create, write and unlink).
        """
        self.env.cr.execute(
            SQL(
                "SELECT value FROM ir_config_parameter WHERE key ~* %s",
                SECRET_KEY_RE.pattern,
            )
        )
        return tuple(row[0] for row in self.env.cr.fetchall() if row[0])

    # ------------------------------------------------------------------
    # Reporting
    # ------------------------------------------------------------------
    def _golive_report_data(self):
        """Summary and results of this run as plain data (already masked)."""
        self.ensure_one()
        results = (
            self.sudo()
            .env["golive.check.result"]
            .search([("run_id", "=", self.id)], order="sequence, id")
        )
        return {
            "summary": {
                "run_id": self.id,
                "database": self.env.cr.dbname,
                "trigger": self.trigger,
                "environment": self.environment,
                "environment_source": self.environment_source or "",
                "scope": self.scope,
                "network_included": self.network_included,
                "date_start": fields.Datetime.to_string(self.date_start),
                "duration_ms": round(self.duration_ms, 1),
                "checks": self.check_count,
                "counts": {
                    "pass": self.count_pass,
                    "warn": self.count_warn,
                    "fail": self.count_fail,
                    "error": self.count_error,
                    "skipped": self.count_skipped,
                },
                "waived": self.count_waived,
                "score": self.score,
            },
            "results": [r._to_report_dict() for r in results if not r.waived],
            "waived": [r._to_report_dict() for r in results if r.waived],
        }

    def _blocking_results(self, fail_level="high", strict=False):
        """Results (not waived) at or above ``fail_level`` that fail the run."""
        self.ensure_one()
        statuses = {"fail", "error"} | ({"warn"} if strict else set())
        threshold = SEVERITY_RANK[fail_level]
        return self.sudo().result_ids.filtered(
            lambda r: r.status in statuses
            and not r.waived
            and SEVERITY_RANK[r.severity] >= threshold
        )
