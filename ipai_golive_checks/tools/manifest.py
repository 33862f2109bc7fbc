# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ship manifest: loading and validation (the parsed form and its diffs
are :mod:`.ship_manifest`'s).

Plain Python (no Odoo import), shared by the ``golive.manifest`` model, the
``manifest`` check family and ``odoo-bin golive --manifest``.

* YAML is read with PyYAML's **safe** loader only: a ``!!python/...`` tag is an
  error, never code. Dates stay text.
* The format is the JSON Schema ``data/ship_manifest.schema.json``, validated
  with ``jsonschema``. Each error is mapped back through PyYAML's composed
  node tree to ``file:line:column`` with its key path
  (``install_order[3].modules[1]``) and a hint.
* Rules a schema cannot state are checked here: duplicate keys, a stage or a
  gate id given twice, a module in two stages, contradicting ``list_db`` and
  ``dbfilter`` values, an invalid ``dbfilter_regex``.
* ``${VAR}`` values are references to the environment: they are kept as the
  reference text, never resolved, compared or printed with a value.
"""

import dataclasses
import difflib
import functools
import hashlib
import os
import re
import stat

import jsonschema
import yaml

from .bounded_regex import RegexTimeout, bounded_match
from .secrets import is_secret_key
from .ship_manifest import ShipManifest, diff_summaries, schema

__all__ = [
    "CONTEXT_KEY",
    "GATE_RESULTS_KEY",
    "GATE_RESULT_STATUSES",
    "ManifestError",
    "ManifestIssue",
    "ShipManifest",
    "as_bool",
    "diff_summaries",
    "is_reference",
    "load_manifest",
    "load_manifest_file",
]

# Context key telling the manifest checks which manifest to judge: a
# ShipManifest, a golive.manifest id, or False (none: the checks skip).
CONTEXT_KEY = "golive_manifest"
# Context key of the gate results a CI job reports: {gate id: "pass"/"fail"}.
GATE_RESULTS_KEY = "golive_gate_results"
GATE_RESULT_STATUSES = ("pass", "fail")
MAX_BYTES = 1024 * 1024
MAX_NODES = 200_000  # after alias expansion: a "billion laughs" stops here
MAX_ERRORS = 20
REFERENCE_RE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
TRUE_TEXTS = ("true", "yes", "on", "1")
FALSE_TEXTS = ("false", "no", "off", "0", "")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader (libyaml when available); dates stay text."""


def _construct_text(loader, node):
    return loader.construct_scalar(node)


def _refuse_binary(loader, node):
    raise yaml.constructor.ConstructorError(
        None, None, "binary values are not supported", node.start_mark
    )


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_Loader.add_constructor("tag:yaml.org,2002:binary", _refuse_binary)


@dataclasses.dataclass(frozen=True)
class ManifestIssue:
    """One error of a manifest, where it is and what to do."""

    filename: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""

    def __str__(self):
        where = f"{self.filename}:{self.line}:{self.column}"
        text = (
            f"{where}: {self.path}: {self.message}"
            if self.path
            else (f"{where}: {self.message}")
        )
        return f"{text} (hint: {self.hint})" if self.hint else text


class ManifestError(ValueError):
    """A manifest that cannot be used; ``issues`` lists every error found."""

    def __init__(self, issues):
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


def is_reference(value):
    """Whether ``value`` refers to an environment variable (``${VAR}``)."""
    return isinstance(value, str) and bool(REFERENCE_RE.search(value))


