# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Words for people instead of raw numbers and technical values."""


def human_age(env, delta):
    """``delta`` (a timedelta) as people say it: "just now", "15 min ago",
    "3 h ago", "2 days ago"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return env._("just now")
    if minutes < 60:
        return env._("%(count)s min ago", count=minutes)
    hours = minutes // 60
    if hours < 48:
        return env._("%(count)s h ago", count=hours)
    return env._("%(count)s days ago", count=hours // 24)
