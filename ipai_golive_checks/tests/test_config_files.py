# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Held-out style: two whole configuration files, the classic mistakes and a
well-configured server, judged in-process and once through the CLI."""

import configparser
import json
import optparse
import os
import shutil
import subprocess
import tempfile
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from .common import ODOO_CMD, GoliveCase, protect_committed_state

DATA = os.path.join(os.path.dirname(__file__), "data")
MISTAKES = os.path.join(DATA, "odoo-mistakes.conf")
GOOD = os.path.join(DATA, "odoo-good.conf")

# mistake (option) -> (check code, object key, expected status)
FLAGGED = {
    "admin_passwd = admin": ("config.admin_passwd", "admin_passwd", "fail"),
    "list_db = True": ("config.list_db", "list_db", "fail"),
    "no dbfilter": ("config.dbfilter", "dbfilter", "fail"),
    "workers = 0": ("config.workers", "workers", "fail"),
    "max_cron_threads = 0": ("config.workers", "max_cron_threads", "fail"),
    "proxy_mode = False": ("config.proxy_mode", "proxy_mode", "fail"),
    "limit_time_real 1200 > proxy 720": ("config.limits", "limit_time", "warn"),
    # the filestore and sessions on a temporary directory: config.data_dir
    # judges where data_dir is; storage.filestore only whether the folder
    # exists and is writable, which says nothing about the volume being kept
    "data_dir under /tmp (filestore not on a kept volume)": (
        "config.data_dir",
        "data_dir",
        "fail",
    ),
    "no logfile": ("config.logfile", "logfile", "fail"),
    "db_maxconn 1000 vs max_connections": (
        "postgres.max_connections",
        "max_connections",
        "fail",
    ),
    "limit_memory_soft > limit_memory_hard": (
        "config.limits",
        "limit_memory",
        "fail",
    ),
}


def load_options(path):
    """The ``[options]`` of ``path``, typed the way Odoo's config loader does."""
    parser = configparser.RawConfigParser()
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    options = {}
    for name, value in parser.items("options"):
        if value in ("True", "true"):
            value = True
        elif value in ("False", "false"):
            value = False
        else:
            cast = config.casts.get(name)
            if cast is not None and value and cast.type in optparse.Option.TYPE_CHECKER:
                value = optparse.Option.TYPE_CHECKER[cast.type](cast, name, value)
        options[name] = value
    return options


@tagged("post_install", "-at_install")
class TestConfigFiles(GoliveCase):
    def run_file(self, options, categories):
        with patch.dict(config.options, options):
            return self.run_checks(None, categories=categories)

    def by_key(self, run):
        return {(r.code, r.object_key or ""): r for r in self.results(run)}

    def test_mistakes_all_flagged(self):
        options = load_options(MISTAKES)
        self.assertEqual(options["workers"], 0)
        self.assertIs(options["list_db"], True)
        # the file's data_dir, under /tmp, never created (whatever this machine
        # holds at the file's own path)
        self.assertEqual(options["data_dir"], "/tmp/odoo-golive-mistakes")
        tmp = self.enterContext(tempfile.TemporaryDirectory(dir="/tmp"))
        options["data_dir"] = os.path.join(tmp, "odoo-golive-mistakes")
        run = self.run_file(options, ["config", "postgres", "storage"])
        results = self.by_key(run)
        for mistake, (code, key, status) in FLAGGED.items():
            result = results.get((code, key))
            self.assertTrue(result, f"{mistake}: no result {code}[{key}]")
            self.assertEqual(result.status, status, f"{mistake}: {result.message}")
        self.assertIn("/tmp", results[("config.data_dir", "data_dir")].message)
        # storage.filestore fails here for another reason, said as such: the
        # file's data_dir was never created, so there is no filestore at all
        filestore = results[("storage.filestore", "filestore")]
        path = os.path.join(options["data_dir"], "filestore", self.env.cr.dbname)
        self.assertEqual(filestore.evidence["path"], path)
        self.assertFalse(os.path.isdir(path))
        self.assertEqual(filestore.status, "fail", filestore.message)
        self.assertIn("does not exist", filestore.message)
        arithmetic = results[("postgres.max_connections", "max_connections")]
        self.assertIn("1 process x db_maxconn 1000 = 1000", arithmetic.message)
        self.assertIn("pgbouncer", arithmetic.message)

    def test_good_file_no_config_failure(self):
        options = load_options(GOOD)
        log_dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, log_dir, True)
        options.update(
            logfile=os.path.join(log_dir, "odoo-server.log"),
            data_dir=config["data_dir"],
        )
        dbname = self.env.cr.dbname
        # dbfilter ^%d$: the server is reached as <database>.example.com
        self.env["ir.config_parameter"].set_param(
            "web.base.url", f"https://{dbname}.example.com"
        )
        # a production database is created without demo data
        self.env["ir.module.module"].search([("demo", "=", True)]).write(
            {"demo": False}
        )
        run = self.run_file(options, ["config", "postgres", "storage"])
        config_results = self.results(run).filtered(lambda r: r.category == "config")
        self.assertGreater(len(config_results), 8)
        bad = config_results.filtered(lambda r: r.status in ("fail", "error"))
        self.assertFalse(
            bad, [(r.code, r.object_key, r.status, r.message) for r in bad]
        )
        results = self.by_key(run)
        for key in FLAGGED.values():
            if key[0].startswith("config."):
                self.assertEqual(results[key[:2]].status, "pass", key)
        self.assertEqual(
            results[("postgres.max_connections", "max_connections")].status, "pass"
        )
        self.assertEqual(results[("storage.filestore", "filestore")].status, "pass")

    def test_mistakes_cli(self):
        """``golive -c odoo-mistakes.conf``: exit 1 and the mistakes in JSON."""
        protect_committed_state(self)
        with open(MISTAKES, encoding="utf-8") as f:
            text = f.read()
        data_dir = load_options(MISTAKES)["data_dir"]
        if not os.path.exists(data_dir):
            self.addCleanup(shutil.rmtree, data_dir, True)
        with tempfile.TemporaryDirectory() as tmp:
            conf = os.path.join(tmp, "odoo-mistakes.conf")
            with open(conf, "w", encoding="utf-8") as f:
                f.write(text)
                # the test database's connection
                for option in ("db_host", "db_port", "db_user"):
                    if config.get(option):
                        f.write(f"{option} = {config[option]}\n")
            cmd = [
                *ODOO_CMD,
                f"--addons-path={config['addons_path']}",
                "golive",
                "-d",
                self.env.cr.dbname,
                "-c",
                conf,
                "--format",
                "json",
            ]
            for category in ("config", "postgres", "storage", "process"):
                cmd += ["--category", category]
            env = dict(os.environ)
            env.pop("ODOO_RC", None)
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=300, env=env, check=False
            )
        self.assertEqual(proc.returncode, 1, proc.stderr[-2000:])
        data = json.loads(proc.stdout)
        results = {(r["code"], r["object"] or ""): r for r in data["results"]}
        for mistake, (code, key, status) in FLAGGED.items():
            result = results.get((code, key))
            self.assertTrue(result, f"{mistake}: no result {code}[{key}]")
            self.assertEqual(result["status"], status, mistake)
        for code in ("process.memory", "process.uptime", "process.host"):
            (result,) = [r for r in data["results"] if r["code"] == code]
            self.assertEqual(result["status"], "skipped")
            self.assertIn("Process check", result["message"])
