# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, config, ormcache

from ..tools.manifest import CONTEXT_KEY, GATE_RESULTS_KEY
from ..tools.secret_sources import column_secrets, option_secrets
from ..tools.secrets import SECRET_KEY_RE, mask
from ..tools.vocabulary import (
    CATEGORIES,
    ENVIRONMENTS,
    MANAGER_GROUP,
    SEVERITY_RANK,
    SEVERITY_WEIGHT,
    STATUS_CODES,
    STATUS_GRAVITY,
    TRIGGERS,
    WAIVABLE_STATUSES,
)
from .golive_check_registry import Finding
from .golive_check_sandbox import CheckOutcome

_logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock(classid, objid): "GOLV", 1. Advisory locks are
# scoped to the current database.
LOCK_KEY = (0x474F4C56, 1)
PROCESS_SKIP_REASON = (
    "Process check: from the command line it would measure the CLI's own "
    "process, not the running server; run it from Odoo (Run now or the "
    "scheduled self-audit)."
)
DEFAULT_RETENTION_DAYS = 90
KEEP_LAST_RUNS = 10
# How long a run waits for the audit lock held by another run, in seconds:
# within a request, and where the run owns its transaction (CLI, cron worker).
LOCK_WAIT_SECONDS = 5.0
EXCLUSIVE_LOCK_WAIT = 120.0
LOCK_RETRY_INTERVAL = 0.25
# Worker threads of the probes of a run (network I/O, password hashing).
PROBE_WORKERS = 4
# Tags a complete audit may leave out: a server configured to audit without
# the network (``--exclude-tag network``) still audits the whole catalogue.
COMPLETE_EXCLUDABLE_TAGS = frozenset({"network"})
SCOPES = [("complete", "Complete audit"), ("partial", "Partial run")]
# The light of a category in a run, as an EarlyWatch report colours it.
LIGHTS = {
    "red": ("text-bg-danger", "a high or critical check fails"),
    "yellow": ("text-bg-warning", "a lesser check fails, or a warning"),
    "green": ("text-bg-success", "every check determined passes"),
    "grey": ("text-bg-secondary", "nothing could be determined"),
}


class GoliveCheckRunLocked(UserError):
    """Another run holds the database's audit lock."""


class GoliveCheckSelectionEmpty(UserError):
    """No check matches the selection of a run."""


