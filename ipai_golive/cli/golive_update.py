# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin --addons-path=... golive-update -c CONF -d DB -u MODULES|all
[--fail-on critical|high] [--format text|json]``: a guarded update.

A verified backup first; then Odoo's own update of the modules in a child
process; then the audit. When the update fails, or the audit shows a check at
or above ``--fail-on`` failing that passed before, the backup is put back
(``golive-restore``'s mechanics), the rollback and the findings are recorded
on the checklist, and the exit code is 1. A clean update takes a release.

Exit codes: 0 updated (a release was taken); 1 update failed or brought a new
failing check: rolled back; 2 usage error, or no backup possible (nothing
touched); 3 the restore itself failed (the message says what exists).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from odoo.cli import Command

from ..tools.backup import BackupError
from ..tools.rollback import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_PARTIAL,
    RollbackError,
)
from .golive_restore import (
    check_golive,
    main_guarded,
    open_env,
    parse_odoo,
    perform_restore,
    prepare_restore,
    record_restore,
    release_database,
    take_lock,
    who,
)

FAIL_ON = ("critical", "high")
SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
CHILD_TIMEOUT = 6 * 3600
FAILING = ("fail", "error")

EPILOG = """\
Any other option is an Odoo server option (-c CONF, -d DB, --db_host, ...),
given to the update and audit child processes too. The command must come
right after --addons-path=... on the command line.

exit codes:
  0  updated; a release of what was deployed was taken
  1  the update failed, or a check at or above --fail-on now fails that passed
     before: the backup was restored and the rollback recorded
  2  usage error, or no verified backup could be taken (nothing touched)
  3  the restore itself failed (the message says what exists)
"""


def build_parser():
    parser = argparse.ArgumentParser(
        prog=f"{Path(sys.argv[0]).name} golive-update",
        description="Update modules behind a verified backup, an audit and an "
        "automatic restore.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "-u", "--update", dest="modules", required=True, metavar="MODULES|all"
    )
    parser.add_argument("--fail-on", choices=FAIL_ON, default="critical")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--checklist",
        type=int,
        help="the checklist to record on (default: the latest open one)",
    )
    parser.add_argument("--debug", action="store_true", help="print tracebacks")
    return parser


def odoo_command(rest, *args):
    from odoo.tools import config

    return [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={config['addons_path']}",
        *args,
        *rest,
    ]


def child_env():
    env = dict(os.environ)
    env.pop("ODOO_RC", None)
    return env


