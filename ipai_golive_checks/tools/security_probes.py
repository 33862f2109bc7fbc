# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probes of the security checks (``checks/security.py``) that read the
database directly. Plain functions of a database cursor."""

from odoo.tools import SQL


def dormant_users(cr, superuser_id, grace_days, inactive_days):
    """``(never, dormant)``: the logins of the active internal users (but
    ``superuser_id``) created more than ``grace_days`` ago who never logged
    in, and of those whose last login is older than ``inactive_days``."""
    cr.execute(
        SQL(
            """
            SELECT u.id, u.login, MAX(l.create_date) AS last_login
              FROM res_users u
              LEFT JOIN res_users_log l ON l.create_uid = u.id
             WHERE u.active AND NOT u.share AND u.id != %s
             GROUP BY u.id, u.login, u.create_date
            HAVING (MAX(l.create_date) IS NULL
                    AND u.create_date < now() at time zone 'UTC'
                                        - make_interval(days => %s))
                OR MAX(l.create_date) < now() at time zone 'UTC'
                                        - make_interval(days => %s)
             ORDER BY u.id
            """,
            superuser_id,
            grace_days,
            inactive_days,
        )
    )
    rows = cr.fetchall()
    never = [login for _id, login, last in rows if last is None]
    dormant = [login for _id, login, last in rows if last is not None]
    return never, dormant
