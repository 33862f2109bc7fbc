# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The toast a button shows to say what it changed."""

RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}
CLOSE = {"type": "ir.actions.act_window_close"}


def notification(message, title=False, kind="success", next_action=None):
    """A ``display_notification`` client action showing ``message``, then
    ``next_action`` (the view reloaded by default, to show the change)."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": kind,
            "sticky": False,
            "next": next_action or RELOAD,
        },
    }
