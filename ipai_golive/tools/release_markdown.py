# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A release report's :class:`~.release_report.Document` as Markdown.

The texts are the builder's; this only lays them out: ``#`` headings, ``-``
lists of facts, numbered install stages, tables whose cells keep their pipes
(escaped) and commands as code spans (kept intact: ``2>&1 | grep -q ok``).
"""

from .release_report import one_line


def md_cell(value):
    """``value`` on one line, for a Markdown table cell."""
    return one_line(value).replace("|", "\\|") or "-"


def md_code(value):
    """``value`` as a code span, kept intact (pipes, ``&``, ``>``); text
    that carries its own code spans is Markdown already."""
    text = one_line(value)
    return text if "`" in text else f"`{text}`"


def _md_facts(block):
    return [
        f"- {fact.label}: {md_code(fact.value) if fact.code else fact.value}"
        for fact in block.rows
    ] + [""]


def _md_table(block):
    headers = block.headers
    lines = [
        f"| {' | '.join(md_cell(h) for h in headers)} |",
        f"|{' --- |' * len(headers)}",
    ]
    lines += [f"| {' | '.join(md_cell(c) for c in row)} |" for row in block.rows]
    return [*lines, ""]


def _md_stages(block):
    lines = [
        f"{index}. {stage}: {modules or '-'}"
        for index, (stage, modules) in enumerate(block.rows, 1)
    ]
    return [*lines, ""]


MARKDOWN_BLOCKS = {
    "facts": _md_facts,
    "paragraph": lambda block: [block.text, ""],
    "table": _md_table,
    "stages": _md_stages,
}


def render_markdown(document):
    """``document`` as Markdown text, ending with one newline."""
    lines = [f"# {document.title}", "", *_md_facts(document.facts)]
    for section in document.sections:
        lines += [f"{'#' * section.level} {section.title}", ""]
        for block in section.blocks:
            lines += MARKDOWN_BLOCKS[block.kind](block)
    return "\n".join(lines).rstrip("\n") + "\n"
