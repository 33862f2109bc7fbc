# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re
import tempfile
from urllib.parse import urlsplit

from odoo import models
from odoo.tools import config
from odoo.tools.config import crypt_context

from ..models.golive_check_registry import Finding, golive_check
from ..tools import conffile

MB = 1024 * 1024


def _is_hashed(value):
    try:
        return crypt_context.identify(value) not in (None, "plaintext")
    except ValueError:
        return False


def _under(path, parent):
    path, parent = os.path.realpath(path), os.path.realpath(parent)
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    @golive_check(
        "config.proxy_mode",
        title="Proxy mode on",
        category="config",
        severity="high",
        severity_by_env={"dev": "info"},
        remediation="Run behind the reverse proxy with proxy_mode = True so that "
        "Odoo trusts X-Forwarded-* (scheme, host, client address).",
        tags=("http",),
    )
    def _check_config_proxy_mode(self, ctx):
        if config.get("proxy_mode"):
            yield Finding.pass_(self.env._("proxy_mode is on."), "proxy_mode")
        else:
            yield Finding.fail(
                self.env._(
                    "proxy_mode is off: behind a reverse proxy Odoo sees "
                    "http and the proxy's address."
                ),
                "proxy_mode",
                proxy_mode=False,
            )

    @golive_check(
        "config.dbfilter",
        title="dbfilter set and matching the database",
        category="config",
        severity="high",
        severity_by_env={"dev": "info"},
        remediation="Set dbfilter = ^<database>$ so that only this database is served.",
        tags=("security",),
    )
    def _check_config_dbfilter(self, ctx):
        dbfilter = config.get("dbfilter") or ""
        dbname = self.env.cr.dbname
        if not dbfilter:
            yield Finding.fail(
                self.env._(
                    "dbfilter is not set: every database of the server may be served."
                ),
                "dbfilter",
                database=dbname,
            )
            return
        pattern = dbfilter
        dynamic = "%h" in dbfilter or "%d" in dbfilter
        if dynamic:
            host = (
                urlsplit(
                    self.env["ir.config_parameter"].sudo().get_param("web.base.url")
                    or ""
                ).hostname
                or ""
            )
            if host.startswith("www."):
                host = host[4:]
            domain = host.partition(".")[0]
            pattern = dbfilter.replace("%h", re.escape(host)).replace(
                "%d", re.escape(domain)
            )
        try:
            matches = bool(re.match(pattern, dbname))
        except re.error as exc:
            yield Finding.fail(
                self.env._(
                    "dbfilter %(filter)r is not a valid regular expression: %(error)s.",
                    filter=dbfilter,
                    error=exc,
                ),
                "dbfilter",
                dbfilter=dbfilter,
            )
            return
        evidence = {"dbfilter": dbfilter, "database": dbname, "dynamic": dynamic}
        if matches:
            yield Finding.pass_(
                self.env._(
                    "dbfilter %(filter)r matches %(db)s.", filter=dbfilter, db=dbname
                ),
                "dbfilter",
                **evidence,
            )
        else:
            yield Finding.fail(
                self.env._(
                    "dbfilter %(filter)r does not match the database %(db)s.",
                    filter=dbfilter,
                    db=dbname,
                ),
                "dbfilter",
                **evidence,
            )

    @golive_check(
        "config.list_db",
        title="Database manager hidden",
        category="config",
        severity="critical",
        severity_by_env={"dev": "info", "staging": "medium"},
        remediation="Set list_db = False: it hides the database manager "
        "(create, duplicate, drop, backup).",
        tags=("security",),
    )
    def _check_config_list_db(self, ctx):
        if config.get("list_db"):
            yield Finding.fail(
                self.env._("list_db is on: the database manager is exposed."),
                "list_db",
                list_db=True,
            )
        else:
            yield Finding.pass_(self.env._("list_db is off."), "list_db")

    @golive_check(
        "config.admin_passwd",
        title="Master password changed and hashed",
        category="config",
        severity="critical",
        severity_by_env={"dev": "low"},
        remediation="Set a strong admin_passwd (the master password) and let Odoo "
        "store it hashed ($pbkdf2-sha512$...).",
        tags=("security",),
    )
    def _check_config_admin_passwd(self, ctx):
        value = config.get("admin_passwd") or ""
        if not value:
            yield Finding.pass_(
                self.env._(
                    "No master password: the database manager refuses every password."
                ),
                "admin_passwd",
                set=False,
            )
        elif value == "admin":
            yield Finding.fail(
                self.env._("The master password is the default one."),
                "admin_passwd",
                default=True,
                hashed=False,
            )
        elif not _is_hashed(value):
            yield Finding.fail(
                self.env._(
                    "The master password is stored in clear text in the configuration."
                ),
                "admin_passwd",
                default=False,
                hashed=False,
            )
        else:
            yield Finding.pass_(
                self.env._("The master password is set and hashed."),
                "admin_passwd",
                default=False,
                hashed=True,
            )

    @golive_check(
        "config.workers",
        title="Multi-process mode with a cron worker",
        category="config",
        severity="high",
        severity_by_env={"dev": "info", "staging": "medium"},
        remediation="Set workers (about 2 x CPU + 1) and max_cron_threads >= 1.",
        tags=("performance",),
    )
    def _check_config_workers(self, ctx):
        workers = config.get("workers") or 0
        threads = config.get("max_cron_threads") or 0
        if workers > 0:
            yield Finding.pass_(
                self.env._("%(count)s workers.", count=workers),
                "workers",
                workers=workers,
            )
        else:
            yield Finding.fail(
                self.env._(
                    "workers = 0: the server runs threaded, without memory or "
                    "time limits per request."
                ),
                "workers",
                workers=workers,
            )
        if threads >= 1:
            yield Finding.pass_(
                self.env._("%(count)s cron threads.", count=threads),
                "max_cron_threads",
                max_cron_threads=threads,
            )
        else:
            yield Finding.fail(
                self.env._("max_cron_threads = 0: no scheduled action runs here."),
                "max_cron_threads",
                max_cron_threads=threads,
            )

    @golive_check(
        "config.limits",
        title="Memory and time limits set and coherent",
        category="config",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Set limit_memory_soft < limit_memory_hard, limit_time_cpu <= "
        "limit_time_real, and limit_time_real below the proxy's read timeout.",
        tags=("performance",),
        params={"proxy_timeout": 720},
    )
    def _check_config_limits(self, ctx):
        soft = config.get("limit_memory_soft") or 0
        hard = config.get("limit_memory_hard") or 0
        cpu = config.get("limit_time_cpu") or 0
        real = config.get("limit_time_real") or 0
        proxy_timeout = int(ctx.params["proxy_timeout"])
        memory = {
            "limit_memory_soft_mb": soft // MB,
            "limit_memory_hard_mb": hard // MB,
        }
        if soft <= 0 or hard <= 0:
            yield Finding.fail(
                self.env._("Memory limits are not set."), "limit_memory", **memory
            )
        elif soft >= hard:
            yield Finding.fail(
                self.env._(
                    "limit_memory_soft (%(soft)s MB) is not below "
                    "limit_memory_hard (%(hard)s MB).",
                    soft=soft // MB,
                    hard=hard // MB,
                ),
                "limit_memory",
                **memory,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Memory limits: soft %(soft)s MB < hard %(hard)s MB.",
                    soft=soft // MB,
                    hard=hard // MB,
                ),
                "limit_memory",
                **memory,
            )
        times = {
            "limit_time_cpu": cpu,
            "limit_time_real": real,
            "proxy_timeout": proxy_timeout,
        }
        if cpu <= 0 or real <= 0:
            yield Finding.fail(
                self.env._("Time limits are not set."), "limit_time", **times
            )
        elif cpu > real:
            yield Finding.fail(
                self.env._(
                    "limit_time_cpu (%(cpu)ss) exceeds limit_time_real (%(real)ss).",
                    cpu=cpu,
                    real=real,
                ),
                "limit_time",
                **times,
            )
        elif real >= proxy_timeout:
            yield Finding.warn(
                self.env._(
                    "limit_time_real (%(real)ss) is not below the proxy "
                    "timeout (%(proxy)ss): the proxy answers 504 before Odoo "
                    "stops the request.",
                    real=real,
                    proxy=proxy_timeout,
                ),
                "limit_time",
                **times,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Time limits: cpu %(cpu)ss <= real %(real)ss < proxy %(proxy)ss.",
                    cpu=cpu,
                    real=real,
                    proxy=proxy_timeout,
                ),
                "limit_time",
                **times,
            )

    @golive_check(
        "config.data_dir",
        title="Data directory writable and persistent",
        category="config",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Point data_dir to a persistent, backed-up volume (not /tmp) "
        "writable by the Odoo user.",
        tags=("storage",),
    )
    def _check_config_data_dir(self, ctx):
        data_dir = config.get("data_dir") or ""
        evidence = {"data_dir": data_dir}
        problems = []
        if not data_dir or not os.path.isdir(data_dir):
            problems.append(self.env._("it does not exist"))
        elif not os.access(data_dir, os.W_OK | os.X_OK):
            problems.append(self.env._("it is not writable"))
        if data_dir and any(
            _under(data_dir, tmp) for tmp in {"/tmp", "/var/tmp", tempfile.gettempdir()}
        ):
            problems.append(self.env._("it is under a temporary directory"))
        if problems:
            yield Finding.fail(
                self.env._(
                    "data_dir %(dir)s: %(problems)s.",
                    dir=data_dir,
                    problems=", ".join(problems),
                ),
                "data_dir",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._("data_dir %(path)s is writable.", path=data_dir),
                "data_dir",
                **evidence,
            )

    @golive_check(
        "config.logfile",
        title="Server log kept",
        category="config",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Set logfile (rotated by logrotate) or syslog = True.",
    )
    def _check_config_logfile(self, ctx):
        logfile = config.get("logfile")
        if config.get("syslog"):
            yield Finding.pass_(
                self.env._("Logging to syslog."), "logfile", syslog=True
            )
        elif logfile:
            yield Finding.pass_(
                self.env._("Logging to %(path)s.", path=logfile),
                "logfile",
                logfile=logfile,
            )
        else:
            yield Finding.fail(
                self.env._(
                    "Neither logfile nor syslog is set: the log goes to stderr only."
                ),
                "logfile",
            )

    @golive_check(
        "config.demo_data",
        title="No demo data in production",
        category="config",
        severity="high",
        severity_by_env={"dev": "info", "staging": "low"},
        remediation="Production databases are created without demo data "
        "(--without-demo=all); demo data cannot be removed afterwards: recreate the "
        "database.",
        tags=("modules",),
    )
    def _check_config_demo_data(self, ctx):
        self.env.cr.execute(
            "SELECT name FROM ir_module_module WHERE state = 'installed' AND demo "
            "ORDER BY name"
        )
        names = [row[0] for row in self.env.cr.fetchall()]
        if names:
            yield Finding.fail(
                self.env._(
                    "%(count)s installed modules carry demo data.", count=len(names)
                ),
                "demo",
                count=len(names),
                modules=names[:30],
            )
        else:
            yield Finding.pass_(self.env._("No demo data installed."), "demo")

    @golive_check(
        "config.ignored_options",
        title="No option of the configuration file ignored by Odoo",
        category="config",
        severity="medium",
        remediation="Fix the spelling of the named options (underscores, as in "
        "odoo-bin --save output: dbfilter, data_dir, log_level): Odoo keeps an "
        "unknown option without using it.",
    )
    def _check_config_ignored_options(self, ctx):
        rcfile = config.rcfile
        options = conffile.read_options(rcfile) if rcfile else None
        if options is None:
            yield Finding.skip(
                self.env._("No readable configuration file: nothing to read."),
                "rcfile",
                rcfile=rcfile or "",
            )
            return
        unknown = conffile.unknown_options(options, set(config.casts))
        for line, name in unknown:
            yield Finding.fail(
                self.env._(
                    "%(file)s line %(line)s: Odoo ignores the option %(name)r.",
                    file=rcfile,
                    line=line,
                    name=name,
                ),
                name,
                rcfile=rcfile,
                line=line,
            )
        if not unknown:
            yield Finding.pass_(
                self.env._(
                    "All %(count)s options of %(file)s are known to Odoo.",
                    count=len(options),
                    file=rcfile,
                ),
                "rcfile",
                rcfile=rcfile,
            )

    @golive_check(
        "config.dev_settings",
        title="No development setting (dev_mode, debug logging)",
        category="config",
        severity="high",
        severity_by_env={"dev": "info", "staging": "low"},
        remediation="Remove dev_mode (--dev) and set log_level = info (or warn) "
        "in production: auto-reload, unminified assets and debug logs expose "
        "and slow the server.",
        tags=("security",),
    )
    def _check_config_dev_settings(self, ctx):
        dev_mode = [mode for mode in config.get("dev_mode") or [] if mode]
        log_level = config.get("log_level") or "info"
        if dev_mode:
            yield Finding.fail(
                self.env._(
                    "dev_mode is on (%(modes)s).", modes=", ".join(sorted(dev_mode))
                ),
                "dev_mode",
                dev_mode=sorted(dev_mode),
            )
        else:
            yield Finding.pass_(self.env._("dev_mode is off."), "dev_mode")
        if log_level.startswith("debug"):
            yield Finding.fail(
                self.env._("log_level is %(level)s.", level=log_level),
                "log_level",
                log_level=log_level,
            )
        else:
            yield Finding.pass_(
                self.env._("log_level is %(level)s.", level=log_level),
                "log_level",
                log_level=log_level,
            )

    @golive_check(
        "config.placeholder_secrets",
        title="No placeholder secret in the configuration",
        category="config",
        severity="critical",
        severity_by_env={"dev": "info", "staging": "medium"},
        remediation="Replace the named secret with a generated one (and set "
        "admin_passwd from the database manager so Odoo stores its hash).",
        tags=("security",),
    )
    def _check_config_placeholder_secrets(self, ctx):
        """admin_passwd, db_password, smtp_password and the outgoing mail
        servers' passwords. The default master password ``admin`` is
        config.admin_passwd's finding, not repeated here."""
        secrets = [
            (option, config.get(option))
            for option in conffile.SECRET_OPTIONS
            if not (option == "admin_passwd" and config.get(option) == "admin")
        ]
        servers = self.env["ir.mail_server"].sudo().search([("smtp_pass", "!=", False)])
        secrets += [(f"ir.mail_server,{s.id}", s.smtp_pass) for s in servers]
        found = 0
        for key, value in secrets:
            kind = conffile.placeholder_kind(value)
            if kind:
                found += 1
                yield Finding.fail(
                    self.env._("%(key)s holds a %(kind)s.", key=key, kind=kind),
                    key,
                    kind=kind,
                )
        if not found:
            yield Finding.pass_(
                self.env._(
                    "No placeholder among %(count)s secrets.",
                    count=sum(bool(value) for _key, value in secrets),
                ),
                "secrets",
            )

    @golive_check(
        "config.file_mode",
        title="Configuration file with secrets not readable by other users",
        category="config",
        severity="high",
        severity_by_env={"dev": "info"},
        remediation="chmod 640 (or 600) the configuration file and chown it to "
        "the Odoo user: it holds passwords.",
        tags=("security",),
    )
    def _check_config_file_mode(self, ctx):
        rcfile = config.rcfile
        options = conffile.read_options(rcfile) if rcfile else None
        if options is None:
            yield Finding.skip(
                self.env._("No readable configuration file: nothing to judge."),
                "rcfile",
                rcfile=rcfile or "",
            )
            return
        secrets = [
            name
            for name in conffile.SECRET_OPTIONS
            if options.get(name, (0, ""))[1] not in ("", "False", "false")
        ]
        mode, _uid, others, _group = conffile.file_exposure(rcfile)
        evidence = {
            "rcfile": rcfile,
            "mode": f"{mode:04o}",
            "sensitive_options": secrets,
        }
        if secrets and others:
            yield Finding.fail(
                self.env._(
                    "%(file)s (mode %(mode)s) is readable by every user and holds "
                    "%(secrets)s.",
                    file=rcfile,
                    mode=f"{mode:04o}",
                    secrets=", ".join(secrets),
                ),
                "rcfile",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "%(file)s (mode %(mode)s): no secret readable by other users.",
                    file=rcfile,
                    mode=f"{mode:04o}",
                ),
                "rcfile",
                **evidence,
            )