def audit(rest, fail_on):
    """The audit in a child ``odoo-bin golive`` (a fresh registry, the code on
    disk): ``{(code, object): result}``."""
    proc = subprocess.run(
        odoo_command(rest, "golive", "--format", "json", "--fail-level", fail_on),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=child_env(),
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise BackupError(
            f"the audit failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}"
        )
    data = json.loads(proc.stdout)
    return {(r["code"], r["object"]): r for r in data["results"]}


def new_failures(before, after, fail_on):
    """Findings at or above ``fail_on`` failing now that did not fail before."""
    threshold = SEVERITY_RANK[fail_on]
    return [
        result
        for key, result in sorted(after.items())
        if result["status"] in FAILING
        and SEVERITY_RANK.get(result["severity"], 0) >= threshold
        and (before.get(key) or {}).get("status") not in FAILING
    ]


def update(rest, modules, log_path):
    """Odoo's own ``-u`` in a child process; raises when it fails."""
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.run(
            odoo_command(
                rest,
                "-u",
                modules,
                "--stop-after-init",
                "--no-http",
                "--max-cron-threads=0",
                "--log-level=info",
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=CHILD_TIMEOUT,
            env=child_env(),
            check=False,
        )
    with open(log_path, encoding="utf-8") as log:
        tail = [
            line.strip() for line in log if " ERROR " in line or " CRITICAL " in line
        ]
    if proc.returncode or tail:
        raise BackupError(
            f"the update failed (exit {proc.returncode}): "
            f"{tail[0] if tail else 'see ' + log_path}"
        )


def finding_list(results):
    return [
        {
            k: r.get(k)
            for k in ("code", "object", "status", "severity", "message", "title")
        }
        for r in results
    ]


def module_list(modules):
    """``-u`` as Odoo reads it: names separated by commas, or ``all``."""
    modules = ",".join(m.strip() for m in modules.split(",") if m.strip())
    if not modules:
        raise RollbackError("-u needs module names or 'all'.")
    return modules


def check_preconditions(dbname, checklist_id):
    """Stage 0, nothing touched: the checklist to record on, no backup
    running, a backup directory. Returns the checklist's id (or False)."""
    with open_env(dbname) as env:
        checklist = env["golive.checklist"]._golive_owner_of_update(checklist_id)
        if checklist_id and not checklist:
            raise RollbackError(f"Checklist {checklist_id} does not exist.")
        if env["golive.backup"]._golive_busy():
            raise RollbackError(f"A backup of {dbname} is queued or running: refused.")
        try:
            env["golive.backup"]._golive_backup_dir()
        except BackupError as exc:
            raise RollbackError(f"No backup possible: {exc}") from exc
        return checklist.id


def audit_before(dbname, rest, fail_on, progress):
    """Stage 1: the audit the update is compared with (refused if it fails)."""
    release_database(dbname)
    try:
        return progress.run("audit before", audit, rest, fail_on)
    except BackupError as exc:
        raise RollbackError(f"Refused: {exc}") from exc


def take_backup(dbname, checklist_id, report, progress):
    """Stage 2: a verified backup, and the restore that would put it back
    (checked, not run). Returns ``(restorer, synced values, backup id)``."""
    with open_env(dbname) as env:
        try:
            backup, _seconds = progress.run(
                "backup",
                env["golive.backup"]._golive_take_verified,
                env["golive.checklist"].browse(checklist_id),
            )
        except BackupError as exc:
            raise RollbackError(f"No verified backup: {exc}") from exc
        report["backup"] = {
            "id": backup.id,
            "name": backup.name,
            "dump_sha256": backup.dump_sha256,
            "dump_path": backup.dump_path,
            "filestore_path": backup.filestore_path,
        }
        restorer = prepare_restore(env, backup, False, progress)
        synced = backup._golive_synced_values()
        backup_id = backup.id
    release_database(dbname)
    return restorer, synced, backup_id


def update_and_audit(dbname, rest, modules, fail_on, before, report, progress):
    """Stages 3 and 4: Odoo's update in a child process, then the audit.
    Returns why the update must be rolled back, or None."""
    handle, log_path = tempfile.mkstemp(
        prefix=f"golive-update-{dbname}-", suffix=".log"
    )
    os.close(handle)
    report["update_log"] = log_path
    try:
        progress.run("update", update, rest, modules, log_path)
        after = progress.run("audit", audit, rest, fail_on)
    except BackupError as exc:
        return str(exc)
    report["findings"] = finding_list(new_failures(before, after, fail_on))
    if report["findings"]:
        return (
            f"{len(report['findings'])} check(s) at or above {fail_on} fail since "
            "the update"
        )
    return None


def release_update(dbname, checklist_id, modules, backup_id, progress):
    """Stage 5 of a clean update: the release and the gate's evidence."""
    with open_env(dbname) as env:
        return progress.run(
            "release",
            record_update,
            env,
            checklist_id,
            modules,
            backup_id,
            progress.stages,
        )


def roll_back(dbname, restorer, synced, modules, failure, report, progress):
    """Stage 5 of a failed update: the backup put back (exit 3 if that
    fails), the rollback and its findings recorded."""
    progress.say(f"rolling back: {failure}")
    report["reason"] = failure
    try:
        report["rollback"] = perform_restore(restorer, progress)
    except RollbackError as exc:
        exc.code = EXIT_PARTIAL
        raise
    report["rollback"]["rollback_id"] = progress.run(
        "record",
        record_restore,
        dbname,
        restorer,
        synced,
        {
            "trigger": "update",
            "os_user": who(),
            "update_modules": modules,
            "findings": json.dumps(report["findings"], indent=1),
            "stages": json.dumps(progress.stages),
            "message": f"Guarded update of {modules} rolled back: {failure}.",
        },
    )


def run_update(options, rest, progress):
    """The guarded update, stage by stage; returns ``(exit code, report)``."""
    dbname = parse_odoo(rest)
    modules = module_list(options.modules)
    check_golive(dbname)
    report = {
        "database": dbname,
        "modules": modules,
        "fail_on": options.fail_on,
        "stages": progress.stages,
        "findings": [],
        "backup": None,
    }
    lock = take_lock(dbname)
    try:
        checklist_id = check_preconditions(dbname, options.checklist)
        before = audit_before(dbname, rest, options.fail_on, progress)
        restorer, synced, backup_id = take_backup(
            dbname, checklist_id, report, progress
        )
        failure = update_and_audit(
            dbname, rest, modules, options.fail_on, before, report, progress
        )
        if not failure:
            report["release"] = release_update(
                dbname, checklist_id, modules, backup_id, progress
            )
            report["result"] = "updated"
            return EXIT_OK, report
        roll_back(dbname, restorer, synced, modules, failure, report, progress)
        report["result"] = "rolled_back"
        return EXIT_FINDINGS, report
    finally:
        lock.close()


def record_update(env, checklist_id, modules, backup_id, stages):
    """A clean update: a release of what was deployed, the evidence of the
    install/upgrade gate."""
    from ..models.golive_rollback import UPDATE_GATES

    checklist = env["golive.checklist"].browse(checklist_id).exists()
    if not checklist:
        return None
    release = checklist._take_release("update")
    backup = env["golive.backup"].browse(backup_id)
    stage_times = ", ".join(
        "{} {:.1f} s".format(s["stage"], s["seconds"]) for s in stages
    )
    note = env._(
        "Guarded update of %(modules)s on %(db)s (%(env)s): verified backup "
        "%(backup)s, update and audit passed; stages %(stages)s; release %(release)s.",
        modules=modules,
        db=env.cr.dbname,
        env=checklist.environment,
        backup=backup.name,
        stages=stage_times,
        release=release.name,
    )
    checklist._golive_gate_evidence(UPDATE_GATES, note)
    return {"id": release.id, "name": release.name}


def print_report(report, fmt):
    if fmt == "json":
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
        return
    lines = [f"{report['database']}: -u {report['modules']}: {report['result']}"]
    if report.get("backup"):
        lines.append(f"backup: {report['backup']['name']}")
    for stage in report["stages"]:
        lines.append(
            f"  {stage['stage']:<14} {stage['status']:<7} {stage['seconds']:.1f} s"
        )
    if report.get("release"):
        lines.append(f"release: {report['release']['name']}")
    elif report["result"] == "updated":
        lines.append("no open checklist: no release taken (--checklist ID)")
    if report.get("reason"):
        lines.append(f"rolled back: {report['reason']}")
        for finding in report["findings"]:
            lines.append(
                f"  {finding['severity']:<8} {finding['code']} "
                f"[{finding['object'] or '-'}]: {finding['message']}"
            )
        rollback = report.get("rollback") or {}
        if rollback.get("kept_database"):
            lines.append(f"the failed database is kept as {rollback['kept_database']}")
    sys.stdout.write("\n".join(lines) + "\n")


class GoliveUpdate(Command):
    """Update modules behind a verified backup, with an automatic restore"""

    name = "golive-update"

    def run(self, cmdargs):
        sys.exit(self.main(cmdargs))

    def main(self, cmdargs):
        def guarded(options, rest, progress):
            code, report = run_update(options, rest, progress)
            report["exit_code"] = code
            print_report(report, options.format)
            return code

        return main_guarded("golive-update", guarded, cmdargs, build_parser())
