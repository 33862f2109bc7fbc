"""Write a report file the way a secret-bearing file is written.

The CLI runs as the Odoo service user and its reports name the database,
its findings and (masked) settings: ``--output`` is written

* with mode 0600, whatever the umask;
* atomically: into a temporary file of the same folder, then ``os.replace``,
  so a reader never sees half a report and an interrupted run leaves the
  previous one;
* without following a symbolic link: a link at the target is refused (a link
  planted in a shared folder would otherwise redirect the write elsewhere),
  and the temporary file is created with ``O_EXCL | O_NOFOLLOW``.

A character device or a FIFO (``/dev/null``, a pipe of a wrapper script) is
written in place: it cannot be replaced, and it stores nothing.
"""

import contextlib
import os
import stat
import tempfile


class OutputRefused(ValueError):
    """The target of ``--output`` is not something we may write."""


def check_target(path):
    """Refuse a target that is a symbolic link or neither a file nor a stream.

    :raise OutputRefused: naming the path and why
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise OutputRefused(
            f"{path!r} is a symbolic link; give the real path of the file."
        )
    if stat.S_ISDIR(mode):
        raise OutputRefused(f"{path!r} is a folder, not a file.")
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise OutputRefused(f"{path!r} is not a regular file.")


def write_private(path, content):
    """Write ``content`` (bytes) to ``path``: mode 0600, atomic, no link."""
    check_target(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # a device or a pipe: written in place, never created or replaced
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NOCTTY)
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
        return
    folder = os.path.dirname(os.path.abspath(path))
    # mkstemp opens with O_CREAT | O_EXCL | O_NOFOLLOW and mode 0600
    fd, tmp_path = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as stream:
            os.fchmod(stream.fileno(), 0o600)
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        raise
