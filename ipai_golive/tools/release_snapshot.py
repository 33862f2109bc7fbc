# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a release records of the server, and what changed between two
releases: plain data in, plain data out (no ORM)."""

from odoo.tools import parse_version

from odoo.addons.ipai_golive_checks.tools.secrets import mask

# The server options a release records (masked): what an operator compares
# between two deployments. Paths and ports of one machine are left out.
CONFIG_SUMMARY_KEYS = (
    "workers",
    "max_cron_threads",
    "limit_memory_hard",
    "limit_memory_soft",
    "limit_time_cpu",
    "limit_time_real",
    "limit_time_real_cron",
    "limit_request",
    "db_maxconn",
    "db_host",
    "db_port",
    "db_user",
    "db_password",
    "db_sslmode",
    "dbfilter",
    "list_db",
    "proxy_mode",
    "admin_passwd",
    "log_level",
    "server_wide_modules",
    "smtp_server",
    "smtp_port",
    "smtp_ssl",
    "smtp_user",
    "smtp_password",
    "email_from",
    "unaccent",
    "x_sendfile",
)
DIFF_MODULE_KINDS = ("added", "removed", "upgraded", "downgraded")


def config_summary(options, secrets):
    """The options of CONFIG_SUMMARY_KEYS in ``options`` (``odoo.tools.config``),
    as JSON values, ``secrets`` masked."""
    values = {}
    for key in CONFIG_SUMMARY_KEYS:
        value = options.get(key)
        if not isinstance(value, bool | int | float | str) and value is not None:
            value = str(value)
        values[key] = value
    return mask(values, secrets)


def _version_key(version):
    return parse_version(version or "0")


def diff_snapshots(old, new):
    """What changed between two release snapshots (plain data).

    ``old`` and ``new`` are dicts with ``modules`` (``{name: {version, origin,
    ...}}``), ``checks`` (``{code: status}``) and ``config`` (``{key: value}``);
    versions are compared as versions, never as strings (``18.0.1.10.0`` is
    newer than ``18.0.1.9.0``).
    """
    old_modules, new_modules = old.get("modules") or {}, new.get("modules") or {}
    modules = {kind: [] for kind in DIFF_MODULE_KINDS}
    for name in sorted(new_modules.keys() - old_modules.keys()):
        row = new_modules[name]
        modules["added"].append(
            {"name": name, "version": row["version"], "origin": row["origin"]}
        )
    for name in sorted(old_modules.keys() - new_modules.keys()):
        row = old_modules[name]
        modules["removed"].append(
            {"name": name, "version": row["version"], "origin": row["origin"]}
        )
    for name in sorted(old_modules.keys() & new_modules.keys()):
        before, after = old_modules[name]["version"], new_modules[name]["version"]
        if _version_key(after) > _version_key(before):
            kind = "upgraded"
        elif _version_key(after) < _version_key(before):
            kind = "downgraded"
        else:
            continue
        modules[kind].append({"name": name, "from": before, "to": after})
    old_checks, new_checks = old.get("checks") or {}, new.get("checks") or {}
    checks = [
        {"code": code, "from": old_checks.get(code) or "", "to": new_checks.get(code)}
        for code in sorted(old_checks.keys() | new_checks.keys())
        if old_checks.get(code) != new_checks.get(code)
    ]
    old_config, new_config = old.get("config") or {}, new.get("config") or {}
    config_changes = [
        {"key": key, "from": old_config.get(key), "to": new_config.get(key)}
        for key in sorted(old_config.keys() | new_config.keys())
        if old_config.get(key) != new_config.get(key)
    ]
    return {**modules, "checks": checks, "config": config_changes}
