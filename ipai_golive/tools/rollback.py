# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python mechanics of a rollback: put a verified backup back under the
database's own name, with its filestore, never destroying before a complete
copy exists. No ORM here; the CLI commands and the queued job drive it.

The order of a restore:

1. checks that touch nothing: the backup is verified (restore test passed),
   its files have the SHA-256 they were written with, the dump comes from the
   server's major PostgreSQL version; every name used below is free and none
   of them is the database being restored;
2. the copy: a new database of its own name (``golive_rb_<backup>_<random>``),
   created by the backup's ``create_scratch``: hidden from ``list_dbs`` (a
   template while it is being filled, so that no cron worker or HTTP request
   can pick it) and marked with its source, so that the backup sweeper drops
   it if the restore is killed; the backup job lock is held meanwhile (no
   backup runs, the sweeper leaves the copy alone); the dump restored into
   it, the filestore archive unpacked beside the current filestore;
3. the swap: connections to the current database refused and terminated, the
   current database renamed to a dated name (kept closed to connections), the
   copy renamed to the database's name; the same for the filestore folders.
   Any failure puts the names back;
4. only then, and only with ``drop_current``, the replaced database and
   filestore are removed.
"""

import contextlib
import hashlib
import os
import re
import shutil
import stat
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime

from psycopg2 import sql

from . import backup as tools
from .backup import BackupError, find_pg_tool, run, sha256_file

MAX_NAME_BYTES = 63  # PostgreSQL truncates identifiers longer than this
SCRATCH_PREFIX = tools.ROLLBACK_PREFIX
KEPT_INFIX = "_replaced_"
DUMPED_FROM_RE = re.compile(r"Dumped from database version:\s*(\d+)(?:\.(\d+))?")
TERMINATE_WAIT = 10.0  # seconds to wait for the terminated sessions to go

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_REFUSED = 2
EXIT_PARTIAL = 3


class RollbackError(Exception):
    """A restore refused (code 2: nothing touched) or failed part-way (code 3:
    the message says what exists)."""

    def __init__(self, message, code=EXIT_REFUSED):
        super().__init__(message)
        self.code = code


@dataclass(kw_only=True)
class RestorePoint:
    """What a restore needs from a backup: the explicit interface between a
    ``golive.backup`` record and these mechanics (an empty value of the
    record comes as ``False``, as Odoo reads it)."""

    backup_id: int
    name: str | None
    database: str | None
    verified: bool
    dump_path: str | None
    dump_sha256: str | None
    filestore_path: str | None
    filestore_sha256: str | None
    filestore_file_count: int | None = None


def _fit(name, suffix):
    """``name + suffix`` within 63 bytes: ``name`` is cut (on a character
    boundary) and marked with a short hash of the whole name when needed."""
    full = name + suffix
    if len(full.encode()) <= MAX_NAME_BYTES:
        return full
    mark = "_" + hashlib.sha256(name.encode()).hexdigest()[:6]
    room = MAX_NAME_BYTES - len((mark + suffix).encode())
    cut = name.encode()[:room].decode(errors="ignore")
    return cut + mark + suffix


def kept_name(dbname, when):
    """The dated name under which the replaced database is kept."""
    return _fit(dbname, f"{KEPT_INFIX}{when:%Y%m%d_%H%M%S}")


def scratch_name(backup_id, source, existing=()):
    """A short name of its own for the copy, unrelated to the source's."""
    return tools.scratch_name(backup_id, source, existing, prefix=SCRATCH_PREFIX)


def dumped_from_major(pg_restore, dump_path, env, timeout=120):
    """The major PostgreSQL version the dump was taken from (its table of
    contents, read by ``pg_restore --list``)."""
    proc = run([pg_restore, "--list", dump_path], env, timeout)
    found = DUMPED_FROM_RE.search(proc.stdout)
    if not found:
        raise BackupError(f"{dump_path} does not say which server it comes from.")
    return int(found.group(1))


