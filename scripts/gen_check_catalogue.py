"""Write ipai_golive_checks/readme/CATALOGUE.md: the engine's checks.

Reads the ``@golive_check(...)`` decorators of ``ipai_golive_checks/checks/*.py``
without importing Odoo; the engine's test_registry compares the same list,
taken from the registry of a database, with this file, so adding, removing or
renaming a check is noticed. ``--check`` exits 1 when the file is stale.
"""

import argparse
import ast
import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDON = ROOT / "ipai_golive_checks"
TARGET = ADDON / "readme" / "CATALOGUE.md"
HEADER = (
    "The checks of this addon, by code (category, default severity). Generated "
    "by ``scripts/gen_check_catalogue.py``.\n\n"
)


def _report_formats():
    path = ADDON / "tools" / "report_formats.py"
    spec = importlib.util.spec_from_file_location("golive_report_formats", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_rows():
    rows = []
    for path in sorted((ADDON / "checks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", None) != "golive_check":
                continue
            kwargs = {
                k.arg: ast.literal_eval(k.value)
                for k in node.keywords
                if k.arg in ("category", "severity", "title")
            }
            rows.append(
                {
                    "code": ast.literal_eval(node.args[0]),
                    "category": kwargs["category"],
                    "severity": kwargs.get("severity", "medium"),
                    "title": kwargs["title"],
                }
            )
    return sorted(rows, key=lambda row: row["code"])


def render():
    return HEADER + _report_formats().render_catalogue(check_rows())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when stale")
    args = parser.parse_args()
    text = render()
    current = TARGET.read_text() if TARGET.exists() else ""
    if args.check:
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run {__file__}")
            return 1
        print(f"{TARGET.relative_to(ROOT)} is up to date")
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
