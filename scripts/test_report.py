"""Judge an Odoo test log and print the final ``N passed, N failed`` line.

The run fails when Odoo reports failures or errors, when the process exited
non-zero, when a test was skipped for a reason that is not allowed (a browser
test skipped for want of Chromium or ``websocket-client`` is never allowed),
or when our own code logged a WARNING or worse.

Per addon as well: every test method written in an addon's ``tests/*.py``
(``def test_...``) must have been started (a test file missing from
``tests/__init__.py``, or an addon whose tests were not collected, fails the
run), and at least one of them must have run rather than been skipped.
"""

import argparse
import pathlib
import re
import sys
import types

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
STARTED_RE = re.compile(
    r" INFO \S+ odoo\.addons\.(?P<addon>\w+)\.tests\.\S+: Starting (?P<test>\S+) \.\.\."
)
SKIPPED_ADDON_RE = re.compile(r"odoo\.addons\.(?P<addon>\w+)\.tests\.")
TEST_DEF_RE = re.compile(r"^\s+def (test_\w+)\(", re.MULTILINE)
REPO = pathlib.Path(__file__).resolve().parent.parent
# Skip reasons that are acceptable; anything else fails the run.
ALLOWED_SKIPS = (re.compile(r"^Allowed: "),)
OUR_LOGGERS = re.compile(r"(^|\.)(ipai_golive\w*|test_ipai_golive\w*)(\.|$)")


def expected_tests(repo=REPO):
    """``{addon: number of test methods in its tests/*.py}`` of the repo."""
    expected = {}
    for tests in sorted(repo.glob("*/tests")):
        if not (tests.parent / "__manifest__.py").exists():
            continue
        expected[tests.parent.name] = sum(
            len(set(TEST_DEF_RE.findall(path.read_text(encoding="utf-8"))))
            for path in tests.glob("test_*.py")
        )
    return expected


def addon_problems(started, skipped_by_addon, expected):
    """What the per-addon counts say is wrong."""
    problems = []
    for addon, count in sorted(expected.items()):
        ran = started.get(addon, 0)
        if ran < count:
            problems.append(
                f"{addon}: {ran} tests started, {count} written in its tests/: "
                "some were not collected"
            )
        elif count and ran <= skipped_by_addon.get(addon, 0):
            problems.append(f"{addon}: every one of its {ran} tests was skipped")
    return problems


def parse_log(lines):
    """What the log says: Odoo's result, skips, tests started, our warnings."""
    result = None
    skipped, bad_skips, our_warnings, errors_logged = 0, [], [], []
    started, skipped_by_addon = {}, {}
    for line in lines:
        if match := RESULT_RE.search(line):
            result = {key: int(value) for key, value in match.groupdict().items()}
        elif match := STARTED_RE.search(line):
            started[match["addon"]] = started.get(match["addon"], 0) + 1
        elif match := SKIP_RE.search(line):
            skipped += 1
            if addon := SKIPPED_ADDON_RE.search(match["logger"]):
                name = addon["addon"]
                skipped_by_addon[name] = skipped_by_addon.get(name, 0) + 1
            if not any(p.search(match["reason"]) for p in ALLOWED_SKIPS):
                bad_skips.append(f"{match['test']}: {match['reason']}")
        elif match := LOG_RE.match(line):
            if OUR_LOGGERS.search(match["logger"]):
                our_warnings.append(line)
            elif match["level"] != "WARNING":
                errors_logged.append(line)
    return types.SimpleNamespace(
        result=result,
        skipped=skipped,
        bad_skips=bad_skips,
        our_warnings=our_warnings,
        errors_logged=errors_logged,
        started=started,
        skipped_by_addon=skipped_by_addon,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("log")
    parser.add_argument("--odoo-exit-code", type=int, default=0)
    args = parser.parse_args()
    with open(args.log, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    log = parse_log(lines)
    result, skipped, bad_skips = log.result, log.skipped, log.bad_skips
    our_warnings, errors_logged = log.our_warnings, log.errors_logged
    started, skipped_by_addon = log.started, log.skipped_by_addon

    problems = []
    if result is None:
        problems.append("Odoo printed no test report: the run did not complete.")
        result = {"failed": 0, "errors": 0, "run": 0}
    elif not result["run"]:
        problems.append("Odoo ran no test at all.")
    if args.odoo_exit_code:
        problems.append(f"odoo exited with code {args.odoo_exit_code}.")
    problems.extend(addon_problems(started, skipped_by_addon, expected_tests()))
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
    print(
        "Per addon (started / written): "
        + ", ".join(
            f"{addon} {started.get(addon, 0)}/{count}"
            for addon, count in sorted(expected_tests().items())
        )
    )
    print(f"{passed} passed, {failed} failed")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())