def check_restore_point(point, server_major, search_dirs, env):
    """Refuse a backup that cannot be put back as it was; returns the path of
    ``pg_restore``. Touches nothing."""
    label = point.name or f"#{point.backup_id}"
    if not point.verified:
        raise RollbackError(
            f"Backup {label} is not verified (its restore test has not passed): "
            "refused."
        )
    for path, expected, what in (
        (point.dump_path, point.dump_sha256, "dump"),
        (point.filestore_path, point.filestore_sha256, "filestore archive"),
    ):
        if not path or not os.path.isfile(path):
            raise RollbackError(f"Backup {label}: the {what} {path} is missing.")
        if not expected or sha256_file(path) != expected:
            raise RollbackError(
                f"Backup {label}: the {what} {path} changed since it was written "
                "(SHA-256): refused."
            )
    try:
        pg_restore, _version = find_pg_tool("pg_restore", server_major, search_dirs)
        major = dumped_from_major(pg_restore, point.dump_path, env)
    except BackupError as exc:
        raise RollbackError(f"Backup {label}: {exc}") from exc
    if major != server_major:
        raise RollbackError(
            f"Backup {label} was dumped from PostgreSQL {major}; this server runs "
            f"PostgreSQL {server_major}. A rollback puts back the same server "
            "version: restore it on a PostgreSQL "
            f"{major} server, or upgrade it separately."
        )
    return pg_restore


def safe_extract(archive_path, target):
    """Unpack a filestore archive into ``target`` (created, must not exist);
    members that would land outside it or are not plain files and folders are
    refused (tarfile's ``data`` filter). Returns the number of files."""
    os.mkdir(target, 0o700)
    count = 0
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            archive.extract(member, target, filter="data")
            count += member.isfile()
    return count


