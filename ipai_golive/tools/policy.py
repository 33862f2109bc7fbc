# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The go-live policy: when is a gate red.

Plain Python, the one statement of the rule. ``golive.task.is_red_gate``
(stored and indexed, so SQL, searches and ``_read_group`` read it) is computed
from :func:`gate_red_reasons`, and so is the audit's own write of it; the
go-live guard, the overview, the Go/No-Go pre-flight summary, the alerts, the
task's Red Gates filter and the Prometheus metrics all read that field, and
the go-live refusal tells each red gate with its reasons.
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
    """Every reason a task is a red gate, all at once: an empty tuple when it
    is not one.

    A waived gate is green whatever its checks and sign-off say; a gate that
    is neither done nor waived is red for its state; a gate is red while its
    bound checks fail or did not run in the checklist's last audit (a waived
    finding counts as passing), done or not; a done gate is red while the
    sign-off it asks for is missing (a sign-off is given to a done gate
    only: one missing on an open gate is no reason of its own).
    """
    if not is_gate or state == "waived":
        return ()
    reasons = []
    if state != "done":
        reasons.append(REASON_STATE)
    if check_status in RED_CHECKS:
        reasons.append(REASON_CHECKS)
    if signoff_missing and state == "done":
        reasons.append(REASON_SIGNOFF)
    return tuple(reasons)


def audit_state(state, status):
    """The state an audit gives a task in ``state`` whose bound checks read
    ``status``: all pass, done; one fails or errors, back to to-do; nothing
    ran or warnings only, unchanged. Waived, n/a and blocked tasks keep
    their state: a person blocked them, a person unblocks them."""
    if state in ("waived", "na", "blocked"):
        return state
    if status == "pass":
        return "done"
    if status in FAILING_CHECKS:
        return "todo"
    return state


def is_red_gate(is_gate, state, check_status, signoff_missing):
    """Whether a task is a red gate (see :func:`gate_red_reasons`)."""
    return bool(gate_red_reasons(is_gate, state, check_status, signoff_missing))
