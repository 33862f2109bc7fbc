# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Back Up Now: the checklist's side of ``golive.backup``."""

from odoo import models

from ..tools.notification import notification


class GoliveChecklist(models.Model):
    # one concern of golive.checklist per file, as Odoo spreads project.task
    _inherit = "golive.checklist"  # pylint: disable=consider-merging-classes-inherited

    def action_backup(self):
        """Queue a pre-cutover backup; the backup job runs it in the background."""
        self.ensure_one()
        self._check_manager()
        backup = self.env["golive.backup"]._golive_queue(self)
        return notification(
            self.env._(
                "Backup %(backup)s queued: it runs in the background and shows "
                "here when done.",
                backup=backup.display_name,
            )
        )
