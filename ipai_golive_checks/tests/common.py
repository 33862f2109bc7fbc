# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user


class GoliveCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="golive_manager",
            groups="ipai_golive_checks.group_golive_manager",
        )
        cls.Run = cls.env["golive.check.run"].with_user(cls.manager)

    def run_checks(self, codes, environment="prod", **kwargs):
        return self.Run._run_checks(codes=codes, environment=environment, **kwargs)

    def results(self, run, code=None):
        results = (
            run.sudo()
            .env["golive.check.result"]
            .search([("run_id", "=", run.id)], order="sequence")
        )
        return results.filtered(lambda r: r.code == code) if code else results

    def statuses(self, run, code):
        """``{object_key: status}`` of one check's results in a run."""
        return {r.object_key or "": r.status for r in self.results(run, code)}

    def assertStatus(self, run, code, status, object_key=None):
        statuses = self.statuses(run, code)
        if object_key is None:
            self.assertEqual(set(statuses.values()), {status}, statuses)
        else:
            self.assertEqual(statuses.get(object_key), status, statuses)
