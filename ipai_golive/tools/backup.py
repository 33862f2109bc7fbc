# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python parts of the pre-cutover backup: PostgreSQL client tools,
archives, checksums. No ORM here."""

import contextlib
import ctypes
import ctypes.util
import glob
import hashlib
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import tarfile

VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
DEBIAN_PG_BINS = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore step failed; the message says what to do."""


def pg_search_dirs(pg_path=None):
    """Where PostgreSQL client tools are looked for, in order: Odoo's
    ``pg_path`` option, ``PATH``, then Debian's versioned folders (newest
    first)."""
    dirs = []
    if pg_path and pg_path != "None":
        dirs.append(pg_path)
    dirs.extend(d for d in os.environ.get("PATH", "").split(os.pathsep) if d)

    def major(path):
        found = re.search(r"/(\d+)/bin$", path)
        return int(found.group(1)) if found else 0

    dirs.extend(sorted(glob.glob(DEBIAN_PG_BINS), key=major, reverse=True))
    return list(dict.fromkeys(dirs))


def tool_version(path):
    """``(major, minor)`` that ``path --version`` prints."""
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(f"{path} --version failed: {exc}") from exc
    found = VERSION_RE.search(out)
    if not found:
        raise BackupError(f"{path} --version printed no PostgreSQL version: {out!r}")
    return int(found.group(1)), int(found.group(2) or 0)


def find_pg_tool(name, server_major, search_dirs):
    """The first ``name`` in ``search_dirs`` whose major version is at least
    ``server_major``: ``(path, (major, minor))``."""
    found = []
    for folder in search_dirs:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            version = tool_version(path)
            if version[0] >= server_major:
                return path, version
            found.append(f"{path} ({version[0]}.{version[1]})")
    if found:
        raise BackupError(
            f"{name} is older than the PostgreSQL server ({server_major}): "
            f"{', '.join(found)}. Install postgresql-client-{server_major} or newer, "
            "or point pg_path at it."
        )
    raise BackupError(
        f"{name} was not found (searched {os.pathsep.join(search_dirs) or 'nothing'}). "
        f"Install postgresql-client-{server_major} or set pg_path."
    )


def run(cmd, env, timeout):
    """Run ``cmd``; a failure raises ``BackupError`` with its error output."""
    try:
        proc = subprocess.run(
            cmd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
    except subprocess.TimeoutExpired as exc:
        name = os.path.basename(cmd[0])
        raise BackupError(f"{name} timed out after {timeout} s") from exc
    if proc.returncode:
        raise BackupError(
            f"{os.path.basename(cmd[0])} failed (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-2000:]}"
        )
    return proc


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tree_stats(folder):
    """``(files, bytes)`` under ``folder`` (0, 0 when it does not exist)."""
    files = size = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(root, name))
    return files, size


def archive_tree(folder, target):
    """Write ``folder`` as a gzipped tar to ``target``; returns the file count."""
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if os.path.isdir(folder):
            for root, dirs, names in os.walk(folder):
                dirs.sort()
                for name in sorted(names):
                    path = os.path.join(root, name)
                    archive.add(path, arcname=os.path.relpath(path, folder))
                    count += 1
    return count


def archive_file_count(path):
    with tarfile.open(path, "r:gz") as archive:
        return sum(1 for member in archive if member.isfile())


def free_bytes(folder):
    return shutil.disk_usage(folder).free


