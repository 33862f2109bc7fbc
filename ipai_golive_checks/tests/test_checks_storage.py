# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
import os
import re
import uuid
from datetime import date, timedelta
from unittest.mock import patch

import psutil

from odoo.tests import tagged
from odoo.tools import config

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestChecksStorage(GoliveCase):
    def set_params(self, code, **params):
        self.env["golive.check"]._sync_registry()[code].parameters = json.dumps(params)

    def make_attachment(self):
        content = f"golive storage test {uuid.uuid4()}".encode()
        return self.env["ir.attachment"].create(
            {"name": "golive.txt", "datas": base64.b64encode(content)}
        )

    def test_filestore(self):
        self.make_attachment()  # the filestore exists
        run = self.run_checks(["storage.filestore"])
        self.assertStatus(run, "storage.filestore", "pass")
        self.assertEqual(
            self.results(run).evidence["path"],
            config.filestore(self.env.cr.dbname),
        )
        with patch.dict(config.options, {"data_dir": "/nonexistent/golive-data"}):
            run = self.run_checks(["storage.filestore"])
        self.assertStatus(run, "storage.filestore", "fail")
        self.assertIn("/nonexistent/golive-data/filestore", self.results(run).message)

    def test_disk_space(self):
        self.make_attachment()
        free = psutil.disk_usage(config.filestore(self.env.cr.dbname)).free
        self.set_params("storage.disk_space", min_free_percent=0, min_free_gb=0)
        run = self.run_checks(["storage.disk_space"])
        self.assertStatus(run, "storage.disk_space", "pass")
        usage = psutil.disk_usage(config.filestore(self.env.cr.dbname))
        free_gb = free / 1024**3
        free_percent = 100.0 * free / usage.total
        # thresholds just above what is free: the measure must be the disk's
        self.set_params(
            "storage.disk_space", min_free_percent=0, min_free_gb=round(free_gb + 1)
        )
        run = self.run_checks(["storage.disk_space"])
        result = self.assertFinding(
            run,
            "storage.disk_space",
            "fail",
            re.compile(
                r"^Only [\d.]+ GB \([\d.]+%\) free on the filestore's disk \("
                + re.escape(config.filestore(self.env.cr.dbname))
                + rf"\); the thresholds are {round(free_gb + 1)}\.0 GB and 0\.0%\.$"
            ),
            "disk",
            path=config.filestore(self.env.cr.dbname),
            total_gb=round(usage.total / 1024**3, 2),
            min_free_gb=float(round(free_gb + 1)),
        )
        self.assertAlmostEqual(result.evidence["free_gb"], free_gb, delta=0.5)
        self.assertIn(f"Only {result.evidence['free_gb']} GB", result.message)
        self.set_params(
            "storage.disk_space",
            min_free_percent=round(free_percent + 1),
            min_free_gb=0,
        )
        run = self.run_checks(["storage.disk_space"])
        result = self.assertFinding(
            run,
            "storage.disk_space",
            "fail",
            re.compile(rf"\(([\d.]+)%\) free .* and {round(free_percent + 1)}\.0%\.$"),
            "disk",
        )
        self.assertAlmostEqual(result.evidence["free_percent"], free_percent, delta=1.0)

    def test_missing_attachments(self):
        attachments = self.env["ir.attachment"]
        for _i in range(3):
            attachments |= self.make_attachment()
        run = self.run_checks(["storage.missing_attachments"])
        self.assertStatus(run, "storage.missing_attachments", "pass")
        # a real file of the test's filestore disappears
        victim = attachments[0]
        os.unlink(victim._full_path(victim.store_fname))
        run = self.run_checks(["storage.missing_attachments"])
        self.assertStatus(run, "storage.missing_attachments", "fail")
        result = self.results(run)
        self.assertEqual(result.evidence["missing_ids"], [victim.id])
        self.assertIn(str(victim.id), result.message)
        self.assertEqual(result.evidence["mode"], "sample (most recent)")
        # a sample of the 2 most recent misses it; the full scan finds it
        self.set_params("storage.missing_attachments", sample_size=2)
        run = self.run_checks(["storage.missing_attachments"])
        self.assertStatus(run, "storage.missing_attachments", "pass")
        self.assertEqual(self.results(run).evidence["scanned"], 2)
        self.set_params(
            "storage.missing_attachments", sample_size=2, full=True, batch_size=2
        )
        run = self.run_checks(["storage.missing_attachments"])
        self.assertStatus(run, "storage.missing_attachments", "fail")
        evidence = self.results(run).evidence
        self.assertEqual(evidence["scanned"], evidence["total"])
        self.assertEqual(evidence["missing"], 1)
        self.assertEqual(evidence["mode"], "full")

    def test_missing_attachments_batched(self):
        for _i in range(5):
            self.make_attachment()
        self.set_params("storage.missing_attachments", full=True, batch_size=2)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM ir_attachment WHERE COALESCE(store_fname, '') != ''"
        )
        total = self.env.cr.fetchone()[0]
        run = self.run_checks(["storage.missing_attachments"])
        result = self.results(run)
        self.assertEqual(result.evidence["scanned"], total)
        # one query per batch of 2, plus the count: not one per attachment
        self.assertEqual(result.query_count, 1 + -(-total // 2))

    def test_attachment_location(self):
        self.make_attachment()
        run = self.run_checks(["storage.attachment_location"])
        self.assertStatus(run, "storage.attachment_location", "pass")
        self.env["ir.config_parameter"].set_param("ir_attachment.location", "db")
        run = self.run_checks(["storage.attachment_location"])
        self.assertStatus(run, "storage.attachment_location", "fail")
        self.assertGreater(self.results(run).evidence["in_filestore"], 0)
        self.env["ir.config_parameter"].set_param("ir_attachment.location", "s3")
        run = self.run_checks(["storage.attachment_location"])
        self.assertStatus(run, "storage.attachment_location", "warn")
        self.assertIn("external storage", self.results(run).message)

    def test_filestore_not_used(self):
        """location db or external: the filestore checks skip, with why."""
        self.make_attachment()
        codes = ["storage.filestore", "storage.missing_attachments"]
        ICP = self.env["ir.config_parameter"]
        # even a broken data_dir is not a finding when the filestore is unused
        with patch.dict(config.options, {"data_dir": "/nonexistent/golive-data"}):
            ICP.set_param("ir_attachment.location", "db")
            run = self.run_checks(codes)
            for code in codes:
                self.assertStatus(run, code, "skipped")
                self.assertIn("filestore is not used", self.results(run, code).message)
            ICP.set_param("ir_attachment.location", "s3")
            run = self.run_checks(codes)
            for code in codes:
                self.assertStatus(run, code, "skipped")
                self.assertIn("external storage", self.results(run, code).message)

    def test_missing_attachments_ignores_urls(self):
        """store_fname of an external storage (s3://...) is not a local file."""
        att = self.make_attachment()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = %s WHERE id = %s",
            (f"s3://golive-bucket/{att.checksum}", att.id),
        )
        self.env.cr.execute(
            "SELECT count(*) FROM ir_attachment WHERE COALESCE(store_fname, '') != ''"
        )
        stored = self.env.cr.fetchone()[0]
        self.set_params("storage.missing_attachments", full=True)
        run = self.run_checks(["storage.missing_attachments"])
        self.assertStatus(run, "storage.missing_attachments", "pass")
        self.assertEqual(self.results(run).evidence["total"], stored - 1)

    def test_growth_forecast(self):
        check = self.env["golive.check"].search(
            [("code", "=", "storage.growth_forecast")]
        )
        check.memory = False
        run = self.run_checks(["storage.growth_forecast"])
        self.assertStatus(run, "storage.growth_forecast", "skipped")
        self.assertIn("1 daily measurements of 3", self.results(run).message)
        today = date.today()
        measured = check.memory["sizes"][today.isoformat()]
        self.assertGreater(measured["database"], 0)

        def history(step):
            """Two earlier days, each ``step`` bytes of each source smaller."""
            return {
                "sizes": {
                    (today - timedelta(days=n)).isoformat(): {
                        source: size - n * step for source, size in measured.items()
                    }
                    for n in (2, 1)
                }
            }

        check.memory = history(0)  # not growing
        run = self.run_checks(["storage.growth_forecast"])
        self.assertStatus(run, "storage.growth_forecast", "pass")
        self.assertEqual(len(check.memory["sizes"]), 3)
        # measured sizes may move a little between runs: grow by 1 MB a day
        check.memory = history(1024 * 1024)
        run = self.run_checks(["storage.growth_forecast"])
        self.assertStatus(run, "storage.growth_forecast", "pass")
        results = self.results(run)
        self.assertEqual(
            sorted(s for r in results for s in r.evidence["sources"]),
            ["database", "filestore"],
        )
        for result in results:
            evidence = result.evidence
            rate = len(evidence["sources"])  # MB a day
            self.assertAlmostEqual(evidence["growth_mb_per_day"], rate, delta=0.1)
            free = psutil.disk_usage(evidence["path"]).free / (1024 * 1024)
            self.assertAlmostEqual(evidence["days_left"], free / rate, delta=free / 50)
            self.assertIn("days", result.message)
        # the same real figures against a horizon longer than the disk lasts
        check.memory = history(1024 * 1024)
        check.parameters = json.dumps({"min_days": 10**12})
        run = self.run_checks(["storage.growth_forecast"])
        self.assertStatus(run, "storage.growth_forecast", "fail")
        self.assertEqual(self.results(run)[0].severity, "high")
