# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin golive --report what_shipped|go_live_manifest``: the release
reports of the Go-Live app (``ipai_golive``), rendered from the command line.

The engine only parses the options and writes the bytes: the rendering is
``golive.check.registry._golive_cli_report``, an extension point the app
implements (the latest release; when none was taken yet, or with
``--manifest PATH``, the live state of the database; nothing is written).
"""

import sys

from ..tools.output_file import write_private

REPORTS = ("what_shipped", "go_live_manifest")
REPORT_FORMATS = ("markdown", "pdf")
DEFAULT_REPORT_FORMAT = "markdown"


def add_report_arguments(parser):
    parser.add_argument(
        "--report",
        choices=REPORTS,
        help="render the report of the latest release (or of the live state "
        "when none was taken) instead of running the checks; --format "
        f"{' or '.join(REPORT_FORMATS)} (default {DEFAULT_REPORT_FORMAT}); needs "
        "the Go-Live app",
    )


def report_format(options, formats, error):
    """The format of ``--report``, or refuse ``pdf`` without it.

    ``error`` is the CLI's usage error class; ``formats`` the audit formats.
    """
    if not options.report:
        if options.format in REPORT_FORMATS and options.format not in formats:
            raise error(f"--format {options.format} is for --report only.")
        return None
    if options.format is None:
        return DEFAULT_REPORT_FORMAT
    if options.format not in REPORT_FORMATS:
        raise error(
            f"--report renders {' or '.join(REPORT_FORMATS)}, not {options.format}."
        )
    return options.format


def run_report(env, options, fmt, error, ship=None):
    """Render the report; return its bytes. Nothing is written."""
    content = env["golive.check.registry"]._golive_cli_report(
        options.report, fmt, ship=ship
    )
    env.cr.rollback()
    if content is None:
        raise error(
            f"--report needs the Go-Live app (ipai_golive) installed in database "
            f"{env.cr.dbname!r}."
        )
    return content


def write_bytes(content, output):
    if output:
        write_private(output, content)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
