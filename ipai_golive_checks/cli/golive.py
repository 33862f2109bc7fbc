# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin --addons-path=... golive -d DB [-c CONF] [options]``.

Exit codes: 0 no finding at or above the fail level; 1 findings at or above the
fail level; 2 usage or configuration error (including an unknown check code,
category or tag, a selection that matches no check, and another audit running
on the database), or any internal crash; 3 database unreachable.
"""

import argparse
import logging
import sys
import threading
import traceback
from pathlib import Path

from odoo.cli import Command

from ..models.golive_check_run import EXCLUSIVE_LOCK_WAIT
from ..tools.manifest import (
    CONTEXT_KEY,
    GATE_RESULT_STATUSES,
    GATE_RESULTS_KEY,
    ManifestError,
    load_manifest_file,
)
from ..tools.output_file import OutputRefused, check_target, write_private
from ..tools.report_formats import render, render_check_list
from ..tools.secret_sources import option_secrets
from ..tools.secrets import mask
from ..tools.vocabulary import (
    DEFAULT_FAIL_LEVEL,
    ENVIRONMENT_CODES,
    FAIL_LEVELS,
    FORMATS,
)
from .golive_report import (
    REPORT_FORMATS,
    add_report_arguments,
    report_format,
    run_report,
    write_bytes,
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
MAX_JOBS = 16

_logger = logging.getLogger(__name__)

EPILOG = """\
Any other option is an Odoo server option (-c CONF, -d DB, --db_host, --db_port,
--db_user, --db_password, --log-level, ...). The command must come right after
--addons-path=... on the command line.

exit codes:
  0  no finding at or above the fail level
  1  findings (fail or error; warn too with --strict) at or above the fail level
  2  usage or configuration error (unknown check, category or tag; nothing
     selected; another audit running on the database), or internal error
  3  database unreachable or missing
