# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checklist families of the Prometheus exposition of the engine.

Registered with the engine's ``register_families`` when this addon is
imported: the red gates (the go-live policy's stored verdict,
``golive_task.is_red_gate``), the target go-live date and the end of the
change freeze of each open checklist.
"""

from odoo.addons.ipai_golive_checks.tools.metrics import register_families

OPEN_CHECKLIST_STATES = ("draft", "in_progress", "ready", "live", "stabilizing")
GATE_LABELS = ["db", "checklist", "state"]


def collect_checklists(cr):
    """The open checklists of the database with their red gates, in one query."""
    cr.execute(
        """
        SELECT c.name, c.state,
               EXTRACT(EPOCH FROM c.date_golive::timestamp),
               EXTRACT(EPOCH FROM c.date_freeze_end),
               COUNT(t.id) FILTER (WHERE t.is_red_gate)
          FROM golive_checklist c
          LEFT JOIN golive_task t ON t.checklist_id = c.id
         WHERE c.state IN %s AND c.active
         GROUP BY c.id
         ORDER BY c.id
        """,
        (OPEN_CHECKLIST_STATES,),
    )
    return [
        {
            "name": name,
            "state": state,
            "golive": float(golive) if golive is not None else None,
            "freeze_end": float(freeze_end) if freeze_end is not None else None,
            "red_gates": red_gates,
        }
        for name, state, golive, freeze_end, red_gates in cr.fetchall()
    ]


def expose_checklists(gauge, rows):
    """Declare the checklist gauges and set them from ``[(db, checklists)]``."""
    red = gauge(
        "golive_checklist_red_gates", "Red gates of an open checklist.", GATE_LABELS
    )
    golive = gauge(
        "golive_checklist_golive_timestamp_seconds",
        "Target go-live date of an open checklist.",
        GATE_LABELS,
    )
    freeze = gauge(
        "golive_checklist_freeze_end_timestamp_seconds",
        "End of the change freeze after go-live.",
        GATE_LABELS,
    )
    for db, checklists in rows:
        for checklist in checklists:
            labels = (db, checklist["name"], checklist["state"])
            red.labels(*labels).set(checklist["red_gates"])
            if checklist["golive"] is not None:
                golive.labels(*labels).set(checklist["golive"])
            if checklist["freeze_end"] is not None:
                freeze.labels(*labels).set(checklist["freeze_end"])


register_families("ipai_golive", collect_checklists, expose_checklists)
