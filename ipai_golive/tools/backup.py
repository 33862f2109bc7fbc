# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python parts of the pre-cutover backup: PostgreSQL client tools,
archives, checksums. No ORM here."""

import contextlib
import glob
import hashlib
import os
import re
import shutil
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
            cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
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
