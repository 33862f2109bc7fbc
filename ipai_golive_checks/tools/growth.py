# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Daily size measurements and the growth they show.

A history is ``{"YYYY-MM-DD": {source: bytes}}`` (JSON-safe, kept in a
check's memory): one measurement a day, the last one of the day wins.
"""

from datetime import date


def record(history, day, sizes, keep_days):
    """``history`` with today's ``sizes``, the oldest days beyond
    ``keep_days`` dropped."""
    history = dict(history or {})
    history[day] = dict(sizes)
    return dict(sorted(history.items())[-max(int(keep_days), 1) :])


def daily_growth(history, sources):
    """Bytes a day the sum of ``sources`` grows by (least squares over the
    measured days), or ``None`` with fewer than 2 days measuring them all."""
    points = [
        (date.fromisoformat(day).toordinal(), sum(sizes[s] for s in sources))
        for day, sizes in history.items()
        if all(isinstance(sizes.get(s), int | float) for s in sources)
    ]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _y in points) / len(points)
    mean_y = sum(y for _x, y in points) / len(points)
    var = sum((x - mean_x) ** 2 for x, _y in points)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var