def as_bool(value):
    """``list_db: false`` and ``list_db: "False"`` mean the same."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS or value is None:
        return False
    raise ValueError(f"{value!r} is not true or false")


def format_path(parts):
    """``["install_order", 3, "modules", 1]`` -> ``install_order[3].modules[1]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _inline_refs(node, defs):
    """``node`` with every local ``$ref`` replaced by its definition (keys
    beside the ``$ref``, such as a more precise hint, win). ``jsonschema``
    resolves references on every item otherwise: three times slower."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline_refs(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
            rest = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@functools.cache
def _validator():
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(_inline_refs(schema(), schema().get("$defs", {})))


# ----------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------
def load_manifest(source, filename="<manifest>"):
    """Parse and validate ``source`` (text or bytes); return a ShipManifest.

    :raise ManifestError: with every error found, each with its position
    """
    if isinstance(source, bytes):
        raw = source
        if len(raw) > MAX_BYTES:
            _too_big(filename, len(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestError(
                [
                    ManifestIssue(
                        filename,
                        1,
                        1,
                        "",
                        f"not UTF-8 text (byte {exc.start})",
                        "save the file as UTF-8",
                    )
                ]
            ) from exc
    else:
        text = source
        raw = text.encode("utf-8")
        if len(raw) > MAX_BYTES:
            _too_big(filename, len(raw))
    root, data = _parse(text, filename)
    issues = _validate(root, data, filename)
    if issues:
        raise ManifestError(issues[:MAX_ERRORS])
    return ShipManifest(
        data=data, sha256=hashlib.sha256(raw).hexdigest(), filename=filename
    )


def load_manifest_file(path):
    """Read and load the manifest at ``path``: a regular file, of which at
    most ``MAX_BYTES + 1`` bytes are ever read (a FIFO, a device or a file
    growing while read cannot make us block or read without end).
    """
    # O_NONBLOCK: opening a FIFO with no writer must not hang before the
    # type is checked
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(fd, "rb") as manifest_file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ManifestError(
                [
                    ManifestIssue(
                        path,
                        1,
                        1,
                        "",
                        "not a regular file",
                        "give the path of the manifest file itself, not of a "
                        "pipe or a device",
                    )
                ]
            )
        raw = manifest_file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        _too_big(path, os.path.getsize(path))
    return load_manifest(raw, filename=path)


def _too_big(filename, size):
    raise ManifestError(
        [
            ManifestIssue(
                filename,
                1,
                1,
                "",
                f"the file is {size} bytes, more than the {MAX_BYTES} bytes allowed",
                "a ship manifest lists modules and settings: keep data and "
                "documents out of it",
            )
        ]
    )


def _yaml_issue(exc, text, filename):
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    problem = getattr(exc, "problem", None) or str(exc)
    path = _guess_path(lines, line - 1) if lines and line <= len(lines) else ""
    hint = "check the indentation and quoting around this position"
    if "mapping values are not allowed" in problem:
        key = path.rsplit(".", 1)[-1] if path and not path.endswith("]") else "value"
        hint = (
            f'the value contains ": " (a colon and a space), which YAML takes for '
            f"the start of another mapping; quote the {key}, e.g. {key}: '...'"
        )
    elif "could not determine a constructor" in problem:
        hint = "tags such as !!python/... are not allowed in a ship manifest"
    elif "\t" in (lines[line - 1] if 0 < line <= len(lines) else ""):
        hint = "indent with spaces, not tabs"
    return ManifestIssue(filename, line, column, path, problem, hint)


def _parse(text, filename):
    """``(node tree, data)`` of ``text``, parsed once."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        _check_root(root, filename)
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        raise ManifestError([_yaml_issue(exc, text, filename)]) from exc
    finally:
        loader.dispose()
    return root, data


def _check_root(root, filename):
    if root is None or (
        isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")
    ):
        raise ManifestError(
            [
                ManifestIssue(
                    filename,
                    1,
                    1,
                    "",
                    "the manifest is empty",
                    "start with the bundle: section (see the schema)",
                )
            ]
        )
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise ManifestError(
            [
                ManifestIssue(
                    filename,
                    root.start_mark.line + 1,
                    root.start_mark.column + 1,
                    "",
                    f"the manifest is {kind}, not a mapping of sections",
                    "the top level holds keys such as bundle:, install_order:, gates:",
                )
            ]
        )
    issues = []
    _check_nodes(root, [], filename, issues, [0])
    if issues:
        raise ManifestError(issues[:MAX_ERRORS])


def _check_nodes(node, path, filename, issues, count):
    """Duplicate keys and keys that are not text, anywhere in the tree."""
    count[0] += 1
    if count[0] > MAX_NODES:
        if count[0] == MAX_NODES + 1:
            issues.append(_issue_at(node, filename, path, "too many values", ""))
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_nodes(item, [*path, index], filename, issues, count)
    elif isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                _check_nodes(value_node, path, filename, issues, count)
                continue
            if not (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.tag == "tag:yaml.org,2002:str"
            ):
                issues.append(
                    _issue_at(
                        key_node,
                        filename,
                        path,
                        f"the key {getattr(key_node, 'value', '?')!r} is not text",
                        "quote it: YAML reads keys such as on, yes, 1 as "
                        "booleans or numbers",
                    )
                )
                continue
            key = key_node.value
            if key in seen:
                issues.append(
                    _issue_at(
                        key_node,
                        filename,
                        [*path, key],
                        f"duplicate key {key!r} (first given on line {seen[key]})",
                        "give each key once: YAML would silently keep the last value",
                    )
                )
            else:
                seen[key] = key_node.start_mark.line + 1
            if _is_clear_secret(key, value_node):
                issues.append(
                    _issue_at(
                        value_node,
                        filename,
                        [*path, key],
                        "a secret is written in clear",
                        "never write a secret in the manifest: refer to the "
                        'environment variable that holds it, e.g. "${DB_PASSWORD}"',
                    )
                )
            _check_nodes(value_node, [*path, key], filename, issues, count)


