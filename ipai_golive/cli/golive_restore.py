# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin --addons-path=... golive-restore -c CONF -d DB [--backup ID|latest]
[--keep-current|--drop-current]``: put a verified backup back under the
database's own name, with its filestore.

Exit codes: 0 restored; 2 usage error or refused before touching anything;
3 failed part-way (the original database is still in place; the message says
what exists).
"""

import argparse
import getpass
import json
import socket
import sys
import time
import traceback
import zlib
from contextlib import closing
from pathlib import Path

from odoo.cli import Command

from ..tools import rollback as mechanics
from ..tools.rollback import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, RollbackError

LOCK_NAMESPACE = 21069  # advisory lock class: updates and restores of one database

EPILOG = """\
Any other option is an Odoo server option (-c CONF, -d DB, --db_host, ...).
The command must come right after --addons-path=... on the command line.

exit codes:
  0  restored
  2  usage error, or refused before touching anything (backup not verified,
     checksum changed, other PostgreSQL major, another update/restore/backup
     of the database running)
  3  failed part-way: the original database is still in place (the message
     says what exists)
"""


def odoo_args(rest):
    """Odoo server options, quiet by default (progress goes to stderr)."""
    if not any(arg.startswith(("--log-level", "--log-handler")) for arg in rest):
        rest = ["--log-level=warn", *rest]
    return rest


class Progress:
    """Stages on stderr with their duration, kept for ``--format json``."""

    def __init__(self, prog):
        self.prog = prog
        self.stages = []

    def say(self, message):
        sys.stderr.write(f"{self.prog}: {message}\n")
        sys.stderr.flush()

    def run(self, name, function, *args):
        self.say(f"{name}...")
        started = time.monotonic()
        status = "failed"
        try:
            result = function(*args)
            status = "done"
            return result
        finally:
            seconds = round(time.monotonic() - started, 1)
            self.stages.append({"stage": name, "status": status, "seconds": seconds})
            self.say(f"{name} {status} in {seconds:.1f} s")


def parse_odoo(rest):
    from odoo.tools import config

    try:
        config.parse_config(odoo_args(rest), setup_logging=True)
    except SystemExit as exc:
        raise RollbackError("Invalid Odoo server options.") from exc
    dbname = config["db_name"]
    if not dbname or "," in dbname:
        raise RollbackError("One database is required: -d DB.")
    return dbname


def connector():
    """``connect(dbname)``: a new psycopg2 connection with Odoo's options."""
    import psycopg2

    from odoo import sql_db

    def connect(dbname):
        _dsn, info = sql_db.connection_info_for(dbname)
        return psycopg2.connect(**info)

    return connect


def take_lock(dbname):
    """Hold, for the life of the process, the lock of updates and restores of
    ``dbname`` (on the maintenance database: it survives the swap)."""
    conn = connector()("postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_try_advisory_lock(%s, %s)",
            [LOCK_NAMESPACE, zlib.crc32(dbname.encode()) - 2**31],
        )
        if not cur.fetchone()[0]:
            conn.close()
            raise RollbackError(
                f"Another golive-update or golive-restore of {dbname} is running: "
                "refused."
            )
    return conn


def check_golive(dbname):
    import psycopg2

    try:
        with closing(connector()(dbname)) as conn, conn.cursor() as cur:
            cur.execute("SELECT state FROM ir_module_module WHERE name = 'ipai_golive'")
            row = cur.fetchone()
    except psycopg2.Error as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        raise RollbackError(f"Database {dbname!r} is unreachable: {first}") from exc
    if not row or row[0] != "installed":
        raise RollbackError(f"The addon ipai_golive is not installed in {dbname!r}.")


def open_env(dbname):
    """A registry cursor and superuser environment (a context manager)."""
    import odoo
    from odoo.modules.registry import Registry

    registry = Registry(dbname)

    class _Env:
        def __enter__(self):
            self.cr = registry.cursor()
            return odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                self.cr.commit()  # pylint: disable=invalid-commit
            else:
                self.cr.rollback()
            self.cr.close()

    return _Env()