"""


class GoliveCliError(Exception):
    """A usage/configuration error: printed on one line, exit code attached."""

    def __init__(self, message, code=EXIT_USAGE):
        super().__init__(message)
        self.code = code


def _csv_list(values):
    """Flatten repeated and comma-separated option values."""
    result = []
    for value in values or ():
        result.extend(v.strip() for v in value.split(",") if v.strip())
    return result or None


def build_parser():
    parser = argparse.ArgumentParser(
        prog=f"{Path(sys.argv[0]).name} golive",
        description="Run the Go-Live self-inspection checks against a database.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--format",
        choices=tuple(dict.fromkeys((*FORMATS, *REPORT_FORMATS))),
        help="text (default), json, junit or markdown; with --report, markdown "
        "(default) or pdf",
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--fail-level",
        choices=FAIL_LEVELS,
        default=DEFAULT_FAIL_LEVEL,
        help="lowest severity of a fail/error finding that makes the exit code 1 "
        f"(default: {DEFAULT_FAIL_LEVEL})",
    )
    parser.add_argument(
        "--strict", action="store_true", help="count warnings as failures"
    )
    parser.add_argument(
        "--environment", choices=ENVIRONMENT_CODES, help="judge as dev, staging or prod"
    )
    _add_selection_arguments(parser)
    _add_manifest_arguments(parser)
    add_report_arguments(parser)
    parser.add_argument("--list", action="store_true", help="list the checks and exit")
    _add_fleet_arguments(parser.add_argument_group("fleet"))
    parser.add_argument(
        "--debug", action="store_true", help="print tracebacks of internal errors"
    )
    return parser


def _add_selection_arguments(parser):
    """Which checks run, and how long to wait for another run."""
    parser.add_argument("--category", action="append", help="only these categories")
    parser.add_argument("--check", action="append", help="only these check codes")
    parser.add_argument("--tag", action="append", help="only checks with these tags")
    parser.add_argument(
        "--exclude-tag", action="append", help="skip checks with these tags"
    )
    parser.add_argument(
        "--lock-wait",
        type=float,
        default=EXCLUSIVE_LOCK_WAIT,
        metavar="SECONDS",
        help="how long to wait for an audit already running on the database "
        f"(default: {EXCLUSIVE_LOCK_WAIT:.0f})",
    )


def _add_manifest_arguments(parser):
    """The ship manifest judged in the run."""
    parser.add_argument(
        "--manifest",
        metavar="PATH",
        help="judge this ship manifest (YAML) in the same run; an invalid file "
        "exits 2 with its file:line:column errors",
    )
    parser.add_argument(
        "--gate-result",
        action="append",
        metavar="ID=pass|fail",
        help="with --manifest: the result of a gate that CI ran (repeatable)",
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help="with --manifest: also store the manifest in the database",
    )


def _add_fleet_arguments(fleet):
    """``--all-databases`` and its options."""
    fleet.add_argument(
        "--all-databases",
        action="store_true",
        help="audit every database the server serves (dbfilter), each in its own run",
    )
    fleet.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="with --all-databases: audit N databases at once (1-16, default 1)",
    )
    fleet.add_argument(
        "--host",
        help="with --all-databases: the host that %%h/%%d of the dbfilter stand for",
    )


def _odoo_args(rest):
    """Odoo server options, quiet by default (the report goes to stdout)."""
    if not any(arg.startswith(("--log-level", "--log-handler")) for arg in rest):
        rest = ["--log-level=warn", *rest]
    return rest


def _connect_or_exit(dbname):
    import psycopg2

    import odoo

    try:
        with odoo.sql_db.db_connect(dbname).cursor() as cr:
            cr.execute(
                "SELECT state FROM ir_module_module WHERE name = 'ipai_golive_checks'"
            )
            row = cr.fetchone()
    except psycopg2.errors.UndefinedTable as exc:
        raise GoliveCliError(f"Database {dbname!r} is not an Odoo database.") from exc
    except psycopg2.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise GoliveCliError(
            f"Database {dbname!r} is unreachable: {first_line}", EXIT_UNREACHABLE
        ) from exc
    if not row or row[0] != "installed":
        raise GoliveCliError(
            f"The addon ipai_golive_checks is not installed in database {dbname!r}."
        )


def _list_checks(env, options, secrets=()):
    checks = env["golive.check"]._sync_registry()
    specs = env["golive.check.registry"]._golive_check_specs()
    environment, _source = env["golive.check.registry"]._golive_resolve_environment(
        options.environment
    )
    rows = []
    for code, spec in specs.items():
        check = checks[code]
        rows.append(
            {
                "code": code,
                "title": check.title,
                "category": check.category,
                "severity": check._effective_severity(environment),
                "tags": list(spec.all_tags),
                "enabled": check.enabled,
                "remediation": check.remediation or "",
                "doc_url": check.doc_url or "",
            }
        )
    return render_check_list(environment, mask(rows, secrets), options.format)


def _check_output(output):
    """Refuse an --output whose folder does not exist, before the run."""
    if not output:
        return
    folder = Path(output).parent
    if not folder.is_dir():
        raise GoliveCliError(f"--output: the folder {str(folder)!r} does not exist.")
    try:
        check_target(output)
    except OutputRefused as exc:
        raise GoliveCliError(f"--output: {exc}") from None


def _write(text, output):
    if output:
        write_private(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def run_all_databases(options, rest, cmdargs):
    """``--all-databases``: one child audit per served database; the exit
    code is the worst of theirs."""
    from odoo.tools import config

    from ..tools import fleet

    if not 1 <= options.jobs <= MAX_JOBS:
        raise GoliveCliError(f"--jobs must be between 1 and {MAX_JOBS}.")
    if options.list:
        raise GoliveCliError("--list and --all-databases do not go together.")
    if options.report:
        raise GoliveCliError("--report and --all-databases do not go together.")
    report_format(options, FORMATS, GoliveCliError)
    options.format = options.format or "text"
    _check_output(options.output)
    _parse_odoo_options(rest)
    try:
        databases = fleet.served_databases(config, options.host)
    except fleet.FleetError as exc:
        raise GoliveCliError(str(exc)) from exc
    if not databases:
        raise GoliveCliError("The server serves no database (list and dbfilter).")
    report = fleet.run_fleet(
        databases,
        config["addons_path"],
        fleet.child_arguments(cmdargs),
        jobs=options.jobs,
    )
    if not report["summary"]["audited"] and not report["summary"]["unreachable"]:
        raise GoliveCliError(
            f"None of the {len(databases)} served databases has ipai_golive_checks "
            "installed."
        )
    _write(fleet.render_fleet(report, options.format), options.output)
    return report["summary"]["exit_code"]


def run_golive(options, rest, known_secrets=None):
    """Parse the Odoo options, run the audit; return the exit code.

    ``known_secrets`` (a set), when given, receives the secrets known to the
    database as soon as they are read, for the masking of error messages.
    """
    import odoo
    from odoo.exceptions import UserError

    _check_output(options.output)
    fmt = report_format(options, FORMATS, GoliveCliError)
    options.format = options.format or "text"
    if options.report and options.save:
        raise GoliveCliError("--save stores a manifest for an audit, not a --report.")
    dbname = _parse_odoo_options(rest)["db_name"]
    if not dbname:
        raise GoliveCliError("A database is required: -d DB.")
    if "," in dbname:
        raise GoliveCliError("Give one database with -d, not a list.")
    threading.current_thread().dbname = dbname
    manifest = _load_manifest(options)
    gate_results = _gate_results(manifest, options) if manifest else {}
    _connect_or_exit(dbname)

    from odoo.modules.registry import Registry

    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        secrets = env["golive.check.run"]._golive_known_secrets()
        if known_secrets is not None:
            known_secrets.update(secrets)
        try:
            if options.report:
                content = run_report(env, options, fmt, GoliveCliError, ship=manifest)
            elif options.list:
                text = _list_checks(env, options, secrets)
                code = EXIT_OK
            else:
                text, code = _audit(env, options, manifest, gate_results, secrets)
        except UserError as exc:
            cr.rollback()
            raise GoliveCliError(str(exc.args[0] if exc.args else exc)) from exc
    if options.report:
        write_bytes(content, options.output)
        return EXIT_OK
    _write(text, options.output)
    return code


def _parse_odoo_options(rest):
    """Parse the Odoo server options of the command line; return Odoo's
    configuration."""
    from odoo.tools import config

    try:
        config.parse_config(_odoo_args(rest), setup_logging=True)
    except SystemExit as exc:
        raise GoliveCliError("Invalid Odoo server options.") from exc
    return config


def _audit(env, options, manifest, gate_results, secrets):
    """Run the selected checks in a transaction of their own, committed (a
    run never fails another); return ``(report text, exit code)``."""
    runs = env["golive.check.run"]
    if manifest:
        runs = runs.with_context(
            **{
                CONTEXT_KEY: _manifest_for_run(env, manifest, options),
                GATE_RESULTS_KEY: gate_results,
            }
        )
    run = runs._run_checks_exclusive(
        lock_wait=options.lock_wait,
        trigger="cli",
        environment=options.environment,
        codes=_csv_list(options.check),
        categories=_csv_list(options.category),
        tags=_csv_list(options.tag),
        exclude_tags=_csv_list(options.exclude_tag),
    )
    # The stored results are masked already; mask the data once more (not
    # the rendered text: that could break XML or JSON).
    data = mask(run._golive_report_data(), secrets)
    blocking = run._blocking_results(options.fail_level, options.strict)
    return render(data, options.format), EXIT_FINDINGS if blocking else EXIT_OK


def _load_manifest(options):
    """The ShipManifest of ``--manifest`` (read before any connection)."""
    if not options.manifest:
        if options.save or options.gate_result:
            raise GoliveCliError("--save and --gate-result need --manifest PATH.")
        return None
    try:
        return load_manifest_file(options.manifest)
    except ManifestError as exc:
        # one line, as every usage error: the first error, and how many follow
        first, more = str(exc.issues[0]), len(exc.issues) - 1
        raise GoliveCliError(
            f"{first} (and {more} more error(s))" if more else first
        ) from exc
    except OSError as exc:
        raise GoliveCliError(
            f"Cannot read the manifest {options.manifest}: {exc.strerror}"
        ) from exc


def _gate_results(manifest, options):
    """``{gate id: status}`` of ``--gate-result ID=pass|fail``."""
    known = {gate["id"] for gate in manifest.gates()}
    results = {}
    for value in options.gate_result or ():
        gate_id, _sep, status = value.partition("=")
        if gate_id not in known or status not in GATE_RESULT_STATUSES:
            raise GoliveCliError(
                f"--gate-result {value}: expected ID=pass or ID=fail with a gate of "
                f"the manifest ({', '.join(sorted(known)) or 'it has none'})."
            )
        results[gate_id] = status
    return results


def _manifest_for_run(env, manifest, options):
    """What the manifest checks judge: the file, or with ``--save`` its stored
    golive.manifest record (committed with the run)."""
    if not options.save:
        return manifest
    with open(options.manifest, "rb") as source:
        return (
            env["golive.manifest"]._import_manifest(source.read(), options.manifest).id
        )


class Golive(Command):
    """Run the Go-Live self-inspection checks (CI gate)"""

    name = "golive"

    def run(self, cmdargs):
        sys.exit(self.main(cmdargs))

    def main(self, cmdargs):
        parser = build_parser()
        try:
            options, rest = parser.parse_known_args(cmdargs)
        except SystemExit as exc:
            return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
        known_secrets = set()
        try:
            if options.all_databases:
                return run_all_databases(options, rest, cmdargs)
            return run_golive(options, rest, known_secrets)
        except GoliveCliError as exc:
            self._error(str(exc), options.debug, known_secrets)
            return exc.code
        except SystemExit as exc:
            return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
        except BaseException as exc:  # pylint: disable=broad-except
            # a promised exit code must never turn into a bare traceback
            self._error(
                f"internal error: {type(exc).__name__}: {exc}",
                options.debug,
                known_secrets,
            )
            return EXIT_USAGE

    @staticmethod
    def _error(message, debug, known_secrets=()):
        """Print one masked line: the server's and the database's secrets."""
        from odoo.tools import config

        secrets = [*option_secrets(config), *known_secrets]
        first = message.strip().splitlines()[0] if message.strip() else message
        sys.stderr.write(f"golive: error: {mask(first, secrets)}\n")
        if debug:
            sys.stderr.write(mask(traceback.format_exc(), secrets))
        sys.stderr.flush()
