# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probe of the reports check (``checks/reports.py``): what the
wkhtmltopdf binary says of itself. Plain Python."""

import re
import subprocess

VERSION_RE = re.compile(r"wkhtmltopdf\s+(?P<version>\d+(?:\.\d+)+)", re.IGNORECASE)
PATCHED_QT = "with patched qt"


def version_output(binary, timeout):
    """``(output, exit code)`` of ``binary --version`` (stdout and stderr
    together, stripped).

    :raise OSError, subprocess.TimeoutExpired: when it does not run
    """
    process = subprocess.run(
        [binary, "--version"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return f"{process.stdout}\n{process.stderr}".strip(), process.returncode


def read_version(output):
    """``(version, built on a patched Qt)`` of a ``--version`` output; the
    version is None when the output names none."""
    match = VERSION_RE.search(output)
    return (match["version"] if match else None), PATCHED_QT in output.lower()
