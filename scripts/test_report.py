"""Judge an Odoo test log and print the final ``N passed, N failed`` line.

The run fails when Odoo reports failures or errors, when the process exited
non-zero, when a test was skipped for a reason that is not allowed (a browser
test skipped for want of Chromium or ``websocket-client`` is never allowed),
or when our own code logged a WARNING or worse.
"""

import argparse
import re
import sys

RESULT_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
SKIP_RE = re.compile(
    r" INFO \S+ (?P<logger>\S+): skipped (?P<test>.+?) : (?P<reason>.*)$"
)
LOG_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>WARNING|ERROR|CRITICAL) "
    r"\S+ (?P<logger>\S+): (?P<message>.*)$"
)
# Skip reasons that are acceptable; anything else fails the run.
ALLOWED_SKIPS = (re.compile(r"^Allowed: "),)
OUR_LOGGERS = re.compile(r"(^|\.)(ipai_golive\w*|test_ipai_golive\w*)(\.|$)")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("log")
    parser.add_argument("--odoo-exit-code", type=int, default=0)
    args = parser.parse_args()
    with open(args.log, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()

    result = None
    skipped, bad_skips, our_warnings, errors_logged = 0, [], [], []
    for line in lines:
        if match := RESULT_RE.search(line):
            result = {key: int(value) for key, value in match.groupdict().items()}
        elif match := SKIP_RE.search(line):
            skipped += 1
            if not any(p.search(match["reason"]) for p in ALLOWED_SKIPS):
                bad_skips.append(f"{match['test']}: {match['reason']}")
        elif match := LOG_RE.match(line):
            if OUR_LOGGERS.search(match["logger"]):
                our_warnings.append(line)
            elif match["level"] != "WARNING":
                errors_logged.append(line)

    problems = []
    if result is None:
        problems.append("Odoo printed no test report: the run did not complete.")
        result = {"failed": 0, "errors": 0, "run": 0}
    elif not result["run"]:
        problems.append("Odoo ran no test at all.")
    if args.odoo_exit_code:
        problems.append(f"odoo exited with code {args.odoo_exit_code}.")
    for skip in bad_skips:
        problems.append(f"skipped without an allowed reason: {skip}")
    for line in our_warnings:
        problems.append(f"our code logged: {line}")
    if errors_logged and not (result["failed"] or result["errors"]):
        problems.extend(f"error logged: {line}" for line in errors_logged[:20])

    failed = result["failed"] + result["errors"] + len(bad_skips)
    passed = result["run"] - result["failed"] - result["errors"] - skipped
    for problem in problems:
        print(f"FAIL: {problem}")
    print(
        f"Odoo: {result['failed']} failed, {result['errors']} error(s) of "
        f"{result['run']} tests; {skipped} skipped ({len(bad_skips)} not allowed); "
        f"{len(our_warnings)} warning(s) from our code."
    )
    print(f"{passed} passed, {failed} failed")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())
