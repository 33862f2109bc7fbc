# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib
import re
import shutil
import tempfile
from datetime import date
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase
from odoo.tools import config

from odoo.addons.ipai_golive_checks.tools.vocabulary import MANAGER_GROUP, USER_GROUP


class GoliveCase(TransactionCase):
    """A checklist with a kickoff phase, a go-live phase and a few tasks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.user = new_test_user(
            cls.env, "golive_user", groups=f"base.group_user,{USER_GROUP}"
        )
        cls.manager = new_test_user(
            cls.env, "golive_manager", groups=f"base.group_user,{MANAGER_GROUP}"
        )
        cls.employee = new_test_user(
            cls.env, "golive_employee", groups="base.group_user"
        )
        cls.portal = new_test_user(cls.env, "golive_portal", groups="base.group_portal")
        cls.checklist = cls.env["golive.checklist"].create(
            {
                "name": "ACME v1.1.0",
                "environment": "prod",
                "date_kickoff": date(2026, 1, 5),
                "date_golive": date(2026, 2, 16),
                "phase_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "code": "1",
                            "name": "Kickoff",
                            "window_label": "Day 0-2",
                            "anchor": "kickoff",
                            "day_start": 0,
                            "day_end": 2,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 8,
                            "code": "8",
                            "name": "Go-Live Execution",
                            "window_label": "T-0",
                            "anchor": "golive",
                            "day_start": 0,
                            "day_end": 0,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 9,
                            "code": "9",
                            "name": "Post Go-Live",
                            "window_label": "T+1 to T+14",
                            "anchor": "golive",
                            "day_start": 1,
                            "day_end": 14,
                        }
                    ),
                ],
            }
        )
        cls.phase_kickoff, cls.phase_golive, cls.phase_post = cls.checklist.phase_ids
        cls.task_plain = cls._create_task(cls.phase_kickoff, "Ship manifest finalized")
        cls.gate_ci = cls._create_task(
            cls.phase_golive, "CI gates green on release tag", is_gate=True
        )
        cls.gate_backup = cls._create_task(
            cls.phase_golive, "Backup taken right before cutover", is_gate=True
        )
        cls.task_post = cls._create_task(cls.phase_post, "Daily health review")

    def _decide_go(self, checklist=None, comment="All gates green: go."):
        """Record a Go decision (no approver: a Go-Live Manager decides)."""
        checklist = checklist or self.checklist
        return checklist.with_user(self.manager)._record_decision("go", comment)

    @classmethod
    def _create_task(cls, phase, name, **vals):
        return cls.env["golive.task"].create(
            {"phase_id": phase.id, "name": name, **vals}
        )

    @contextlib.contextmanager
    def assertUserError(self, message):
        """The block raises a UserError itself, not a subclass (AccessError and
        ValidationError are UserErrors too: a removed guard would go unnoticed),
        whose message starts with ``message``."""
        with self.assertRaisesRegex(UserError, "^" + re.escape(message)) as caught:
            yield caught
        self.assertIs(type(caught.exception), UserError, caught.exception)


class GoliveBackupCase(GoliveCase):
    """Backups of the checklist go to a temporary ``golive_backup_dir`` of
    the test (removed afterwards), keeping 2 verified ones."""

    def setUp(self):
        super().setUp()
        self.directory = tempfile.mkdtemp(prefix="golive_test_backup_")
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        options = patch.dict(
            config.options,
            {"golive_backup_dir": self.directory, "golive_backup_keep": 2},
        )
        options.start()
        self.addCleanup(options.stop)
        self.Backup = self.env["golive.backup"]

    def _queue(self):
        """Back Up Now, as a Go-Live Manager: the queued backup."""
        self.checklist.with_user(self.manager).action_backup()
        return self.checklist.backup_id


def field_spec(model, arch):
    """The specification the web client sends to ``web_read`` for a view.

    Every field of the view at this level; many2ones ask for their display
    name; x2many fields ask for the fields of their inline sub-view.
    """
    spec = {}
    node = etree.fromstring(arch) if isinstance(arch, str) else arch
    for field in node.iter("field"):
        ancestor = field.getparent()
        while ancestor is not node and ancestor.tag not in ("field", "list", "kanban"):
            ancestor = ancestor.getparent()
        if ancestor is not node:
            continue  # a field of a sub-view
        name = field.get("name")
        definition = model._fields[name]
        if definition.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif definition.type in ("one2many", "many2many"):
            subview = next(
                (child for child in field if child.tag in ("list", "kanban")), None
            )
            comodel = model.env[definition.comodel_name]
            spec[name] = {
                "fields": field_spec(comodel, subview) if subview is not None else {}
            }
        else:
            spec[name] = {}
    return spec
