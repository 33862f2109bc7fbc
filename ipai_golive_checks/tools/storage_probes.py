# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probes of the storage checks (``checks/storage.py``): the attachment
files missing from the filestore, the sizes of the database and the
filestore, the disks that hold them.

Plain functions of a database cursor and of the file system.
"""

import os

import psutil

from odoo.tools import SQL

# store_fname values of external storages (fs_attachment, attachment_s3...)
# look like "s3://bucket/key": never a path in the local filestore.
LOCAL_FNAME = SQL(
    "store_fname IS NOT NULL AND store_fname != '' "
    "AND store_fname !~ '^[A-Za-z][A-Za-z0-9+.-]*://'"
)


def existing_parent(path):
    """``path``, or its closest ancestor that exists."""
    while path and not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path or os.sep


def local_attachment_count(cr):
    """How many attachments have a file in the local filestore."""
    cr.execute(SQL("SELECT count(*) FROM ir_attachment WHERE %s", LOCAL_FNAME))
    return cr.fetchone()[0]


def missing_attachment_files(cr, full_path, target, batch_size):
    """``(scanned, missing ids)`` of the ``target`` most recent attachments
    stored in the local filestore whose file (``full_path(store_fname)``)
    does not exist.

    Batched: one query per ``batch_size`` attachments, walking the ids
    downwards; only ``os.path.exists`` per file.
    """
    scanned = 0
    missing = []
    last_id = None
    while scanned < target:
        limit = min(batch_size, target - scanned)
        cr.execute(
            SQL(
                "SELECT id, store_fname FROM ir_attachment "
                "WHERE %s %s ORDER BY id DESC LIMIT %s",
                LOCAL_FNAME,
                SQL("AND id < %s", last_id) if last_id else SQL(),
                limit,
            )
        )
        rows = cr.fetchall()
        if not rows:
            break
        missing += [
            att_id for att_id, fname in rows if not os.path.exists(full_path(fname))
        ]
        scanned += len(rows)
        last_id = rows[-1][0]
    return scanned, missing


def storage_sizes(cr):
    """``{"database": bytes, "filestore": bytes}``: ``pg_database_size`` and
    the sizes of the attachment files in the local filestore."""
    cr.execute("SELECT pg_database_size(current_database())")
    database = cr.fetchone()[0]
    cr.execute(
        SQL(
            "SELECT coalesce(sum(file_size), 0) FROM ir_attachment WHERE %s",
            LOCAL_FNAME,
        )
    )
    return {"database": database, "filestore": int(cr.fetchone()[0])}


def disks_of(paths):
    """``[(path, [source, ...], free bytes)]``: the sources of ``paths``
    (``{source: path}``) grouped by the device that holds them."""
    disks = {}
    for source, path in paths.items():
        disks.setdefault(os.stat(path).st_dev, (path, []))[1].append(source)
    return [
        (path, sources, psutil.disk_usage(path).free)
        for path, sources in disks.values()
    ]
