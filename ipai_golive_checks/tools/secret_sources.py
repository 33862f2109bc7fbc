# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the known secrets of a server and a database are found.

:func:`secrets.mask` hides every *known* secret value wherever it appears; this
module says which values are known: the server options that hold passwords and
the columns of optional models that store credentials. The engine
(``golive.check.run._golive_known_secrets``) and the CLI's error messages read
them from here.
"""

from odoo.tools import SQL

# Server options holding a password or a token.
SECRET_OPTIONS = (
    "db_password",
    "admin_passwd",
    "smtp_password",
    "golive_metrics_token",
)
# Known secrets stored by optional models: (model, table, column).
SECRET_COLUMNS = (
    ("ir.mail_server", "ir_mail_server", "smtp_pass"),
    ("fetchmail.server", "fetchmail_server", "password"),
    ("iap.account", "iap_account", "account_token"),
)


def option_secrets(options):
    """The set values of the password options of ``options`` (odoo's config)."""
    return {options.get(key) for key in SECRET_OPTIONS} - {None, False, ""}


def column_secrets(env):
    """The credentials stored by the installed models of ``SECRET_COLUMNS``
    (one query)."""
    selects = [
        SQL(
            "SELECT %s::text FROM %s WHERE COALESCE(%s, '') != ''",
            SQL.identifier(column),
            SQL.identifier(table),
            SQL.identifier(column),
        )
        for model, table, column in SECRET_COLUMNS
        if model in env
    ]
    if not selects:
        return set()
    env.cr.execute(SQL(" UNION ").join(selects))
    return {row[0] for row in env.cr.fetchall()}
