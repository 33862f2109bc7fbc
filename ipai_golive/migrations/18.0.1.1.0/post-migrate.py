# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stored data of 18.0.1.0.0 brought to 18.0.1.1.0:

* tasks set to N/A before N/A needed a reason get one saying so, so that every
  N/A task says why (and who may revisit it);
* task names lose the seed's Markdown code marks: the template data now says
  "proxy_mode = True configured", the tasks made from it before still say
  "`proxy_mode = True` configured". (The template's lines are data: the update
  reloads them.)
"""

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
    cr.execute(
        SQL(
            "UPDATE golive_task SET name = replace(name, '`', '') WHERE name LIKE %s",
            "%`%",
        )
    )
