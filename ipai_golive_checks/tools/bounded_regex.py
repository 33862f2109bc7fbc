# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A regular expression from a record, matched with a time bound.

A ``dbfilter_regex`` comes from a ship manifest someone uploaded. Python's
``re`` backtracks without limit (``^(a+)+$`` against ``"a" * 40 + "b"`` takes
hours) and a thread cannot be interrupted, so the match runs in a child
Python process, killed when the bound passes. Plain Python: shared by the
manifest loader and the checks.
"""

import json
import subprocess
import sys

TIMEOUT = 2.0  # seconds; a database name is matched in microseconds

_CHILD = """
import json, re, sys
pattern, text, mode = json.load(sys.stdin)
found = (re.match if mode == "match" else re.search)(pattern, text)
sys.stdout.write("1" if found else "0")
"""


class RegexTimeout(ValueError):
    """The pattern did not finish within the bound: refused."""


def bounded_match(pattern, text, mode="match", timeout=TIMEOUT):
    """``re.match`` (or ``re.search`` with ``mode="search"``) of ``pattern``
    on ``text``, as a bool, in at most ``timeout`` seconds.

    :raise re.error: the pattern does not compile (checked here, quickly)
    :raise RegexTimeout: the match did not finish in time (the child is killed)
    """
    import re

    re.compile(pattern)  # a syntax error is raised here, not in the child
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _CHILD],
            input=json.dumps([pattern, text, mode]),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RegexTimeout(
            f"the regular expression {pattern!r} did not finish matching "
            f"{text!r} within {timeout:g} s (catastrophic backtracking)"
        ) from exc
    if proc.returncode != 0 or proc.stdout not in ("0", "1"):
        raise RegexTimeout(
            f"the regular expression {pattern!r} could not be matched: "
            f"{proc.stderr.strip()[-200:]}"
        )
    return proc.stdout == "1"
