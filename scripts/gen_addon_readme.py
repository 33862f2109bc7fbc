"""Write each addon's README.rst from its manifest and readme/ fragments.

The fragments are written to be valid as both Markdown and reStructuredText
(Odoo renders README.rst on the Apps page, and docutils warnings end up in the
server log). ``--check`` exits 1 when a README.rst is stale.
"""

import argparse
import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FRAGMENTS = ("DESCRIPTION", "CONFIGURE", "USAGE", "CATALOGUE", "CONTRIBUTORS")


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    name = manifest["name"]
    parts = [f"{'=' * len(name)}\n{name}\n{'=' * len(name)}\n"]
    if manifest.get("summary"):
        parts.append(manifest["summary"] + "\n")
    for fragment in FRAGMENTS:
        path = addon / "readme" / f"{fragment}.md"
        if path.exists():
            title = fragment.capitalize()
            parts.append(f"{title}\n{'=' * len(title)}\n\n{path.read_text().strip()}\n")
    parts.append(f"License\n=======\n\n{manifest['license']}\n")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        target = addon / "README.rst"
        text = render(addon)
        if target.exists() and target.read_text() == text:
            continue
        if args.check:
            stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale, run scripts/gen_addon_readme.py: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
