"""Write each addon's README.rst from its manifest and readme/ fragments.

The fragments are Markdown (``readme/*.md``, as OCA's template has them); the
README.rst is reStructuredText (Odoo renders it on the Apps page), so the
Markdown this project uses is converted: fenced code blocks become
``code-block`` directives, single-backtick code becomes inline literals,
``[text](url)`` links, ``![alt](path)`` images and ``#`` headings their RST
forms. ``--check`` exits 1 when a README.rst is stale or is not clean RST:
parsed by docutils, any warning, any leftover Markdown (a code fence, a
single-backtick "title reference") fails.
"""

import argparse
import ast
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FRAGMENTS = ("DESCRIPTION", "CONFIGURE", "USAGE", "CATALOGUE", "CONTRIBUTORS")


INLINE_CODE = re.compile(r"(?<![`\\])`([^`\n]+)`(?![`_])")
LITERAL = re.compile(r"(``.+?``)", re.S)
# _emphasis_ (prettier writes emphasis with underscores), within a paragraph
EMPHASIS = re.compile(r"(?<![\w*])_(?=\S)((?:(?!\n\s*\n)[^_])+?)(?<=\S)_(?!\w)")
IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{2,4}) (.+)$")
UNDERLINES = {2: "-", 3: "~", 4: "^"}


def inline(text):
    """Markdown inline code, emphasis and links of a run of lines, as RST."""
    parts = LITERAL.split(INLINE_CODE.sub(r"``\1``", text))
    return "".join(
        part if i % 2 else LINK.sub(r"`\1 <\2>`__", EMPHASIS.sub(r"*\1*", part))
        for i, part in enumerate(parts)
    )


def markdown_to_rst(text):
    out, prose, fence = [], [], None

    def flush():
        if prose:
            out.extend(inline("\n".join(prose)).split("\n"))
            prose.clear()

    for line in text.splitlines():
        if fence is not None:
            if line.strip() == "```":
                fence = None
                out.append("")
            else:
                out.append(f"   {line}" if line else "")
            continue
        if line.startswith("```"):
            flush()
            fence = line[3:].strip() or "text"
            if out and out[-1]:
                out.append("")
            out += [f".. code-block:: {fence}", ""]
            continue
        if image := IMAGE.match(line):
            flush()
            # the fragment's path is relative to readme/, README.rst's to the addon
            path = image[2].removeprefix("../")
            out += [f".. image:: {path}", f"   :alt: {image[1]}"]
            continue
        if heading := HEADING.match(line):
            flush()
            title = inline(heading[2])
            out += [title, UNDERLINES[len(heading[1])] * len(title)]
            continue
        prose.append(line)
    flush()
    if fence is not None:
        raise ValueError("a code fence (```) is not closed")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def rst_problems(text, source):
    """What docutils says of ``text``, plus the Markdown it lets through."""
    import io

    from docutils import nodes
    from docutils.core import publish_doctree

    stream = io.StringIO()
    tree = publish_doctree(
        text,
        source_path=source,
        settings_overrides={
            "warning_stream": stream,
            "report_level": 2,
            "halt_level": 5,
            "file_insertion_enabled": False,
            "raw_enabled": False,
        },
    )
    problems = [line for line in stream.getvalue().splitlines() if line.strip()]
    problems += [
        f"{source}: `{node.astext()}` is a title reference: Markdown code? "
        "(RST inline code is ``double backticks``)"
        for node in tree.findall(nodes.title_reference)
    ]
    problems += [
        f"{source}: a Markdown code fence (```) is left"
        for node in tree.findall(nodes.paragraph)
        if node.astext().startswith("```")
    ]
    return problems


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
            body = markdown_to_rst(path.read_text())
            parts.append(f"{title}\n{'=' * len(title)}\n\n{body}\n")
    parts.append(f"License\n=======\n\n{manifest['license']}\n")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale, invalid = [], []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        target = addon / "README.rst"
        text = render(addon)
        if args.check:
            invalid += rst_problems(text, str(target.relative_to(ROOT)))
        if target.exists() and target.read_text() == text:
            continue
        if args.check:
            stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    for problem in invalid:
        print(f"not valid reStructuredText: {problem}")
    if stale:
        print("stale, run scripts/gen_addon_readme.py: " + ", ".join(stale))
    return 1 if stale or invalid else 0


if __name__ == "__main__":
    sys.exit(main())