def release_database(dbname):
    """Close every connection this process holds on ``dbname``."""
    from odoo import sql_db
    from odoo.modules.registry import Registry

    Registry.delete(dbname)
    sql_db.close_db(dbname)


def who():
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"{user}@{socket.gethostname()}"


def prepare_restore(env, backup, drop_current, progress):
    """Check ``backup`` and build its Restorer (nothing touched)."""
    from odoo.tools import config
    from odoo.tools.misc import exec_pg_environ

    dbname = env.cr.dbname
    if backup.database != dbname:
        raise RollbackError(
            f"Backup {backup.name} is a backup of {backup.database}, not of {dbname}: "
            "refused."
        )
    if env["golive.backup"]._golive_busy():
        raise RollbackError(f"A backup of {dbname} is queued or running: refused.")
    point = backup._golive_restore_point()
    env.cr.execute("SHOW server_version_num")
    major = int(env.cr.fetchone()[0]) // 10000
    pg_restore = mechanics.check_restore_point(
        point, major, env["golive.backup"]._golive_pg_search_dirs(), exec_pg_environ()
    )
    return mechanics.Restorer(
        dbname,
        point,
        connect=connector(),
        pg_env=exec_pg_environ(),
        filestore_root=str(Path(config.filestore(dbname)).parent),
        pg_restore=pg_restore,
        timeout=env["golive.backup"]._golive_timeout(),
        drop_current=drop_current,
        progress=progress.say,
    )


def perform_restore(restorer, progress):
    """Copy, swap and, if asked, drop; the stages are timed."""
    release_database(restorer.dbname)
    progress.run("checks", restorer.prepare)
    progress.run("restore", restorer.restore_copy)
    progress.run("swap", restorer.swap)
    if restorer.drop_current:
        progress.run("drop replaced", restorer.drop_replaced)
    return restorer.outcome()


def record_restore(dbname, restorer, synced, vals):
    """Write the rollback into the restored database; returns its id."""
    release_database(dbname)
    with open_env(dbname) as env:
        backup = env["golive.backup"].browse(restorer.point.backup_id).exists()
        if backup:
            # its own row was dumped while the backup was still running
            backup.sudo().write(synced)
        outcome = restorer.outcome()
        if not env["res.users"].browse(vals.get("user_id")).exists():
            vals.pop("user_id", None)  # the requester came after the backup
        rollback = env["golive.rollback"]._golive_record(
            {
                "backup_id": backup.id,
                "backup_name": restorer.point.name,
                "checklist_id": backup.checklist_id.id,
                "company_id": (backup.company_id or env.company).id,
                "database": dbname,
                "state": "done",
                "kept_database": outcome["kept_database"],
                "kept_filestore": outcome["kept_filestore"],
                "dropped_current": outcome["dropped_current"],
                **vals,
            }
        )
        return rollback.id


def fail_request(dbname, request_id, message):
    """Mark a pending request of the app failed (the original is in place),
    so that the app says why instead of showing it running forever."""
    if not request_id:
        return
    with closing(connector()(dbname)) as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE golive_rollback SET state = 'failed', message = %s "
            "WHERE id = %s AND state IN ('queued', 'running')",
            [message, request_id],
        )
        conn.commit()


def select_backup(env, dbname, backup_option):
    """The backup ``--backup`` designates (an id, default the latest
    verified one)."""
    Backup = env["golive.backup"]
    if backup_option in (None, "latest"):
        backup = Backup._golive_last_verified(dbname)
        if not backup:
            raise RollbackError(f"{dbname} has no verified backup.")
        return backup
    try:
        backup = Backup.browse(int(backup_option)).exists()
    except ValueError as exc:
        raise RollbackError("--backup takes an id or 'latest'.") from exc
    if not backup:
        raise RollbackError(f"Backup {backup_option} does not exist.")
    return backup