def _is_clear_secret(key, node):
    """A credential-like key (not a ``*_env`` variable name) with a text
    value that is not a ``${VAR}`` reference."""
    return (
        is_secret_key(key)
        and not key.lower().endswith("_env")
        and isinstance(node, yaml.ScalarNode)
        and node.tag == "tag:yaml.org,2002:str"
        and node.value.strip() not in ("", "False", "false")
        and not is_reference(node.value)
    )


_LINE_RE = re.compile(
    r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s#'\"\-][^:#]*?)?\s*:(?:\s|$)"
)


def _guess_path(lines, index):
    """The key path of line ``index``, from indentation alone.

    Used for syntax errors, when PyYAML cannot compose the tree.
    """

    def split(line):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return None
        indent = len(line) - len(line.lstrip(" "))
        dash = re.match(r" *(- +)", line)
        match = _LINE_RE.match(line)
        key = match.group("key").strip() if match and match.group("key") else None
        content = indent + len(dash.group(1)) if dash else indent
        return indent, bool(dash), content, key

    def item_index(row, indent):
        position = 0
        for above in range(row - 1, -1, -1):
            parts = split(lines[above])
            if parts is None:
                continue
            if parts[0] < indent:
                break
            if parts[0] == indent and parts[1]:
                position += 1
        return position

    parts = split(lines[index])
    if parts is None:
        return ""
    indent, is_item, content, key = parts
    path = [key] if key else []
    limit = content
    if is_item:
        path.insert(0, item_index(index, indent))
        limit = indent
    after_item = is_item
    for row in range(index - 1, -1, -1):
        parts = split(lines[row])
        if parts is None:
            continue
        indent, is_item, content, key = parts
        if is_item and indent < limit <= content:
            path.insert(0, item_index(row, indent))
            limit, after_item = indent, True
        elif (
            not is_item and key and (indent < limit or (after_item and indent == limit))
        ):
            path.insert(0, key)
            limit, after_item = indent, False
        if limit == 0 and not after_item:
            break
    return format_path(path)


# ----------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------
def _node_at(root, path):
    """``(node, key_node)`` at ``path`` in the composed tree."""
    node, key_node = root, None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k_node, v_node in node.value:
                if isinstance(k_node, yaml.ScalarNode) and k_node.value == part:
                    node, key_node = v_node, k_node
                    break
            else:
                return node, key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node, key_node
            node, key_node = node.value[part], None
        else:
            return node, key_node
    return node, key_node


def _issue_at(node, filename, path, message, hint):
    mark = node.start_mark
    return ManifestIssue(
        filename, mark.line + 1, mark.column + 1, format_path(path), message, hint
    )


def _schema_hint(error, instance_schema):
    hint = error.schema.get("x-hint") if isinstance(error.schema, dict) else None
    if hint:
        return hint
    if error.validator == "required":
        return "add it (see the schema for its meaning)"
    if error.validator == "type":
        return f"expected {error.validator_value}"
    if error.validator == "minItems":
        return "list at least one item"
    return ""