def human_size(size):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def remove_quietly(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


# Private files ------------------------------------------------------------

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(directory):
    """``directory`` ready to hold backups that only the server's user reads:
    created 0700 when missing; refused when it is a symlink, not owned by the
    server's user, or writable by group or others (the message says what to
    fix). Returns the directory."""
    if not os.path.isabs(directory):
        raise BackupError(
            f"golive_backup_dir must be an absolute path, not {directory}."
        )
    if os.path.islink(directory):
        raise BackupError(
            f"{directory} is a symbolic link: point golive_backup_dir at the real "
            f"directory ({os.path.realpath(directory)})."
        )
    if not os.path.exists(directory):
        os.makedirs(directory, mode=DIR_MODE)
        os.chmod(directory, DIR_MODE)  # makedirs' mode is filtered by the umask
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode):
        raise BackupError(f"{directory} is not a directory.")
    if info.st_uid != os.geteuid():
        raise BackupError(
            f"{directory} belongs to uid {info.st_uid}, not to the Odoo server's "
            f"user (uid {os.geteuid()}): chown it to that user."
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise BackupError(
            f"{directory} is writable by other users (mode "
            f"{stat.S_IMODE(info.st_mode):04o}): chmod 700 {directory}."
        )
    return directory


def create_private_file(path):
    """Create ``path`` empty, 0600, failing if it exists: tools that write
    into it afterwards (pg_dump, tarfile) keep that mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)
    return path


# Child processes -----------------------------------------------------------


def _die_with_parent():  # pragma: no cover - runs in the child
    """In the child, before exec: be killed when the server's worker dies
    (Linux), so no pg_dump/pg_restore outlives a SIGKILLed job."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


PR_SET_PDEATHSIG = 1


# The scratch database -----------------------------------------------------

SCRATCH_PREFIX = "golive_restore_"
SCRATCH_COMMENT = "ipai_golive restore test of {source} (backup {backup_id})"
# the copy a rollback restores before swapping it in (ipai_golive.tools.rollback)
ROLLBACK_PREFIX = "golive_rb_"
ROLLBACK_COMMENT = "ipai_golive rollback copy of {source} (backup {backup_id})"
SCRATCH_KINDS = {SCRATCH_PREFIX: SCRATCH_COMMENT, ROLLBACK_PREFIX: ROLLBACK_COMMENT}


def _scratch_comment(name):
    for prefix, comment in SCRATCH_KINDS.items():
        if name.startswith(prefix):
            return comment
    return None


def scratch_name(backup_id, source, existing, prefix=SCRATCH_PREFIX):
    """A short name of its own for the restore test of backup ``backup_id``:
    ``golive_restore_<id>_<random>`` (``prefix`` one of ``SCRATCH_KINDS``),
    never ``source`` nor any of ``existing`` whatever their length (PostgreSQL
    truncates names to 63 bytes)."""
    if prefix not in SCRATCH_KINDS:
        raise BackupError(f"Unknown scratch database prefix {prefix!r}.")
    taken = {name.encode()[:63] for name in existing} | {source.encode()[:63]}
    for _attempt in range(5):
        name = f"{prefix}{int(backup_id)}_{secrets.token_hex(4)}"
        if len(name.encode()) <= 63 and name.encode() not in taken:
            return name
    raise BackupError("No free name for the scratch database.")


def admin_execute(connect, statements):
    """Run ``statements`` (``(sql, params)``) in autocommit on a connection
    to the maintenance database given by ``connect()``; last row fetched."""
    with contextlib.closing(connect("postgres")) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            rows = None
            for query, params in statements:
                cur.execute(query, params)
                rows = cur.fetchall() if cur.description else None
            return rows


def existing_databases(connect):
    return [
        row[0]
        for row in admin_execute(connect, [("SELECT datname FROM pg_database", None)])
    ]


def create_scratch(connect, name, source, backup_id):
    """Create the scratch database ``name``, hidden from Odoo from its first
    instant: a template database (``list_dbs`` skips templates, so no cron
    worker, database selector or dbfilter reaches it) with a comment naming
    its source, which the sweeper reads."""
    template = _scratch_comment(name)
    if not template or name.encode()[:63] == source.encode()[:63]:
        raise BackupError(f"Refusing {name!r} as scratch database of {source!r}.")
    from psycopg2 import sql

    comment = template.format(source=source, backup_id=backup_id)
    admin_execute(
        connect,
        [
            (
                sql.SQL(
                    "CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0"
                    " IS_TEMPLATE true"
                ).format(sql.Identifier(name)),
                None,
            ),
            (
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(comment)
                ),
                None,
            ),
        ],
    )


def drop_scratch(connect, name):
    """Drop the scratch database ``name`` (only ever a ``golive_restore_`` or
    ``golive_rb_`` one); True when it existed."""
    if not _scratch_comment(name):
        raise BackupError(f"Refusing to drop {name!r}: not a scratch database.")
    from psycopg2 import sql

    rows = admin_execute(
        connect, [("SELECT 1 FROM pg_database WHERE datname = %s", [name])]
    )
    if not rows:
        return False
    ident = sql.Identifier(name)
    admin_execute(
        connect,
        [
            (sql.SQL("ALTER DATABASE {} IS_TEMPLATE false").format(ident), None),
            (sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident), None),
        ],
    )
    return True