class GoliveCheckRun(models.Model):
    """One self-audit run: which checks, in which environment, and the score.

    Score: ``100 * (1 - sum(weight of fail/error findings) / sum(weight of all
    evaluated findings))`` where evaluated = not skipped and not waived, and the
    weights by severity are info 0, low 1, medium 3, high 7, critical 15. A run
    without any weighted finding scores 100. Waived findings are counted apart
    and do not affect the score.

    The score of the database is the score of its latest *complete* audit
    (:meth:`_latest_complete`): the whole enabled catalogue, judged in one
    environment, network checks included or not as the caller configured.
    A partial run (selected codes, categories or tags: a CLI ``--check``, a
    checklist's bound checks, a manifest's drift) is stored and shown as what
    it is, and never stands for the database's score.
    """

    _name = "golive.check.run"
    _inherit = ["golive.check.sandbox"]
    _description = "Go-Live Self-Audit Run"
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, readonly=True)
    trigger = fields.Selection(TRIGGERS, required=True, readonly=True)
    environment = fields.Selection(ENVIRONMENTS, required=True, readonly=True)
    environment_source = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        readonly=True,
        index=True,
        help="The company a manual run was made for: its results and findings "
        "are its Go-Live Managers' to read. None: a scheduled or command-line "
        "audit of the database, which every company shares.",
    )
    date_start = fields.Datetime(readonly=True, index=True)
    date_end = fields.Datetime(readonly=True)
    duration_ms = fields.Float(string="Duration (ms)", digits=(16, 1), readonly=True)
    selection = fields.Char(
        readonly=True, help="Filters of the run (codes, categories, tags)."
    )
    scope = fields.Selection(
        SCOPES,
        required=True,
        readonly=True,
        default="partial",
        index=True,
        help="Complete audit: every enabled check for the run's environment, "
        "the database's score. Partial run: selected checks (a check's or a "
        "checklist's, a manifest's drift, the command line's --check), shown "
        "as such and never the database's score.",
    )
    network_included = fields.Boolean(
        string="Network Checks",
        readonly=True,
        help="The network checks (tag network) were part of the run.",
    )
    check_count = fields.Integer(string="Checks", readonly=True)
    count_pass = fields.Integer(string="Passed", readonly=True)
    count_warn = fields.Integer(string="Warnings", readonly=True)
    count_fail = fields.Integer(string="Failed", readonly=True)
    count_error = fields.Integer(string="Errors", readonly=True)
    count_skipped = fields.Integer(string="Skipped", readonly=True)
    count_waived = fields.Integer(string="Waived", readonly=True)
    # a score aggregated (trend, pivot, grouped list) is a mean, never a sum
    score = fields.Float(digits=(16, 1), readonly=True, aggregator="avg")
    category_lights = fields.Html(
        compute="_compute_category_lights",
        sanitize=False,
        help="Each category green, yellow or red by its worst finding; grey "
        "when nothing could be determined (no check ran, or all skipped).",
    )
    result_ids = fields.One2many(
        "golive.check.result",
        "run_id",
        domain=[("waived", "=", False)],
        groups=MANAGER_GROUP,
    )
    waived_result_ids = fields.One2many(
        "golive.check.result",
        "run_id",
        domain=[("waived", "=", True)],
        groups=MANAGER_GROUP,
    )

    def _category_light_map(self):
        """``{category: light}`` of this run, every category included:
        red (a high or critical fail or error), yellow (a lesser one, or a
        warning), green (passes only), grey (nothing determined). Waived
        findings are left out."""
        self.ensure_one()
        worst = dict.fromkeys((code for code, _label in CATEGORIES), "grey")
        rank = {"grey": 0, "green": 1, "yellow": 2, "red": 3}
        groups = (
            self.env["golive.check.result"]
            .sudo()
            ._read_group(
                [("run_id", "=", self.id), ("waived", "=", False)],
                ["category", "status", "severity"],
            )
        )
        for category, status, severity in groups:
            if status == "skipped":
                continue
            if status in ("fail", "error"):
                light = (
                    "red"
                    if SEVERITY_RANK[severity] >= SEVERITY_RANK["high"]
                    else "yellow"
                )
            else:
                light = "yellow" if status == "warn" else "green"
            if rank[light] > rank[worst.get(category, "grey")]:
                worst[category] = light
        return worst

    def _compute_category_lights(self):
        labels = dict(CATEGORIES)
        for run in self:
            if not run.id:
                run.category_lights = False
                continue
            run.category_lights = Markup(" ").join(
                Markup('<span class="badge %s" title="%s">%s</span>')
                % (LIGHTS[light][0], LIGHTS[light][1], labels[category])
                for category, light in run._category_light_map().items()
            )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.model
    def _run_checks(
        self,
        trigger="manual",
        environment=None,
        codes=None,
        categories=None,
        tags=None,
        exclude_tags=None,
        lock_wait=LOCK_WAIT_SECONDS,
        scope=None,
        manifest=None,
    ):
        """Run the selected checks now and return the ``golive.check.run``.

        :param trigger: ``manual``, ``cron`` or ``cli``
        :param environment: ``dev``/``staging``/``prod`` (e.g. a checklist's);
            resolved by ``golive.check.registry`` when not given
        :param codes: run only these check codes (even when disabled)
        :param categories, tags: keep checks of these categories / with one of
            these tags
        :param exclude_tags: drop checks with one of these tags
        :param lock_wait: seconds to wait for another run to finish
        :param scope: ``complete`` or ``partial``; by default a run without a
            selection (only the network tag left out) is complete
        :param manifest: the ship manifest the manifest checks judge: a
            ``golive.manifest`` id, or ``False`` for none (they skip); not
            given: the latest imported one
        :raise UserError: on an unknown code, category or tag
        :raise GoliveCheckSelectionEmpty: when no check matches the selection
        :raise GoliveCheckRunLocked: when another run is still in progress on
            this database after ``lock_wait`` seconds
        """
        if manifest is not None:
            return self.with_context(**{CONTEXT_KEY: manifest})._run_checks(
                trigger=trigger,
                environment=environment,
                codes=codes,
                categories=categories,
                tags=tags,
                exclude_tags=exclude_tags,
                lock_wait=lock_wait,
                scope=scope,
            )
        self._check_run_access()
        started = time.perf_counter()
        run_model = self.sudo()
        if not self.env.su:
            # gate results "passed in CI" are the command line's word (it runs
            # as the superuser), never the context of an RPC caller
            run_model = run_model.with_context(**{GATE_RESULTS_KEY: None})
        # the lock comes before any write of the run
        run_model._acquire_run_lock(lock_wait)
        selection = {
            "codes": codes,
            "categories": categories,
            "tags": tags,
            "exclude_tags": exclude_tags,
        }
        checks = run_model.env["golive.check"]._sync_registry()
        specs = run_model._select_specs(checks=checks, **selection)
        run = run_model._create_run(
            trigger,
            environment,
            selection,
            len(specs),
            scope=scope or run_model._selection_scope(**selection),
        )
        outcomes = run._execute_specs(specs, checks)
        result_vals = run._record_findings(outcomes)
        run._score(result_vals, started)
        # a write that conflicts with a concurrent run fails here, in the run
        run_model.env.flush_all()
        return run.with_env(self.env)

    @api.model
    def _run_checks_exclusive(self, lock_wait=LOCK_WAIT_SECONDS, **kwargs):
        """Run the checks in a transaction of their own, commit, return the run.

        For the callers that own their cursor: the CLI and the cron worker.
        The audit lock is taken at session level first, waiting up to
        ``lock_wait`` seconds for a run in progress; the run then starts a new
        transaction, so it sees what the run it waited for committed and its
        writes never conflict with that run's (no serialization failure).

        :raise GoliveCheckRunLocked: when another run still holds the lock
            after ``lock_wait`` seconds
        """
        cr = self.env.cr
        self._wait_run_lock(
            SQL("SELECT pg_try_advisory_lock(%s, %s)", *LOCK_KEY), lock_wait
        )
        # This method owns the transaction (see above): it commits the run
        # and releases the session lock after the commit.
        # pylint: disable=invalid-commit
        try:
            # what this transaction did before is kept (e.g. the runs of an
            # override of the cron); the next statement takes a snapshot that
            # sees what the run we waited for committed
            cr.commit()
            run = self._run_checks(lock_wait=0, **kwargs)
            cr.commit()
        except BaseException:
            cr.rollback()
            raise
        finally:
            cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", *LOCK_KEY))
            cr.commit()
        return run

    # ------------------------------------------------------------------
    # The steps of a run
    # ------------------------------------------------------------------
    def _check_run_access(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only Go-Live managers can run the audit."))

    def _acquire_run_lock(self, wait=LOCK_WAIT_SECONDS):
        """Take the audit lock of this transaction, waiting up to ``wait``
        seconds for another run to finish."""
        self._wait_run_lock(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", *LOCK_KEY), wait
        )

    def _wait_run_lock(self, try_lock, wait):
        """Execute the ``try_lock`` query until it answers true, for up to
        ``wait`` seconds; raise :class:`GoliveCheckRunLocked` then."""
        wait = max(wait or 0, 0)
        deadline = time.monotonic() + wait
        while True:
            self.env.cr.execute(try_lock)
            if self.env.cr.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(LOCK_RETRY_INTERVAL)
        raise GoliveCheckRunLocked(
            self.env._(
                "Another Go-Live self-audit is already running on database "
                "%(db)s (waited %(seconds)s s): retry when it has finished.",
                db=self.env.cr.dbname,
                seconds=round(wait, 1),
            )
        )

    @api.model
    def _selection_scope(self, codes, categories, tags, exclude_tags):
        """``complete`` for the whole enabled catalogue (the network checks
        may be left out), else ``partial``."""
        if codes or categories or tags:
            return "partial"
        if set(exclude_tags or ()) - COMPLETE_EXCLUDABLE_TAGS:
            return "partial"
        return "complete"

    @api.model
    def _latest_complete(self, environment=None):
        """The latest complete audit (of ``environment`` if given): the run
        whose score is the database's score; an empty recordset if none."""
        domain = [("scope", "=", "complete")]
        if environment:
            domain.append(("environment", "=", environment))
        return self.sudo().search(domain, limit=1).with_env(self.env)

    @api.model
    def _create_run(self, trigger, environment, selection, check_count, scope):
        """Create the run record, in the environment it judges."""
        registry = self.env["golive.check.registry"]
        env_name, env_source = registry._golive_resolve_environment(environment)
        now = fields.Datetime.now()
        return self.create(
            {
                "name": self.env._(
                    "Self-audit %(date)s", date=fields.Datetime.to_string(now)
                ),
                "trigger": trigger,
                "environment": env_name,
                "environment_source": env_source,
                "user_id": self.env.uid,
                # a scheduled or command-line audit is the whole database's
                "company_id": self.env.company.id if trigger == "manual" else False,
                "date_start": now,
                "selection": self._describe_selection(**selection),
                "scope": scope,
                "network_included": "network" not in (selection["exclude_tags"] or ()),
                "check_count": check_count,
            }
        )

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

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------
    @api.model
    def _select_specs(self, codes, categories, tags, exclude_tags, checks):
        specs = self.env["golive.check.registry"]._golive_check_specs()
        known_categories = {spec.category for spec in specs.values()}
        known_tags = {tag for spec in specs.values() for tag in spec.all_tags}
        for label, values, known in (
            (self.env._("check code(s)"), codes, set(specs)),
            (self.env._("category(ies)"), categories, known_categories),
            (self.env._("tag(s)"), tags, known_tags),
            (self.env._("excluded tag(s)"), exclude_tags, known_tags),
        ):
            unknown = sorted(set(values or ()) - known)
            if unknown:
                raise UserError(
                    self.env._(
                        "Unknown %(what)s: %(values)s",
                        what=label,
                        values=", ".join(unknown),
                    )
                )
        selected = []
        for code, spec in specs.items():
            if codes and code not in codes:
                continue
            if not codes and not checks[code].enabled:
                continue
            if categories and spec.category not in categories:
                continue
            spec_tags = set(spec.all_tags)
            if tags and not spec_tags & set(tags):
                continue
            if exclude_tags and spec_tags & set(exclude_tags):
                continue
            selected.append(spec)
        if not selected:
            raise GoliveCheckSelectionEmpty(
                self.env._(
                    "No check matches the selection (%(selection)s).",
                    selection=self._describe_selection(
                        codes, categories, tags, exclude_tags
                    )
                    or self.env._("all enabled checks"),
                )
            )
        return selected

    @api.model
    def _describe_selection(self, codes, categories, tags, exclude_tags):
        parts = []
        for label, values in (
            ("codes", codes),
            ("categories", categories),
            ("tags", tags),
            ("exclude tags", exclude_tags),
        ):
            if values:
                parts.append(f"{label}: {', '.join(values)}")
        return "; ".join(parts) or False

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

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "golive.check.run",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Actions, cron, vacuum
    # ------------------------------------------------------------------
    @api.model
    def action_run_now(self):
        return self._run_checks(trigger="manual")._get_form_action()

    @api.model
    def _cron_self_audit(self):
        try:
            if self.env.context.get("cron_id"):
                # a cron worker's job transaction is the job's own
                run = self._run_checks_exclusive(
                    trigger="cron", lock_wait=EXCLUSIVE_LOCK_WAIT
                )
            else:  # "Run Manually", within the caller's transaction
                run = self._run_checks(trigger="cron")
        except GoliveCheckRunLocked:
            _logger.info("Go-Live self-audit skipped: another run is in progress.")
            return False
        except GoliveCheckSelectionEmpty:
            _logger.info("Go-Live self-audit skipped: no check is enabled.")
            return False
        _logger.info(
            "Go-Live self-audit done: score %s, %s failed, %s errors.",
            run.score,
            run.count_fail,
            run.count_error,
        )
        return run

    @api.autovacuum
    def _gc_old_runs(self):
        """Delete runs older than the retention (keeping the last few runs)."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ipai_golive_checks.run_retention_days", DEFAULT_RETENTION_DAYS)
        )
        limit = fields.Datetime.now() - timedelta(days=days)
        keep = self._gc_kept_runs()
        old = self.sudo().search(
            [("date_start", "<", limit), ("id", "not in", keep.ids)]
        )
        old.unlink()
        return len(old)

    @api.model
    def _gc_kept_runs(self):
        """Runs the autovacuum keeps whatever their age: the last few; other
        addons add the runs their records still refer to."""
        return self.sudo().search([], limit=KEEP_LAST_RUNS)