def prepare_request(dbname, options, progress):
    """Everything checked, nothing touched: ``(restorer, the backup's values
    for the restored database, the rollback's values)``."""
    request_vals = {"trigger": "restore", "os_user": who()}
    with open_env(dbname) as env:
        backup = select_backup(env, dbname, options.backup)
        if options.request:
            request = env["golive.rollback"].browse(options.request).exists()
            if not request or request.state not in ("queued", "running"):
                raise RollbackError(f"No pending rollback request {options.request}.")
            request_vals.update(trigger="app", user_id=request.user_id.id)
        restorer = prepare_restore(env, backup, options.drop_current, progress)
        synced = backup._golive_synced_values()
        progress.say(f"backup {backup.name} of {dbname} verified")
    return restorer, synced, request_vals


def run_restore(options, rest, progress):
    dbname = parse_odoo(rest)
    if options.keep_current and options.drop_current:
        raise RollbackError("--keep-current and --drop-current exclude each other.")
    check_golive(dbname)
    lock = None
    try:
        try:
            lock = take_lock(dbname)
            restorer, synced, request_vals = prepare_request(dbname, options, progress)
            # a RollbackError of the restore itself: the original is in place
            outcome = perform_restore(restorer, progress)
        except RollbackError as exc:
            fail_request(dbname, options.request, str(exc))
            raise
        request_vals["stages"] = json.dumps(progress.stages)
        request_vals["message"] = "restored"
        outcome["rollback_id"] = progress.run(
            "record", record_restore, dbname, restorer, synced, request_vals
        )
    finally:
        if lock is not None:
            lock.close()
    return outcome


def build_parser():
    parser = argparse.ArgumentParser(
        prog=f"{Path(sys.argv[0]).name} golive-restore",
        description="Put a verified backup back under the database's own name.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--backup", metavar="ID|latest", help="the backup (default: latest verified)"
    )
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument(
        "--keep-current",
        action="store_true",
        help="keep the replaced database and filestore under a dated name (default)",
    )
    keep.add_argument(
        "--drop-current",
        action="store_true",
        help="drop the replaced database and filestore once the swap is done",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--request", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--debug", action="store_true", help="print tracebacks")
    return parser


def print_outcome(outcome, fmt, stages):
    if fmt == "json":
        sys.stdout.write(
            json.dumps({**outcome, "stages": stages}, indent=2, sort_keys=True) + "\n"
        )
        return
    kept = (
        "the replaced database was dropped"
        if outcome.get("dropped_current")
        else f"the replaced database is kept as {outcome['kept_database']} "
        f"(closed to connections), its filestore as {outcome['kept_filestore']}"
    )
    sys.stdout.write(
        f"{outcome['database']} restored from backup {outcome['backup']}; {kept}.\n"
    )


def main_guarded(prog, function, cmdargs, parser):
    """Parse, run, map every outcome to an exit code (never a traceback)."""
    try:
        options, rest = parser.parse_known_args(cmdargs)
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_REFUSED
    progress = Progress(prog)
    try:
        return function(options, rest, progress)
    except RollbackError as exc:
        progress.say(f"error: {exc}")
        if options.debug:
            traceback.print_exc()
        return exc.code
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_REFUSED
    except BaseException as exc:  # pylint: disable=broad-except
        progress.say(f"internal error: {type(exc).__name__}: {exc}")
        if options.debug:
            traceback.print_exc()
        return EXIT_PARTIAL


class GoliveRestore(Command):
    """Put a verified Go-Live backup back (database and filestore)"""

    name = "golive-restore"

    def run(self, cmdargs):
        sys.exit(self.main(cmdargs))

    def main(self, cmdargs):
        def restore(options, rest, progress):
            outcome = run_restore(options, rest, progress)
            print_outcome(outcome, options.format, progress.stages)
            return EXIT_OK

        return main_guarded("golive-restore", restore, cmdargs, build_parser())
