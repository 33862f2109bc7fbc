# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sizing figures of the host against the server configuration.

Odoo's deployment documentation: about ``2 x CPU + 1`` workers, and the
host's memory must hold every worker (HTTP and cron) at ``limit_memory_hard``.
"""

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
