# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from datetime import date

from odoo import Command, api, fields, models


class GoliveUpdateProbe(models.Model):
    _name = "golive.update.probe"
    _description = "Go-Live Update Probe"

    name = fields.Char(required=True)

    @api.model
    def _probe_setup(self):
        """Version 1: a strong admin password and a staging checklist with the
        gates a guarded update and a restore are the evidence of."""
        self.env.ref("base.user_admin").password = secrets.token_urlsafe(24)
        self.env["golive.checklist"].create(
            {
                "name": "Probe v1",
                "environment": "staging",
                "date_kickoff": date(2026, 1, 5),
                "date_golive": date(2026, 2, 16),
                "phase_ids": [
                    Command.create(
                        {
                            "sequence": 0,
                            "code": "0",
                            "name": "Definition of Done",
                            "task_ids": [
                                Command.create(
                                    {
                                        "name": "Rollback plan tested",
                                        "section": "0",
                                        "is_gate": True,
                                    }
                                ),
                                Command.create(
                                    {
                                        "name": "Install/upgrade test",
                                        "section": "3.2",
                                        "is_gate": True,
                                    }
                                ),
                            ],
                        }
                    )
                ],
            }
        )
