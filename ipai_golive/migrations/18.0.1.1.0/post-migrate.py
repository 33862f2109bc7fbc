# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Task names lose the seed's Markdown code marks: the template data now says
"proxy_mode = True configured", the tasks made from it before still say
"`proxy_mode = True` configured". (The template's lines are data: the
update reloads them.)"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "UPDATE golive_task SET name = replace(name, '`', '') WHERE name LIKE %s",
            "%`%",
        )
    )
