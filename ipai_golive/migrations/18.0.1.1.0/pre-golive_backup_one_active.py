# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Before the unique index "one queued or running backup" is created: only the
newest active backup stays; the older ones (from two clicks, or left running
by a killed job) fail with the reason."""


def migrate(cr, version):
    cr.execute("SELECT to_regclass('golive_backup')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """
        UPDATE golive_backup
           SET state = 'failed',
               error = 'Superseded: only one backup may be queued or running.'
         WHERE state IN ('queued', 'running')
           AND id < (SELECT max(id) FROM golive_backup
                      WHERE state IN ('queued', 'running'))
        """
    )