def leftover_scratches(connect, source):
    """Scratch databases that restore tests and rollbacks of ``source`` left
    behind (a killed process)."""
    rows = admin_execute(
        connect,
        [
            (
                "SELECT d.datname,"
                " coalesce(shobj_description(d.oid, 'pg_database'), '')"
                " FROM pg_database d WHERE d.datname LIKE ANY(%s) ORDER BY d.datname",
                [[prefix.replace("_", r"\_") + "%" for prefix in SCRATCH_KINDS]],
            )
        ],
    )
    return [
        name
        for name, comment in rows
        if comment.startswith(
            _scratch_comment(name).format(source=source, backup_id="")[:-1]
        )
    ]


NEUTRALIZE = (
    "UPDATE ir_cron SET active = false",
    "UPDATE ir_mail_server SET active = false",
    "UPDATE fetchmail_server SET active = false",
)


def neutralize(cur):
    """Disable crons and mail servers of a restored copy (each table that
    exists), in the restore's own connection."""
    for query in NEUTRALIZE:
        table = query.split()[1]
        cur.execute("SELECT to_regclass(%s)", [table])
        if cur.fetchone()[0]:
            cur.execute(query)


def count_tables(cur, tables):
    """Rows of each of ``tables`` that exists."""
    from psycopg2 import sql

    counts = {}
    for table in tables:
        cur.execute("SELECT to_regclass(%s)", [table])
        if cur.fetchone()[0]:
            cur.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            )
            counts[table] = cur.fetchone()[0]
    return counts


def restore_into_scratch(
    pg_restore,
    dump_path,
    scratch,
    *,
    source,
    backup_id,
    connect,
    env,
    timeout,
    tables=(),
    jobs=2,
):
    """Restore ``dump_path`` into the new scratch database ``scratch``,
    neutralize it, count ``tables`` in it, and drop it, whatever happens
    once it was created (a killed process leaves it to
    :func:`leftover_scratches`). Returns the counts."""
    create_scratch(connect, scratch, source, backup_id)
    try:
        run(
            [
                pg_restore,
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                f"--jobs={jobs}",
                f"--dbname={scratch}",
                dump_path,
            ],
            env,
            timeout,
        )
        with contextlib.closing(connect(scratch)) as conn:
            with conn.cursor() as cur:
                neutralize(cur)
                counts = count_tables(cur, tables)
            conn.commit()
    finally:
        drop_scratch(connect, scratch)
    return counts


def server_major(cur):
    """The major version of the PostgreSQL server of ``cur``."""
    cur.execute("SHOW server_version_num")
    return int(cur.fetchone()[0]) // 10000


@contextlib.contextmanager
def exported_snapshot(connect, dbname, tables=()):
    """A snapshot of the committed database ``dbname``, exported for
    ``pg_dump --snapshot``, and ``tables`` counted in it: the counts are
    exactly those of a dump taken at the snapshot. Yields ``(snapshot,
    counts)``; the snapshot lives until the block ends."""
    from psycopg2 import extensions

    with contextlib.closing(connect(dbname)) as conn:
        conn.set_session(
            isolation_level=extensions.ISOLATION_LEVEL_REPEATABLE_READ,
            readonly=True,
        )
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = count_tables(cur, tables)
            yield snapshot, counts
        conn.rollback()


def write_backup(
    directory, base, *, dbname, pg_dump, filestore, connect, env, timeout, tables=()
):
    """Write ``<base>.dump`` (``pg_dump``, custom format, at an exported
    snapshot of ``dbname``) and ``<base>.filestore.tar.gz`` (the folder
    ``filestore``) into ``directory``, 0600 from their first byte, through
    hidden ``.partial`` files renamed into place only once complete: a failure
    leaves neither. Returns the paths, sizes, SHA-256 and the filestore's
    file count, and ``counts``: ``tables`` counted at the dump's snapshot."""
    dump_path = os.path.join(directory, f"{base}.dump")
    filestore_path = os.path.join(directory, f"{base}.filestore.tar.gz")
    partial_dump = os.path.join(directory, f".{base}.dump.partial")
    partial_filestore = os.path.join(directory, f".{base}.filestore.partial")
    try:
        create_private_file(partial_dump)
        create_private_file(partial_filestore)
        with exported_snapshot(connect, dbname, tables) as (snapshot, counts):
            run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={partial_dump}",
                    dbname,
                ],
                env,
                timeout,
            )
        file_count = archive_tree(filestore, partial_filestore)
        os.replace(partial_dump, dump_path)
        try:
            os.replace(partial_filestore, filestore_path)
        except OSError:
            remove_quietly(dump_path)
            raise
    finally:
        remove_quietly(partial_dump)
        remove_quietly(partial_filestore)
    return {
        "dump_path": dump_path,
        "dump_size": os.path.getsize(dump_path),
        "dump_sha256": sha256_file(dump_path),
        "filestore_path": filestore_path,
        "filestore_size": os.path.getsize(filestore_path),
        "filestore_sha256": sha256_file(filestore_path),
        "filestore_file_count": file_count,
        "counts": counts,
    }


