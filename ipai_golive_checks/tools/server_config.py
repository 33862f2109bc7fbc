# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probes of the configuration checks (``checks/config.py``): a master
password hashed or not, a path under a temporary directory, the dbfilter as
Odoo expands it for a host, the host's memory.

Plain Python; Odoo's own password context judges a hash.
"""

import os
import re
import tempfile
from urllib.parse import urlsplit

import psutil

from odoo.tools.config import crypt_context


def is_hashed(value):
    """Whether ``value`` is a password hash Odoo's context knows."""
    try:
        return crypt_context.identify(value) not in (None, "plaintext")
    except ValueError:
        return False


def _under(path, parent):
    path, parent = os.path.realpath(path), os.path.realpath(parent)
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def is_temporary_path(path):
    """Whether ``path`` is (under) a temporary directory of this host."""
    return any(_under(path, tmp) for tmp in {"/tmp", "/var/tmp", tempfile.gettempdir()})


def dbfilter_pattern(dbfilter, base_url):
    """``dbfilter`` as Odoo expands it for a request to ``base_url``: ``%h``
    the host (without ``www.``), ``%d`` its first label."""
    if "%h" not in dbfilter and "%d" not in dbfilter:
        return dbfilter
    host = urlsplit(base_url or "").hostname or ""
    if host.startswith("www."):
        host = host[4:]
    domain = host.partition(".")[0]
    return dbfilter.replace("%h", re.escape(host)).replace("%d", re.escape(domain))


def dbfilter_matches(dbfilter, dbname, base_url):
    """Whether ``dbfilter``, as Odoo expands it for ``base_url``, selects
    ``dbname`` (``re.match``, as Odoo does).

    :raise re.error: when the expanded filter is no regular expression
    """
    return bool(re.match(dbfilter_pattern(dbfilter, base_url), dbname))


def host_memory():
    """The host's total memory, in bytes."""
    return psutil.virtual_memory().total
