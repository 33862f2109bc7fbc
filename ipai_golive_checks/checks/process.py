# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Process: memory of this Odoo process, uptime, host CPU and memory.

These checks measure the process they run in, so they are ``process=True``:
from the command line they are skipped (they would measure the CLI).
"""

import os
import time

import psutil

import odoo
from odoo import models
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import capacity

MB = 1024 * 1024


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    @golive_check(
        "process.memory",
        title="Odoo process memory below limit_memory_soft",
        category="process",
        severity="medium",
        # threaded mode (workers = 0) is the usual development set-up
        severity_by_env={"dev": "info"},
        remediation="Run in prefork mode (workers > 0) so that limit_memory_soft "
        "recycles workers; if workers keep reaching it, look for a leak or raise "
        "the limit within the host's memory.",
        tags=("performance",),
        params={"warn_percent": 80},
        process=True,
    )
    def _check_process_memory(self, ctx):
        pid, rss, vms, used = capacity.process_memory()
        evented = bool(odoo.evented)
        soft = (
            (evented and config.get("limit_memory_soft_gevent"))
            or config.get("limit_memory_soft")
            or 0
        )
        workers = int(config.get("workers") or 0)
        evidence = {
            "pid": pid,
            "rss_mb": rss // MB,
            "vms_mb": vms // MB,
            "measured_mb": used // MB,
            "limit_memory_soft_mb": soft // MB,
            "workers": workers,
            "warn_percent": ctx.params["warn_percent"],
        }
        if workers <= 0 and not evented:
            yield Finding.warn(
                self.env._(
                    "Threaded mode (workers = 0): memory limits do not apply; this "
                    "process uses %(rss)s MB resident, %(vms)s MB virtual.",
                    rss=rss // MB,
                    vms=vms // MB,
                ),
                "memory",
                **evidence,
            )
        elif not soft:
            yield Finding.fail(
                self.env._("limit_memory_soft is not set."), "memory", **evidence
            )
        else:
            yield self._golive_memory_verdict(ctx, used, soft, evidence)

    def _golive_memory_verdict(self, ctx, used, soft, evidence):
        """The finding of this process using ``used`` bytes of ``soft``."""
        percent = round(100.0 * used / soft, 1)
        evidence["percent"] = percent
        args = {"used": used // MB, "soft": soft // MB, "percent": percent}
        if used >= soft:
            message = self.env._(
                "This process uses %(used)s MB, at or above limit_memory_soft "
                "(%(soft)s MB): the worker is recycled after each request.",
                **args,
            )
            return Finding.fail(message, "memory", **evidence)
        message = self.env._(
            "This process uses %(used)s MB, %(percent)s%% of "
            "limit_memory_soft (%(soft)s MB).",
            **args,
        )
        status = "warn" if percent >= float(ctx.params["warn_percent"]) else "pass"
        return Finding(status, message, "memory", evidence)

    @golive_check(
        "process.uptime",
        title="Server not restarted recently",
        category="process",
        severity="low",
        remediation="A server that restarts by itself is crashing or being "
        "killed (out of memory, limit_memory_hard, the supervisor): read the "
        "server log and the system journal around the start time.",
        tags=("performance",),
        params={"min_uptime_minutes": 10},
        process=True,
    )
    def _check_process_uptime(self, ctx):
        process = psutil.Process()
        server = process.parent() if capacity.is_prefork_child() else process
        now = time.time()
        uptime_min = round((now - server.create_time()) / 60.0, 1)
        threshold = float(ctx.params["min_uptime_minutes"])
        # Remember the server starts seen by earlier runs.
        starts = [s for s in ctx.memory.get("starts", []) if now - s < 30 * 86400]
        start = round(server.create_time())
        if start not in starts:
            starts = (starts + [start])[-20:]
            ctx.memory["starts"] = starts
        evidence = {
            "server_pid": server.pid,
            "process_pid": process.pid,
            "uptime_minutes": uptime_min,
            "process_uptime_minutes": round((now - process.create_time()) / 60.0, 1),
            "min_uptime_minutes": threshold,
            "starts_seen_30_days": len(starts),
        }
        if uptime_min < threshold:
            yield Finding.warn(
                self.env._(
                    "The server (pid %(pid)s) started %(minutes)s minutes ago, less "
                    "than %(threshold)s; %(starts)s starts seen in 30 days.",
                    pid=server.pid,
                    minutes=uptime_min,
                    threshold=threshold,
                    starts=len(starts),
                ),
                "uptime",
                **evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "The server (pid %(pid)s) has been up %(minutes)s minutes.",
                    pid=server.pid,
                    minutes=uptime_min,
                ),
                "uptime",
                **evidence,
            )

    @golive_check(
        "process.host",
        title="Host CPU and memory",
        category="process",
        severity="medium",
        remediation="Give the host more CPU or memory, or reduce workers; swap "
        "use slows every request.",
        tags=("performance",),
        params={"max_cpu_percent": 90, "max_memory_percent": 90},
        process=True,
    )
    def _check_process_host(self, ctx):
        # Since the previous call; the very first call has nothing to compare
        # with, so sample a short interval then.
        cpu = psutil.cpu_percent(interval=None)
        if not cpu:
            cpu = psutil.cpu_percent(interval=0.1)
        memory = psutil.virtual_memory()
        load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
        max_cpu = float(ctx.params["max_cpu_percent"])
        max_memory = float(ctx.params["max_memory_percent"])
        cpu_evidence = {
            "cpu_percent": cpu,
            "cpu_count": psutil.cpu_count(),
            "load_average": [round(x, 2) for x in load],
            "max_cpu_percent": max_cpu,
        }
        if cpu > max_cpu:
            yield Finding.fail(
                self.env._(
                    "Host CPU at %(cpu)s%% (threshold %(max)s%%).",
                    cpu=cpu,
                    max=max_cpu,
                ),
                "cpu",
                **cpu_evidence,
            )
        else:
            yield Finding.pass_(
                self.env._("Host CPU at %s%%.", cpu), "cpu", **cpu_evidence
            )
        memory_evidence = {
            "memory_percent": memory.percent,
            "total_mb": memory.total // MB,
            "available_mb": memory.available // MB,
            "swap_percent": psutil.swap_memory().percent,
            "max_memory_percent": max_memory,
        }
        if memory.percent > max_memory:
            yield Finding.fail(
                self.env._(
                    "Host memory %(percent)s%% used, %(available)s MB available "
                    "(threshold %(max)s%%).",
                    percent=memory.percent,
                    available=memory.available // MB,
                    max=max_memory,
                ),
                "memory",
                **memory_evidence,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Host memory %(percent)s%% used, %(available)s MB available.",
                    percent=memory.percent,
                    available=memory.available // MB,
                ),
                "memory",
                **memory_evidence,
            )

    @golive_check(
        "process.owner",
        title="Odoo not running as root",
        category="process",
        severity="high",
        # a developer's container often runs everything as root
        severity_by_env={"dev": "info"},
        remediation="Run Odoo as a dedicated unprivileged user (e.g. odoo): as "
        "root, any code execution flaw owns the host.",
        tags=("security",),
        process=True,
    )
    def _check_process_owner(self, ctx):
        uid = os.geteuid()
        if uid == 0:
            yield Finding.fail(
                self.env._("Odoo runs as root."), "uid", uid=uid, pid=os.getpid()
            )
        else:
            yield Finding.pass_(
                self.env._("Odoo runs as uid %s, not root.", uid),
                "uid",
                uid=uid,
                pid=os.getpid(),
            )

    @golive_check(
        "process.capacity",
        title="Workers and memory limits fit the host",
        category="process",
        severity="medium",
        severity_by_env={"dev": "info"},
        remediation="Keep workers near 2 x CPU + 1 and (workers + max_cron_threads) "
        "x limit_memory_hard within the host's memory, or add resources.",
        tags=("performance",),
        params={"memory_percent": 100},
    )
    def _check_process_capacity(self, ctx):
        figures = capacity.sizing(
            int(config.get("workers") or 0),
            int(config.get("max_cron_threads") or 0),
            int(config.get("limit_memory_hard") or 0),
        )
        if figures["workers"] > figures["max_workers"]:
            yield Finding.fail(
                self.env._(
                    "%(workers)s workers for %(cpus)s CPUs (2 x CPU + 1 = %(max)s).",
                    workers=figures["workers"],
                    cpus=figures["cpus"],
                    max=figures["max_workers"],
                ),
                "workers",
                **figures,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "%(workers)s workers for %(cpus)s CPUs.",
                    workers=figures["workers"],
                    cpus=figures["cpus"],
                ),
                "workers",
                **figures,
            )
        allowed = figures["host_memory"] * int(ctx.params["memory_percent"]) // 100
        message_args = {
            "needed": figures["needed_memory"] // MB,
            "host": figures["host_memory"] // MB,
        }
        if figures["needed_memory"] > allowed:
            yield Finding.fail(
                self.env._(
                    "Workers may use %(needed)s MB at limit_memory_hard; the host "
                    "has %(host)s MB.",
                    **message_args,
                ),
                "memory",
                **figures,
            )
        else:
            yield Finding.pass_(
                self.env._(
                    "Workers at limit_memory_hard: %(needed)s MB of %(host)s MB.",
                    **message_args,
                ),
                "memory",
                **figures,
            )
