# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The environment parameter moves into the engine's namespace:
``ipai_golive.environment`` becomes ``ipai_golive_checks.environment``."""

OLD_KEY = "ipai_golive.environment"
NEW_KEY = "ipai_golive_checks.environment"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_config_parameter
           SET key = %s
         WHERE key = %s
           AND NOT EXISTS (SELECT 1 FROM ir_config_parameter WHERE key = %s)
        """,
        [NEW_KEY, OLD_KEY, NEW_KEY],
    )
    cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [OLD_KEY])
