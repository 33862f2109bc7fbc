# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sizing figures of the host against the server configuration.

Odoo's deployment documentation: about ``2 x CPU + 1`` workers, and the
host's memory must hold every worker (HTTP and cron) at ``limit_memory_hard``.
"""

import os
import platform

import psutil


def max_workers(cpus):
    """Odoo's rule of thumb for the number of HTTP workers."""
    return 2 * cpus + 1


def sizing(workers, cron_threads, limit_memory_hard):
    """Host figures and the configuration's needs, as a dict."""
    cpus = psutil.cpu_count() or 1
    total = psutil.virtual_memory().total
    processes = workers + cron_threads if workers else 1
    return {
        "cpus": cpus,
        "workers": workers,
        "max_cron_threads": cron_threads,
        "max_workers": max_workers(cpus),
        "host_memory": total,
        "needed_memory": processes * (limit_memory_hard or 0),
    }


def is_prefork_child():
    """True in an HTTP/cron worker forked by the prefork master."""
    from odoo.service import server as odoo_server

    server = getattr(odoo_server, "server", None)
    return isinstance(server, odoo_server.PreforkServer) and (server.pid != os.getpid())


def process_memory():
    """``(pid, rss, vms, used)`` of this process, in bytes; ``used`` is the
    figure Odoo compares with its limits (``server.memory_info``: the
    resident size on macOS, the virtual size elsewhere)."""
    process = psutil.Process()
    info = process.memory_info()
    used = info.rss if platform.system() == "Darwin" else info.vms
    return process.pid, info.rss, info.vms, used
