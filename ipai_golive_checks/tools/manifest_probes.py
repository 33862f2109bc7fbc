# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probes of the ship manifest checks (``checks/manifest.py``): names
Odoo 18 no longer knows, a gate's plain ``curl`` URL, the database filter
matched, a manifest value cast to its server option's type, the stages that
install a dependency too late.

Plain Python (Odoo's server options read through ``odoo.tools.config``).
"""

import re
import shlex
import threading
from contextlib import contextmanager

from odoo.tools import config

from .bounded_regex import RegexTimeout, bounded_match
from .manifest import as_bool

# Bundles and routes of older Odoo versions that manifests still name.
GONE_IN_18 = {
    "web.assets_common": "web.assets_common was removed in Odoo 16: its files "
    "are in web.assets_backend and web.assets_frontend (or web._assets_core).",
    "web.assets_qweb": "web.assets_qweb was removed in Odoo 16: templates are "
    "part of the bundles that use them.",
    "/longpolling": "/longpolling was removed in Odoo 16: the bus uses "
    "/websocket (on the gevent port when workers > 0).",
    "/longpolling/poll": "/longpolling/poll was removed in Odoo 16: the bus "
    "uses /websocket (on the gevent port when workers > 0).",
    "/web/assets/": "Odoo 18 serves bundles at /web/assets/<unique>/<file>, "
    "e.g. /web/assets/1a2b3c4/web.assets_backend.min.js: there is no "
    "/web/assets/<bundle> route; name the bundle under assets.bundles instead.",
}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
# curl options that keep a request a plain GET without a body.
CURL_FLAGS = {
    "-s", "--silent", "-S", "--show-error", "-f", "--fail", "-sf", "-fs", "-sS",
    "-fsS", "-sSf", "-k", "--insecure", "-I", "--head", "-v", "--verbose",
}  # fmt: skip
CURL_OPTIONS_WITH_VALUE = {"-o", "--output", "-w", "--write-out", "-m", "--max-time"}


def gone_in_18(name):
    if name in GONE_IN_18:
        return GONE_IN_18[name]
    if name.startswith("/web/assets/") and name.count("/") < 4:
        return GONE_IN_18["/web/assets/"]
    return None


def plain_get_url(command):
    """The URL of ``command`` when it is a plain ``curl`` GET, else None."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or words[0] != "curl":
        return None
    urls = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif word in CURL_OPTIONS_WITH_VALUE:
            skip = True
        elif word in CURL_FLAGS:
            continue
        elif word.startswith("-"):
            return None  # -X, -d, -H, pipes... not a plain GET
        else:
            urls.append(word)
    if len(urls) != 1 or not urls[0].startswith(("http://", "https://")):
        return None
    return urls[0]


@contextmanager
def thread_database(dbname):
    """``threading.current_thread().dbname`` set to ``dbname`` for the block."""
    thread = threading.current_thread()
    missing = object()
    previous = getattr(thread, "dbname", missing)
    thread.dbname = dbname
    try:
        yield
    finally:
        if previous is missing:
            del thread.dbname
        else:
            thread.dbname = previous


def dbfilter_selects(regex, dbname):
    """Whether ``regex`` selects ``dbname`` as Odoo's dbfilter does
    (``re.match``), matched with a time bound; the reason as text when it
    cannot be matched (invalid, or backtracking without end)."""
    try:
        return bounded_match(regex, dbname)
    except re.error as exc:
        return f"{regex!r} is not a valid regular expression: {exc}"
    except RegexTimeout as exc:
        return str(exc)


def typed_option(key, value):
    """``value`` cast to the type of the Odoo server option ``key``."""
    option = config.casts.get(key)
    if option is not None and option.action in ("store_true", "store_false"):
        return as_bool(value)
    kind = option.type if option is not None else None
    if kind is None:  # not a command-line option: the current value's type
        current = config.get(key)
        kind = {bool: "bool", int: "int", float: "float"}.get(type(current))
    if kind == "bool":
        return as_bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def later_dependencies(stage_of, depends):
    """``{module: [dependency, ...]}`` of the modules installed in a stage
    before one of their (direct or indirect) dependencies, each list in the
    order of the stages; ``stage_of`` is ``{module: (stage index, stage)}``,
    ``depends`` ``{module: set(direct dependencies)}`` (modules it leaves
    out are not judged)."""
    closure = {}

    def all_depends(module, trail=()):
        if module not in closure:
            result = set()
            for dependency in depends.get(module, ()):
                if dependency not in trail:
                    result |= {dependency} | all_depends(dependency, (*trail, module))
            closure[module] = result
        return closure[module]

    late = {}
    for module, (index, _stage) in stage_of.items():
        if module not in depends:
            continue
        later = sorted(
            (stage_of[dep][0], dep)
            for dep in all_depends(module)
            if dep in stage_of and stage_of[dep][0] > index
        )
        if later:
            late[module] = [dep for _index, dep in later]
    return late
