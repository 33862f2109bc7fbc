# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The go-live policy: when is a gate red.

Plain Python, the one statement of the rule. ``golive.task.is_red_gate``
(stored and indexed, so SQL, searches and ``_read_group`` read it) is computed
from :func:`gate_red_reasons`; the go-live guard, the overview, the Go/No-Go
pre-flight summary, the alerts and the Prometheus metrics all read that field.
"""

# A gate is green only when done or waived, never n/a.
GREEN_STATES = ("done", "waived")
FAILING_CHECKS = ("fail", "error")
# Check status of a bound task when the checklist's last audit has no finding
# for one of its bindings (never audited, check not installed, skipped).
NOT_RUN = "not_run"
RED_CHECKS = (*FAILING_CHECKS, NOT_RUN)

# Reasons a gate is red, in the order they are told.
REASON_STATE = "state"
REASON_CHECKS = "checks"
REASON_SIGNOFF = "signoff"


def gate_red_reasons(is_gate, state, check_status, signoff_missing):
    """Why a task is a red gate: an empty tuple when it is not.

    A waived gate is green whatever its checks and sign-off say; a gate that
    is neither done nor waived is red for its state; a done gate is red while
    its bound checks fail or did not run in the checklist's last audit
    (a waived finding counts as passing) and while the sign-off it asks for
    is missing.
    """
    if not is_gate or state == "waived":
        return ()
    if state != "done":
        return (REASON_STATE,)
    reasons = []
    if check_status in RED_CHECKS:
        reasons.append(REASON_CHECKS)
    if signoff_missing:
        reasons.append(REASON_SIGNOFF)
    return tuple(reasons)


def is_red_gate(is_gate, state, check_status, signoff_missing):
    """Whether a task is a red gate (see :func:`gate_red_reasons`)."""
    return bool(gate_red_reasons(is_gate, state, check_status, signoff_missing))
