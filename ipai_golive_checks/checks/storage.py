# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Storage: filestore, free disk space, missing attachment files, location."""

import os
import tempfile

import psutil
import psycopg2

from odoo import fields, models
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import growth, storage_probes
from .config import LOCAL_DB_HOSTS, MB

GB = 1024**3


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    def _golive_filestore(self):
        return self.env["ir.attachment"]._filestore()

    def _golive_filestore_unused(self, object_key):
        """A skip Finding when attachments do not go to the local filestore
        (``ir_attachment.location`` is not ``file``), else None."""
        location = self.env["ir.attachment"]._storage()
        if location == "file":
            return None
        if location == "db":
            message = self.env._(
                "ir_attachment.location is db: the filestore is not used."
            )
        else:
            message = self.env._(
                "ir_attachment.location is %s: external storage, not inspected.",
                location,
            )
        return Finding.skip(message, object_key, location=location)

    @golive_check(
        "storage.filestore",
        title="Filestore exists and is writable",
        category="storage",
        severity="critical",
        remediation="Create the filestore folder (data_dir/filestore/<database>) "
        "on a persistent volume, owned and writable by the Odoo user.",
    )
    def _check_storage_filestore(self, ctx):
        skipped = self._golive_filestore_unused("filestore")
        if skipped:
            yield skipped
            return
        path = self._golive_filestore()
        evidence = {"path": path}
        if not os.path.isdir(path):
            yield Finding.fail(
                self.env._("The filestore %s does not exist.", path),
                "filestore",
                **evidence,
            )
            return
        # A real write: os.access() says yes to root even on a read-only mount.
        try:
            with tempfile.NamedTemporaryFile(dir=path, prefix=".golive-probe-") as f:
                f.write(b"ok")
                f.flush()
        except OSError as exc:
            yield Finding.fail(
                self.env._(
                    "The filestore %(path)s is not writable: %(error)s.",
                    path=path,
                    error=exc.strerror or exc,
                ),
                "filestore",
                **evidence,
            )
            return
        yield Finding.pass_(
            self.env._("The filestore %s exists and is writable.", path),
            "filestore",
            **evidence,
        )

    @golive_check(
        "storage.disk_space",
        title="Free disk space for the filestore",
        category="storage",
        severity="high",
        remediation="Grow the volume of the filestore or free space (old backups, "
        "logs) before the disk fills up: a full disk stops uploads, sessions "
        "and often PostgreSQL itself.",
        params={"min_free_percent": 10, "min_free_gb": 5},
    )
    def _check_storage_disk_space(self, ctx):
        path = storage_probes.existing_parent(self._golive_filestore())
        usage = psutil.disk_usage(path)
        free_percent = round(100.0 * usage.free / usage.total, 1) if usage.total else 0
        free_gb = round(usage.free / GB, 2)
        min_percent = float(ctx.params["min_free_percent"])
        min_gb = float(ctx.params["min_free_gb"])
        evidence = {
            "path": path,
            "total_gb": round(usage.total / GB, 2),
            "free_gb": free_gb,
            "free_percent": free_percent,
            "min_free_percent": min_percent,
            "min_free_gb": min_gb,
        }
        if free_percent < min_percent or free_gb < min_gb:
            yield Finding.fail(
                self.env._(
                    "Only %(gb)s GB (%(percent)s%%) free on the filestore's disk "
                    "(%(path)s); the thresholds are %(min_gb)s GB and "
                    "%(min_percent)s%%.",
                    gb=free_gb,
                    percent=free_percent,
                    path=path,
                    min_gb=min_gb,
                    min_percent=min_percent,
                ),
                "disk",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "%(gb)s GB (%(percent)s%%) free on the filestore's disk.",
                    gb=free_gb,
                    percent=free_percent,
                ),
                "disk",
                **evidence,
            )

    @golive_check(
        "storage.missing_attachments",
        title="Attachment files present in the filestore",
        category="storage",
        severity="high",
        remediation="Restore the missing files from the filestore backup (the "
        "file name is the attachment's store_fname); a database restored "
        "without its filestore shows broken images and documents.",
        params={"sample_size": 500, "full": False, "batch_size": 1000, "list": 20},
        timeout=60.0,
    )
    def _check_storage_missing_attachments(self, ctx):
        """Sampled (the most recent ``sample_size`` files) unless ``full``.

        Batched: one query per ``batch_size`` attachments, walking the ids
        downwards; only ``os.path.exists`` per file.
        """
        skipped = self._golive_filestore_unused("attachments")
        if skipped:
            yield skipped
            return
        full = bool(ctx.params["full"])
        list_limit = int(ctx.params["list"])
        total = storage_probes.local_attachment_count(self.env.cr)
        scanned, missing = storage_probes.missing_attachment_files(
            self.env.cr,
            self.env["ir.attachment"]._full_path,
            total if full else min(int(ctx.params["sample_size"]), total),
            max(int(ctx.params["batch_size"]), 1),
        )
        evidence = {
            "mode": "full" if full else "sample (most recent)",
            "scanned": scanned,
            "total": total,
            "missing": len(missing),
            "missing_ids": missing[:list_limit],
            "filestore": self._golive_filestore(),
        }
        if missing:
            yield Finding.fail(
                self.env._(
                    "%(missing)s of %(scanned)s attachments scanned (of %(total)s) "
                    "have no file in the filestore, e.g. ids %(ids)s.",
                    missing=len(missing),
                    scanned=scanned,
                    total=total,
                    ids=", ".join(str(i) for i in missing[:list_limit]),
                ),
                "attachments",
                **evidence,
            )
        elif full or scanned >= total:
            yield Finding.pass_(
                self.env._("All %s attachment files are present.", scanned),
                "attachments",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "The %(scanned)s most recent of %(total)s attachment files are "
                    "present (sampled; set the threshold full: true to scan all).",
                    scanned=scanned,
                    total=total,
                ),
                "attachments",
                **evidence,
            )

    @golive_check(
        "storage.attachment_location",
        title="Attachment storage consistent with ir_attachment.location",
        category="storage",
        severity="medium",
        remediation="Keep ir_attachment.location at 'file' (the default) and "
        "move attachments where it says with Settings > Technical > Attachments "
        "(ir.attachment.force_storage()). With an external storage (s3...), "
        "check it with that storage's own tools.",
    )
    def _check_storage_attachment_location(self, ctx):
        cr = self.env.cr
        location = self.env["ir.attachment"]._storage()
        cr.execute(
            """
            SELECT count(*) FILTER (WHERE COALESCE(store_fname, '') != ''),
                   count(*) FILTER (WHERE db_datas IS NOT NULL)
              FROM ir_attachment
             WHERE type = 'binary'
            """
        )
        in_files, in_db = cr.fetchone()
        evidence = {
            "location": location,
            "in_filestore": in_files,
            "in_database": in_db,
        }
        if location not in ("file", "db"):
            # fs_attachment, attachment_s3...: their store_fname are URLs
            # ("s3://..."), which this check cannot verify.
            yield Finding.warn(
                self.env._(
                    "ir_attachment.location is %r: external storage, not inspected.",
                    location,
                ),
                "location",
                **evidence,
            )
            return
        misplaced = in_db if location == "file" else in_files
        if misplaced:
            yield Finding.fail(
                self.env._(
                    "ir_attachment.location is %(location)s but %(count)s "
                    "attachments are stored elsewhere (%(files)s in the "
                    "filestore, %(db)s in the database).",
                    location=location,
                    count=misplaced,
                    files=in_files,
                    db=in_db,
                ),
                "location",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "ir_attachment.location is %(location)s and all %(count)s "
                    "stored attachments follow it.",
                    location=location,
                    count=in_files + in_db,
                ),
                "location",
                **evidence,
            )

    def _golive_database_directory(self):
        """PostgreSQL's data directory when it is on this machine and
        readable (superuser or pg_read_all_settings), else None."""
        host = config.get("db_host") or ""
        if host and not host.startswith("/") and host not in LOCAL_DB_HOSTS:
            return None
        try:
            with self.env.cr.savepoint(flush=False):
                # not readable by a plain role: no "bad query" error logged
                self.env.cr.execute("SHOW data_directory", log_exceptions=False)
                path = self.env.cr.fetchone()[0]
        except psycopg2.Error:
            return None
        return path if path and os.path.isdir(path) else None

    @golive_check(
        "storage.growth_forecast",
        title="Disk not full within the forecast horizon",
        category="storage",
        severity="high",
        severity_by_env={"dev": "info"},
        remediation="Grow the volume (or archive, clean old attachments and "
        "backups) before the forecast date: a full disk stops uploads and "
        "PostgreSQL.",
        params={"min_days": 30, "min_measurements": 3, "keep_days": 90},
    )
    def _check_storage_growth_forecast(self, ctx):
        """Database (``pg_database_size``) and filestore (``ir_attachment``
        file sizes) measured once a day into the check's memory; their
        growth, by least squares, against the free space of their disks."""
        history = growth.record(
            ctx.memory.get("sizes"),
            fields.Date.to_string(fields.Date.today()),
            storage_probes.storage_sizes(self.env.cr),
            ctx.params["keep_days"],
        )
        ctx.memory["sizes"] = history
        needed = int(ctx.params["min_measurements"])
        if len(history) < needed:
            yield Finding.skip(
                self.env._(
                    "%(count)s daily measurements of %(needed)s needed: "
                    "no forecast yet.",
                    count=len(history),
                    needed=needed,
                ),
                "growth",
                measurements=len(history),
            )
            return
        # the disks holding each source, grouped by device
        paths = {"filestore": storage_probes.existing_parent(self._golive_filestore())}
        data_directory = self._golive_database_directory()
        if data_directory:
            paths["database"] = data_directory
        min_days = float(ctx.params["min_days"])
        for path, sources, free in storage_probes.disks_of(paths):
            yield self._golive_disk_forecast(path, sources, free, history, min_days)

    def _golive_disk_forecast(self, path, sources, free, history, min_days):
        """The finding of the disk at ``path``, ``free`` bytes free, that
        holds ``sources`` growing as ``history`` tells."""
        per_day = growth.daily_growth(history, sources)
        evidence = {
            "path": path,
            "sources": sources,
            "free_gb": round(free / GB, 2),
            "growth_mb_per_day": round((per_day or 0) / MB, 3),
            "measurements": len(history),
            "min_days": min_days,
        }
        key = "+".join(sorted(sources))
        if not per_day or per_day <= 0:
            return Finding.pass_(
                self.env._(
                    "The %(sources)s on %(path)s did not grow over %(count)s days.",
                    sources=" and ".join(sources),
                    path=path,
                    count=len(history),
                ),
                key,
                **evidence,
            )
        days = int(free / per_day)
        evidence["days_left"] = days
        message = self.env._(
            "At %(rate)s MB a day, the %(sources)s fill %(path)s "
            "(%(free)s GB free) in %(days)s days.",
            rate=evidence["growth_mb_per_day"],
            sources=" and ".join(sources),
            path=path,
            free=evidence["free_gb"],
            days=days,
        )
        if days < min_days:
            return Finding.fail(message, key, **evidence)
        return Finding.pass_(message, key, **evidence)