class Restorer:
    """One restore of ``point`` under the name ``dbname``.

    ``connect(dbname)`` returns a new psycopg2 connection to that database;
    ``pg_env`` is the environment of the PostgreSQL tools; ``filestore_root``
    the folder holding one filestore per database; ``progress(message)`` is
    told each step.
    """

    def __init__(
        self,
        dbname,
        point,
        *,
        connect,
        pg_env,
        filestore_root,
        pg_restore,
        timeout,
        drop_current=False,
        progress=None,
        now=None,
    ):
        self.dbname = dbname
        self.point = point
        self.connect = connect
        self.pg_env = pg_env
        self.filestore_root = filestore_root
        self.pg_restore = pg_restore
        self.timeout = timeout
        self.drop_current = drop_current
        self.progress = progress or (lambda message: None)
        self.when = now or datetime.now()
        self.scratch = scratch_name(point.backup_id, dbname)
        self.kept = kept_name(dbname, self.when)
        self.created = set()  # databases this run created (the only ones it drops)
        self.created_folders = set()
        self.swapped = False
        self.kept_filestore = None
        self.dropped = False
        self.lock = None  # the session holding the backup job lock

    # SQL outside of any transaction, on the maintenance database

    def _admin(self, query, params=None, fetch=False):
        conn = self.connect("postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if fetch else None
        finally:
            conn.close()

    def _exists(self, name):
        return bool(
            self._admin(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name], fetch=True
            )
        )

    def _guard(self, name):
        """Nothing this run drops or renames away is ever the database it
        restores, unless the swap has already put the copy under that name."""
        if name == self.dbname and not self.swapped:
            raise RollbackError(
                f"Refused: {name} is the database being restored.", EXIT_PARTIAL
            )
        if name == self.kept and not self.swapped:
            raise RollbackError(f"Refused: {name} is not replaced yet.", EXIT_PARTIAL)
        if name not in self.created and name != self.kept:
            raise RollbackError(
                f"Refused: {name} was not created by this restore.", EXIT_PARTIAL
            )

    def _drop(self, name):
        self._guard(name)
        if name == self.scratch:
            tools.drop_scratch(self.connect, name)
            return
        if not self._exists(name):
            return
        # a template cannot be dropped: the copy is one while it is filled
        self._admin(
            sql.SQL("ALTER DATABASE {} IS_TEMPLATE false").format(sql.Identifier(name))
        )
        self._admin(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )

    def _folder(self, name):
        return os.path.join(self.filestore_root, name)

    # 1. checks

    def prepare(self):
        """Every name is free and differs from the source, and no backup job
        runs: its lock is taken until the swap. Touches nothing else."""
        if not self._exists(self.dbname):
            raise RollbackError(f"Database {self.dbname} does not exist.")
        self._take_lock()
        try:
            self._check_names()
        except Exception:
            self._release_lock()
            raise

    def _take_lock(self):
        """Hold the backup job lock of the database on a session of its own:
        no backup starts and the backup sweeper leaves the copy alone."""
        conn = self.connect(self.dbname)
        conn.autocommit = True
        if not tools.try_job_lock(conn):
            conn.close()
            raise RollbackError(
                f"A backup job of {self.dbname} is running: refused. Wait for it."
            )
        self.lock = conn

    def _release_lock(self):
        if self.lock is not None:
            tools.release_job_lock(self.lock)
            with contextlib.suppress(Exception):
                self.lock.close()
            self.lock = None

    def _check_names(self):
        for name in (self.scratch, self.kept):
            if name == self.dbname or self._exists(name):
                raise RollbackError(f"Database {name} exists already: refused.")
            if os.path.lexists(self._folder(name)):
                raise RollbackError(
                    f"The filestore folder {self._folder(name)} exists already: "
                    "refused."
                )

    # 2. the copy

    def restore_copy(self):
        """Restore the dump and the filestore into the copy. On failure the
        copy is removed and the source was never touched."""
        try:
            # a template, not listed by list_dbs: no cron, no HTTP request
            tools.create_scratch(
                self.connect, self.scratch, self.dbname, self.point.backup_id
            )
            self.created.add(self.scratch)
            self.progress(f"restoring {self.point.dump_path} into {self.scratch}")
            run(
                [
                    self.pg_restore,
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    "--jobs=2",
                    f"--dbname={self.scratch}",
                    self.point.dump_path,
                ],
                self.pg_env,
                self.timeout,
            )
            os.makedirs(self.filestore_root, 0o700, exist_ok=True)
            folder = self._folder(self.scratch)
            self.created_folders.add(folder)
            files = safe_extract(self.point.filestore_path, folder)
            expected = self.point.filestore_file_count
            if expected is not None and files != expected:
                raise BackupError(
                    f"the filestore archive holds {files} files, {expected} expected"
                )
        except Exception as exc:
            self.cleanup()
            raise RollbackError(
                f"The restore failed before the swap: {exc}. Database "
                f"{self.dbname} and its filestore are untouched; the partial copy "
                "was removed.",
                EXIT_PARTIAL,
            ) from exc

    def cleanup(self):
        """Remove the copy (only what this run created, never the source)."""
        self._release_lock()
        for name in sorted(self.created):
            if name != self.dbname:
                with contextlib.suppress(Exception):
                    self._drop(name)
        for folder in sorted(self.created_folders):
            if os.path.basename(folder) != self.dbname:
                shutil.rmtree(folder, ignore_errors=True)

    # 3. the swap

    def _signaling(self, name):
        """``{sequence: last_value}`` of Odoo's registry/cache signaling."""
        conn = self.connect(name)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences "
                    "WHERE sequencename ~ '^base_(registry|cache)_signaling'"
                )
                return dict(cur.fetchall())
        finally:
            conn.close()

    def _terminate(self, name):
        """Terminate the sessions of ``name`` (new ones are refused already)."""
        deadline = time.monotonic() + TERMINATE_WAIT
        while True:
            left = self._admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
                fetch=True,
            )
            if not left:
                return
            if time.monotonic() > deadline:
                raise RollbackError(
                    f"{len(left)} sessions of {name} would not end.", EXIT_PARTIAL
                )
            time.sleep(0.2)

    def _allow(self, name, allow):
        self._admin(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allow else "false")
            )
        )

    def _rename(self, old, new):
        self._admin(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(old), sql.Identifier(new)
            )
        )

    def swap(self):
        """Put the copy under the database's name, the current database under
        the dated name; the same for the filestore folders."""
        before = self._signaling(self.dbname)
        current_folder = self._folder(self.dbname)
        copy_folder = self._folder(self.scratch)
        kept_folder = self._folder(self.kept)
        self.progress(f"swapping {self.dbname} and {self.scratch}")
        try:
            # unmarked first: once the lock is gone the sweeper must not take
            # the complete copy for a leftover before it is renamed
            self._admin(
                sql.SQL("COMMENT ON DATABASE {} IS NULL").format(
                    sql.Identifier(self.scratch)
                )
            )
            self._release_lock()  # its session would be terminated anyway
            self._allow(self.dbname, False)
            try:
                self._terminate(self.dbname)
                self._rename(self.dbname, self.kept)
            except Exception:
                self._allow(self.dbname, True)
                raise
        except Exception as exc:
            self.cleanup()
            raise RollbackError(
                f"The swap failed before anything was renamed: {exc}. Database "
                f"{self.dbname} is in place; the copy was removed.",
                EXIT_PARTIAL,
            ) from exc
        try:
            self._rename(self.scratch, self.dbname)
            self.swapped = True
            self.created.discard(self.scratch)
            self.created_folders.discard(copy_folder)
            if os.path.lexists(current_folder):
                os.chmod(copy_folder, stat.S_IMODE(os.stat(current_folder).st_mode))
                os.rename(current_folder, kept_folder)
                self.kept_filestore = kept_folder
            os.rename(copy_folder, current_folder)
        except Exception as exc:
            self._undo_swap(current_folder, copy_folder, kept_folder)
            raise RollbackError(
                f"The swap failed: {exc}. The names were put back: database "
                f"{self.dbname} and its filestore are the original ones.",
                EXIT_PARTIAL,
            ) from exc
        self._admin(
            sql.SQL("ALTER DATABASE {} IS_TEMPLATE false").format(
                sql.Identifier(self.dbname)
            )
        )
        self._bump_signaling(before)

    def _undo_swap(self, current_folder, copy_folder, kept_folder):
        """Put back the original database and filestore after a failed swap."""
        if self.kept_filestore and not os.path.lexists(current_folder):
            os.rename(kept_folder, current_folder)
            self.kept_filestore = None
        if self.swapped:
            self._allow(self.dbname, False)
            self._terminate(self.dbname)
            self._rename(self.dbname, self.scratch)
            self.swapped = False
            self.created.add(self.scratch)
            self.created_folders.add(copy_folder)
        self._rename(self.kept, self.dbname)
        self._allow(self.dbname, True)
        self.cleanup()

    def _bump_signaling(self, before):
        """Make the running Odoo servers reload the registry and caches of the
        database: each signaling sequence moves past both values it had."""
        conn = self.connect(self.dbname)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for name, value in self._signaling(self.dbname).items():
                    cur.execute(
                        "SELECT setval(%s, %s)",
                        [name, max(value, before.get(name, 0)) + 1],
                    )
        finally:
            conn.close()

    # 4. the replaced database

    def drop_replaced(self):
        """With ``drop_current``, remove the replaced database and filestore,
        only after the swap."""
        if not self.swapped:
            raise RollbackError("Refused: nothing was swapped.", EXIT_PARTIAL)
        self._drop(self.kept)
        if self.kept_filestore:
            shutil.rmtree(self.kept_filestore, ignore_errors=True)
        self.dropped = True

    def execute(self):
        """The whole restore; returns what exists afterwards."""
        self.prepare()
        self.restore_copy()
        self.swap()
        if self.drop_current:
            self.drop_replaced()
        return self.outcome()

    def outcome(self):
        return {
            "database": self.dbname,
            "backup": self.point.name,
            "backup_id": self.point.backup_id,
            "kept_database": None if self.dropped else self.kept,
            "kept_filestore": None if self.dropped else self.kept_filestore,
            "dropped_current": self.dropped,
        }
