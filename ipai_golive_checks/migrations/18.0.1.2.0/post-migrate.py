# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's records get a company (their multi-company rules come with
this version): a manual run is its user's company's, its results follow it,
a waiver is its approver's company's, a ship manifest its importer's.
Scheduled and command-line runs (audits of the whole database) and existing
endpoints stay shared (no company: every company's managers read them)."""

RECORDS = (
    ("golive_check_run", "user_id", "rec.trigger = 'manual'"),
    ("golive_waiver", "approver_id", "TRUE"),
    ("golive_manifest", "import_user_id", "TRUE"),
)


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id FROM res_company ORDER BY sequence, id LIMIT 1")
    row = cr.fetchone()
    if not row:
        return
    # the table and column names are the constants above, never input
    for table, user_column, condition in RECORDS:
        cr.execute(
            f"""
            UPDATE {table} AS rec
               SET company_id = COALESCE(
                       (SELECT u.company_id FROM res_users u
                         WHERE u.id = rec.{user_column}),
                       %s)
             WHERE rec.company_id IS NULL AND {condition}
            """,  # noqa: S608
            [row[0]],
        )
    cr.execute(
        """
        UPDATE golive_check_result AS result
           SET company_id = run.company_id
          FROM golive_check_run AS run
         WHERE run.id = result.run_id
           AND result.company_id IS DISTINCT FROM run.company_id
        """
    )
