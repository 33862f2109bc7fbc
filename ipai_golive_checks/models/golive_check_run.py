# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.labels import environment_source_labels
from ..tools.manifest import CONTEXT_KEY, GATE_RESULTS_KEY
from ..tools.vocabulary import (
    CATEGORIES,
    ENVIRONMENTS,
    MANAGER_GROUP,
    SEVERITY_RANK,
    TRIGGERS,
)

_logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock(classid, objid): "GOLV", 1. Advisory locks are
# scoped to the current database.
LOCK_KEY = (0x474F4C56, 1)
DEFAULT_RETENTION_DAYS = 90
KEEP_LAST_RUNS = 10
# How long a run waits for the audit lock held by another run, in seconds:
# within a request, and where the run owns its transaction (CLI, cron worker).
LOCK_WAIT_SECONDS = 5.0
EXCLUSIVE_LOCK_WAIT = 120.0
LOCK_RETRY_INTERVAL = 0.25
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
    environment_source_label = fields.Char(
        string="Environment Chosen By",
        compute="_compute_environment_source_label",
    )
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

    @api.depends("environment_source")
    def _compute_environment_source_label(self):
        labels = environment_source_labels(self.env)
        for run in self:
            source = run.environment_source
            run.environment_source_label = labels.get(source, source or "")

    def _compute_category_lights(self):
        labels = dict(CATEGORIES)
        for run in self:
            if not run.id:
                run.category_lights = False
                continue
            lights = [
                (*LIGHTS[light], labels[category])
                for category, light in run._category_light_map().items()
            ]
            run.category_lights = self.env["ir.qweb"]._render(
                "ipai_golive_checks.golive_check_run_category_lights",
                {"lights": lights},
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
        selection = {
            "codes": codes,
            "categories": categories,
            "tags": tags,
            "exclude_tags": exclude_tags,
        }
        model = self
        if manifest is not None:
            model = self.with_context(**{CONTEXT_KEY: manifest})
        return model._run_selection(trigger, environment, selection, lock_wait, scope)

    @api.model
    def _run_selection(self, trigger, environment, selection, lock_wait, scope):
        """The steps of a run of ``selection`` (see :meth:`_run_checks`)."""
        self._check_run_access()
        started = time.perf_counter()
        run_model = self.sudo()
        if not self.env.su:
            # gate results "passed in CI" are the command line's word (it runs
            # as the superuser), never the context of an RPC caller
            run_model = run_model.with_context(**{GATE_RESULTS_KEY: None})
        # the lock comes before any write of the run
        run_model._acquire_run_lock(lock_wait)
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

        For the callers that own their cursor: the CLI (the cron worker goes
        through :meth:`_cron_self_audit`). See :meth:`_run_exclusive`.

        :raise GoliveCheckRunLocked: when another run still holds the lock
            after ``lock_wait`` seconds
        """
        return self._run_exclusive(
            lambda: self._run_checks(lock_wait=0, **kwargs), lock_wait
        )

    @api.model
    def _run_exclusive(self, runs, lock_wait):
        """Call ``runs()`` (which makes the runs) in a transaction of its own
        and commit it; return what it returned.

        The engine owns this commit, and it is the only one: the callers and
        the addons that extend a run never commit. The audit lock is taken at
        session level first, waiting up to ``lock_wait`` seconds for a run in
        progress; the runs then start a new transaction, so they see what the
        run waited for committed and their writes never conflict with that
        run's (no serialization failure). On any error the whole transaction
        rolls back: no run is half kept.
        """
        cr = self.env.cr
        self._wait_run_lock(
            SQL("SELECT pg_try_advisory_lock(%s, %s)", *LOCK_KEY), lock_wait
        )
        # This method owns the transaction (see above): it commits the runs
        # and releases the session lock after the commit.
        # pylint: disable=invalid-commit
        try:
            # what the caller did before is kept; the next statement takes a
            # snapshot that sees what the run we waited for committed
            cr.commit()
            result = runs()
            cr.commit()
        except BaseException:
            cr.rollback()
            raise
        finally:
            cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", *LOCK_KEY))
            cr.commit()
        return result

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
        """The scheduled self-audit (:meth:`_self_audit`).

        In a cron worker the job's transaction is the engine's: the whole
        self-audit, with what addons add to it, runs through
        :meth:`_run_exclusive`, which commits it once. "Run Manually" runs it
        in the caller's transaction, committed by the caller.
        """
        try:
            if self.env.context.get("cron_id"):
                run = self._run_exclusive(self._self_audit, EXCLUSIVE_LOCK_WAIT)
            else:
                run = self._self_audit()
        except GoliveCheckRunLocked:
            _logger.info("Go-Live self-audit skipped: another run is in progress.")
            return False
        if not run:
            return False
        _logger.info(
            "Go-Live self-audit done: score %s, %s failed, %s errors.",
            run.score,
            run.count_fail,
            run.count_error,
        )
        return run

    @api.model
    def _self_audit(self):
        """The runs of the scheduled self-audit; return the run of the enabled
        catalogue (an empty recordset when no check is enabled).

        The extension point of the self-audit: an addon runs more checks
        before or after ``super()``, in the same transaction, and never
        commits (:meth:`_cron_self_audit` owns the commit).
        """
        try:
            return self._run_checks(trigger="cron")
        except GoliveCheckSelectionEmpty:
            _logger.info("Go-Live self-audit skipped: no check is enabled.")
            return self.browse()

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