def count_differences(source, restored, source_files, restored_files):
    """What differs between the source (``source`` rows per table,
    ``source_files`` filestore files) and its restored copy; [] when
    nothing does."""
    differences = [
        f"{table}: {source.get(table)} → {restored.get(table)}"
        for table in sorted(set(source) | set(restored))
        if source.get(table) != restored.get(table)
    ]
    if restored_files != source_files:
        differences.append(f"filestore: {source_files} → {restored_files} files")
    return differences


def verify_restore(
    pg_restore,
    dump_path,
    filestore_path,
    scratch,
    *,
    source,
    backup_id,
    connect,
    env,
    timeout,
    tables=(),
):
    """The restore test of a backup: its dump restored into the scratch
    database ``scratch`` (dropped afterwards, see
    :func:`restore_into_scratch`), ``tables`` counted there, the files of
    its filestore archive counted. Returns ``(counts, files)``."""
    counts = restore_into_scratch(
        pg_restore,
        dump_path,
        scratch,
        source=source,
        backup_id=backup_id,
        connect=connect,
        env=env,
        timeout=timeout,
        tables=tables,
    )
    return counts, archive_file_count(filestore_path)


# The job lock ---------------------------------------------------------------

# pg_advisory_lock(JOB_LOCK_KEY, 0): held by the backup job for its whole run
# on a session of its own; the database releases it when the session ends,
# however the job ends (even SIGKILL).
JOB_LOCK_KEY = 0x60_1BAC  # "golive backup"


def try_job_lock(conn):
    """Take the backup job lock on ``conn`` (session level); False when
    another session holds it."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s, 0)", [JOB_LOCK_KEY])
        return cur.fetchone()[0]


def release_job_lock(conn):
    """Release the backup job lock taken on ``conn``, now: closing the
    session releases it only once its server process has ended, which
    another session's next query may precede."""
    with contextlib.suppress(Exception), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s, 0)", [JOB_LOCK_KEY])


def job_lock_held(cur):
    """Whether any session holds the backup job lock of ``cur``'s database
    (read from ``pg_locks``, without taking it)."""
    cur.execute(
        "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE l.locktype = 'advisory' AND l.granted"
        " AND d.datname = current_database()"
        " AND l.classid = %s AND l.objid = 0 AND l.objsubid = 2",
        [JOB_LOCK_KEY],
    )
    return bool(cur.fetchone())


# Cron watchdog ----------------------------------------------------------------


def cron_time_limit(options):
    """Seconds the server lets a cron job run before killing it, from the
    Odoo options ``options`` (None: no limit). Only workers mode kills."""
    if not int(options.get("workers") or 0):
        return None
    cron = options.get("limit_time_real_cron")
    if cron is not None and int(cron) >= 0:
        return int(cron) or None
    real = int(options.get("limit_time_real") or 0)
    return real or None


def cron_limit_problem(options, timeout):
    """Why the backup job (``timeout`` s per tool) cannot outlive the cron
    watchdog, or None."""
    limit = cron_time_limit(options)
    if limit is None or limit >= timeout:
        return None
    source = (
        "limit_time_real_cron"
        if options.get("limit_time_real_cron") is not None
        and int(options["limit_time_real_cron"]) >= 0
        else "limit_time_real (limit_time_real_cron is unset)"
    )
    return (
        f"The cron watchdog kills jobs after {limit} s ({source}), less than "
        f"golive_backup_timeout ({timeout} s): set limit_time_real_cron = 0 (no "
        f"limit) or at least {timeout} in the Odoo configuration file."
    )
