# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re

from odoo import models
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import conffile, server_config

MB = 1024 * 1024
LOCAL_DB_HOSTS = ("localhost", "127.0.0.1", "::1")


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
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        try:
            matches = server_config.dbfilter_matches(dbfilter, dbname, base_url)
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
        dynamic = "%h" in dbfilter or "%d" in dbfilter
        evidence = {"dbfilter": dbfilter, "database": dbname, "dynamic": dynamic}
        args = {"filter": dbfilter, "db": dbname}
        if matches:
            message = self.env._("dbfilter %(filter)r matches %(db)s.", **args)
            yield Finding.pass_(message, "dbfilter", **evidence)
        else:
            message = self.env._(
                "dbfilter %(filter)r does not match the database %(db)s.", **args
            )
            yield Finding.fail(message, "dbfilter", **evidence)

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
        elif not server_config.is_hashed(value):
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
        yield self._golive_memory_limits(
            config.get("limit_memory_soft") or 0, config.get("limit_memory_hard") or 0
        )
        yield self._golive_time_limits(
            config.get("limit_time_cpu") or 0,
            config.get("limit_time_real") or 0,
            int(ctx.params["proxy_timeout"]),
        )

    def _golive_memory_limits(self, soft, hard):
        memory = {
            "limit_memory_soft_mb": soft // MB,
            "limit_memory_hard_mb": hard // MB,
        }
        args = {"soft": soft // MB, "hard": hard // MB}
        if soft <= 0 or hard <= 0:
            return Finding.fail(
                self.env._("Memory limits are not set."), "limit_memory", **memory
            )
        if soft >= hard:
            return Finding.fail(
                self.env._(
                    "limit_memory_soft (%(soft)s MB) is not below "
                    "limit_memory_hard (%(hard)s MB).",
                    **args,
                ),
                "limit_memory",
                **memory,
            )
        return Finding.pass_(
            self.env._("Memory limits: soft %(soft)s MB < hard %(hard)s MB.", **args),
            "limit_memory",
            **memory,
        )

    def _golive_time_limits(self, cpu, real, proxy_timeout):
        times = {
            "limit_time_cpu": cpu,
            "limit_time_real": real,
            "proxy_timeout": proxy_timeout,
        }
        args = {"cpu": cpu, "real": real, "proxy": proxy_timeout}
        if cpu <= 0 or real <= 0:
            return Finding.fail(
                self.env._("Time limits are not set."), "limit_time", **times
            )
        if cpu > real:
            message = self.env._(
                "limit_time_cpu (%(cpu)ss) exceeds limit_time_real (%(real)ss).",
                **args,
            )
            return Finding.fail(message, "limit_time", **times)
        if real >= proxy_timeout:
            message = self.env._(
                "limit_time_real (%(real)ss) is not below the proxy "
                "timeout (%(proxy)ss): the proxy answers 504 before Odoo "
                "stops the request.",
                **args,
            )
            return Finding.warn(message, "limit_time", **times)
        message = self.env._(
            "Time limits: cpu %(cpu)ss <= real %(real)ss < proxy %(proxy)ss.", **args
        )
        return Finding.pass_(message, "limit_time", **times)

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
        if data_dir and server_config.is_temporary_path(data_dir):
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
                    mode=format(mode, "04o"),
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
                    mode=format(mode, "04o"),
                ),
                "rcfile",
                **evidence,
            )

    @golive_check(
        "config.absurd_values",
        title="No misread or absurd value in the configuration",
        category="config",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Write one plain value per option (no inline comment: "
        "put comments on their own line), a log_level Odoo knows, memory limits "
        "below the host's memory (Odoo's defaults: 2048/2560 MiB) and time limits "
        "of minutes (defaults: limit_time_cpu 60 s, limit_time_real 120 s).",
        tags=("performance",),
        params={"max_time_limit": 86400},
    )
    def _check_config_absurd_values(self, ctx):
        rcfile = config.rcfile
        options = (conffile.read_options(rcfile) if rcfile else None) or {}
        found = 0
        for finding in (
            *self._golive_misread_values(rcfile, options),
            *self._golive_absurd_memory(options),
            *self._golive_absurd_times(options, int(ctx.params["max_time_limit"])),
        ):
            found += 1
            yield finding
        if not found:
            yield Finding.pass_(
                self.env._("No misread or absurd value among the options."),
                "options",
                rcfile=rcfile or "",
            )

    def _golive_misread_values(self, rcfile, options):
        """A failure per value of the file Odoo misreads."""
        for line, name, kind in conffile.misread_values(options, config.casts):
            value = options[name][1]
            if kind == "number":
                message = self.env._(
                    "%(file)s line %(line)s: %(name)s = %(value)r is not a number "
                    "(an inline comment is read as part of the value).",
                    file=rcfile,
                    line=line,
                    name=name,
                    value=value,
                )
            else:
                message = self.env._(
                    "%(file)s line %(line)s: %(name)s = %(value)r is not one of "
                    "Odoo's values (%(choices)s).",
                    file=rcfile,
                    line=line,
                    name=name,
                    value=value,
                    choices=", ".join(config.casts[name].choices),
                )
            yield Finding.fail(message, name, rcfile=rcfile, line=line, kind=kind)

    def _golive_absurd_memory(self, options):
        """A failure per memory limit above the host's memory."""
        memory = server_config.host_memory()
        for name in ("limit_memory_soft", "limit_memory_hard"):
            value = config.get(name)
            if isinstance(value, int) and value > memory:
                yield Finding.fail(
                    self.env._(
                        "%(where)s: %(name)s is %(value)s MB, more than the host's "
                        "%(memory)s MB: it never applies.",
                        where=self._golive_option_where(options, name),
                        name=name,
                        value=value // MB,
                        memory=memory // MB,
                    ),
                    name,
                    value_mb=value // MB,
                    host_memory_mb=memory // MB,
                )

    def _golive_absurd_times(self, options, max_time):
        """A failure per time limit of 0 or above ``max_time`` seconds."""
        for name in ("limit_time_cpu", "limit_time_real"):
            value = config.get(name)
            if isinstance(value, int) and (value == 0 or value > max_time):
                yield Finding.fail(
                    self.env._(
                        "%(where)s: %(name)s = %(value)s s: %(why)s",
                        where=self._golive_option_where(options, name),
                        name=name,
                        value=value,
                        why=self.env._("workers are killed at once.")
                        if value == 0
                        else self.env._(
                            "more than %(max)s s, it never stops a runaway request.",
                            max=max_time,
                        ),
                    ),
                    name,
                    value=value,
                    max_time_limit=max_time,
                )

    def _golive_option_where(self, options, name):
        """Where an option's value comes from: its line, or the command line."""
        if name in options:
            return self.env._(
                "%(file)s line %(line)s", file=config.rcfile, line=options[name][0]
            )
        return self.env._("set outside the file")

    @golive_check(
        "config.db_tls",
        title="A remote database reached over TLS",
        category="config",
        severity="high",
        severity_by_env={"dev": "info"},
        remediation="Set db_sslmode = require (or verify-full with the server's "
        "CA) when db_host is another machine: disable, allow and prefer let the "
        "password and the data cross the network in clear.",
        tags=("security",),
    )
    def _check_config_db_tls(self, ctx):
        host = config.get("db_host") or ""
        sslmode = config.get("db_sslmode") or "prefer"
        evidence = {"db_host": host, "db_sslmode": sslmode}
        if not host or host.startswith("/") or host in LOCAL_DB_HOSTS:
            yield Finding.pass_(
                self.env._(
                    "The database is local (%(host)s): no network to protect.",
                    host=host or self.env._("Unix socket"),
                ),
                "db_host",
                **evidence,
            )
        elif sslmode in ("disable", "allow", "prefer"):
            yield Finding.fail(
                self.env._(
                    "db_host %(host)s is reached with db_sslmode = %(mode)s: TLS "
                    "is not required.",
                    host=host,
                    mode=sslmode,
                ),
                "db_host",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "db_host %(host)s is reached with db_sslmode = %(mode)s.",
                    host=host,
                    mode=sslmode,
                ),
                "db_host",
                **evidence,
            )
