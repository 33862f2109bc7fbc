# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The server configuration file as written, with line numbers.

Odoo reads ``config.rcfile`` with ``RawConfigParser`` and copies every key
of ``[options]`` into ``config.options``, known or not: a misspelt option is
kept there and silently ignored. These helpers read the file again, keeping
the line of each option, so that a check can name what Odoo did not use.
"""

import os
import re
import stat

# Options of ``odoo.tools.config`` that have no command-line flag (so no
# entry in ``config.casts``), and the old names Odoo still maps on load.
NON_CLI_OPTIONS = frozenset(
    {
        "admin_passwd",
        "csv_internal_sep",
        "publisher_warranty_url",
        "reportgz",
        "root_path",
        "websocket_keep_alive_timeout",
        "websocket_rate_limit_burst",
        "websocket_rate_limit_delay",
        "xmlrpc_port",
        "xmlrpc_interface",
        "xmlrpc",
        "longpolling_port",
    }
)

# Options holding a secret: their values are never reported.
SECRET_OPTIONS = ("admin_passwd", "db_password", "smtp_password")

OPTION_RE = re.compile(r"^([^\s:=\[#;][^:=]*?)\s*[:=]\s?(.*)$")
SECTION_RE = re.compile(r"^\[([^\]]+)\]")

# Values people leave in place of a secret (compared lower case, after
# stripping separators): "CHANGE_ME_STRONG_DB_PASSWORD", "your_password"...
PLACEHOLDER_RE = re.compile(
    r"change_?me|changeit|replace_?me|your_?(db_?|smtp_?|admin_?)?pass(word)?|"
    r"^(pass(word)?\d*|secret|admin|odoo|postgres|test|todo|tbd|x+|\*+|"
    r"example|placeholder|default|none|null)$|<[^>]*>|\$\{[^}]*\}"
)


def read_options(path):
    """``{option: (line_number, raw_value)}`` of the ``[options]`` section.

    Later occurrences win, as in ``RawConfigParser``. Returns ``None`` when
    the file cannot be read.
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    options, section = {}, None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip()[:1] in ("#", ";"):
            continue
        match = SECTION_RE.match(line)
        if match:
            section = match.group(1).strip()
            continue
        if section != "options" or line[:1].isspace():
            continue  # other sections, continuation lines
        match = OPTION_RE.match(line)
        if match:
            options[match.group(1).strip().lower()] = (number, match.group(2).strip())
    return options


def unknown_options(options, known):
    """``[(line, option)]`` of the file's options Odoo does not know."""
    return sorted(
        (line, name)
        for name, (line, _value) in options.items()
        if name not in known and name not in NON_CLI_OPTIONS
    )


def placeholder_kind(value):
    """Why ``value`` is a placeholder rather than a secret, or ``None``.

    The kind is what may be printed; the value never is.
    """
    if value is None or value is False:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.startswith("$") and "$" in text[1:]:
        # a hash: a placeholder if it carries a placeholder word in place of
        # its salt/checksum ("$pbkdf2-sha512$25000$changeme")
        if PLACEHOLDER_RE.search(text.lower().replace("-", "_")):
            return "placeholder hash"
        return None
    if PLACEHOLDER_RE.search(text.lower().replace("-", "_")):
        return "placeholder"
    return None


def file_exposure(path):
    """(mode, owner uid, readable by others, readable by group) of ``path``."""
    info = os.stat(path)
    mode = stat.S_IMODE(info.st_mode)
    return mode, info.st_uid, bool(mode & stat.S_IROTH), bool(mode & stat.S_IRGRP)


def misread_values(options, casts):
    """``[(line, option, kind)]`` of values Odoo cannot use as written.

    ``RawConfigParser`` keeps an inline comment as part of the value
    (``workers = 4 ; four``) and Odoo stores a ``choice`` option without
    checking it against its choices (``log_level = warning``). ``kind`` is
    ``"number"`` or ``"choice"``; the checked options hold no secret.
    """
    found = []
    for name, (line, value) in options.items():
        option = casts.get(name)
        if option is None or value in ("", "False", "false", "None"):
            continue
        if option.type in ("int", "float"):
            try:
                float(value)
            except ValueError:
                found.append((line, name, "number"))
        elif option.type == "choice" and value not in option.choices:
            found.append((line, name, "choice"))
    return sorted(found)
