# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tasks set to N/A before N/A needed a reason get one saying so, so that
every N/A task says why (and who may revisit it)."""

from odoo.tools import SQL

REASON = (
    "Set to N/A before a reason was required: to be confirmed by a Go-Live Manager."
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "UPDATE golive_task SET na_reason = %s "
            "WHERE state = 'na' AND COALESCE(na_reason, '') = ''",
            REASON,
        )
    )