def _schema_issues(root, data, filename):
    issues = []
    for error in _validator().iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "required":
            node, _key = _node_at(root, path)
            missing = [
                key for key in error.validator_value if key not in error.instance
            ]
            for key in missing:
                issues.append(
                    _issue_at(
                        node,
                        filename,
                        [*path, key],
                        f"missing required key {key!r}",
                        _schema_hint(error, None),
                    )
                )
            continue
        if error.validator == "additionalProperties" and error.validator_value is False:
            node, _key = _node_at(root, path)
            known = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key in known or any(
                    re.search(pattern, key)
                    for pattern in error.schema.get("patternProperties", {})
                ):
                    continue
                _value, key_node = _node_at(root, [*path, key])
                close = difflib.get_close_matches(key, known, n=1)
                issues.append(
                    _issue_at(
                        key_node or node,
                        filename,
                        [*path, key],
                        f"unknown key {key!r}",
                        f"did you mean {close[0]!r}?"
                        if close
                        else "known keys: " + ", ".join(known),
                    )
                )
            continue
        node, _key = _node_at(root, path)
        message = error.message
        if any(is_secret_key(part) for part in path if isinstance(part, str)):
            # never echo what may be a password
            message = "a value is not allowed here"
        elif error.validator in ("enum", "pattern", "oneOf", "anyOf"):
            message = f"{error.instance!r} is not allowed here"
        elif error.validator == "type":
            wanted = error.validator_value
            wanted = wanted if isinstance(wanted, str) else " or ".join(wanted)
            message = (
                f"{error.instance!r} is a {type(error.instance).__name__}, not {wanted}"
            )
        issues.append(
            _issue_at(node, filename, path, message, _schema_hint(error, None))
        )
    return issues


def _validate(root, data, filename):
    """Schema errors; when there are none, the rules a schema cannot state."""
    issues = _schema_issues(root, data, filename)
    if not issues:

        def add(path, message, hint):
            node, _key_node = _node_at(root, path)
            issues.append(_issue_at(node, filename, path, message, hint))

        _check_stages(data, add)
        _check_gates(data, add)
        _check_database(data, add)
    return sorted(issues, key=lambda i: (i.line, i.column))


def _check_stages(data, add):
    stages = {}
    placed = {}
    for index, stage in enumerate(data.get("install_order") or ()):
        name = stage["stage"]
        if name in stages:
            add(
                ["install_order", index, "stage"],
                f"stage {name!r} is given twice "
                f"(first as install_order[{stages[name]}])",
                "give each stage a name of its own, or merge the two",
            )
        else:
            stages[name] = index
        for position, module in enumerate(stage["modules"]):
            if module in placed:
                add(
                    ["install_order", index, "modules", position],
                    f"module {module!r} is already installed by stage "
                    f"{placed[module]!r}",
                    "install each module in one stage",
                )
            else:
                placed[module] = name


def _check_gates(data, add):
    gate_ids = {}
    for kind in ("required", "optional"):
        for index, gate in enumerate((data.get("gates") or {}).get(kind) or ()):
            if gate["id"] in gate_ids:
                add(
                    ["gates", kind, index, "id"],
                    f"gate {gate['id']!r} is given twice "
                    f"(first as {gate_ids[gate['id']]})",
                    "give each gate an id of its own",
                )
            else:
                gate_ids[gate["id"]] = f"gates.{kind}[{index}]"


def _check_database(data, add):
    database = data.get("database") or {}
    conf = (data.get("runtime_config") or {}).get("odoo_conf") or {}
    if "list_db" in database and "list_db" in conf:
        if as_bool(database["list_db"]) != as_bool(conf["list_db"]):
            add(
                ["runtime_config", "odoo_conf", "list_db"],
                f"list_db is {conf['list_db']!r} here but {database['list_db']!r} "
                "in database.list_db",
                "say the same in both places",
            )
    regex = database.get("dbfilter_regex")
    if regex is None:
        return
    try:
        re.compile(regex)
    except re.error as exc:
        add(
            ["database", "dbfilter_regex"],
            f"invalid regular expression: {exc}",
            "e.g. ^acme$ or ^(acme|acme_test)$",
        )
        return
    name = database.get("canonical_db_name")
    if name:
        try:
            found = bounded_match(regex, name, mode="search")
        except RegexTimeout as exc:
            add(
                ["database", "dbfilter_regex"],
                str(exc),
                "a database filter is simple: e.g. ^acme$ or ^(acme|acme_test)$",
            )
            return
        if not found:
            add(
                ["database", "dbfilter_regex"],
                f"{regex!r} does not match the canonical database {name!r}",
                "the server would hide the production database",
            )
    dbfilter = conf.get("dbfilter")
    if dbfilter is not None and not is_reference(dbfilter) and dbfilter != regex:
        add(
            ["runtime_config", "odoo_conf", "dbfilter"],
            f"dbfilter is {dbfilter!r} here but {regex!r} in database.dbfilter_regex",
            "say the same in both places",
        )
