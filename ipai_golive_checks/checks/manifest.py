# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ship manifest checks: the drift between the manifest and this ERP.

Which manifest: the one in the context key ``golive_manifest``
(``tools.manifest.CONTEXT_KEY``), else the latest imported ``golive.manifest``.
The key holds a :class:`~..tools.manifest.ShipManifest` (``odoo-bin golive
--manifest FILE`` without ``--save``), a ``golive.manifest`` id (a checklist's
manifest, the manifest form's *Check drift*), or ``False``: no manifest (a
checklist that links none), and the checks say so instead of judging another
bundle's file. Every finding is keyed by its object (a module, an option, a
bundle, a route, a variable, a gate) so that a task may bind to one of them.
"""

import os
import re
import shlex
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import werkzeug.exceptions
import werkzeug.routing

from odoo import models
from odoo.modules.module import get_manifest, get_module_path
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools.bounded_regex import RegexTimeout, bounded_match
from ..tools.manifest import (
    CONTEXT_KEY,
    GATE_RESULTS_KEY,
    ShipManifest,
    as_bool,
    is_reference,
)
from ..tools.origin import installed_modules
from ..tools.secrets import is_secret_key

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


def _gone_in_18(name):
    if name in GONE_IN_18:
        return GONE_IN_18[name]
    if name.startswith("/web/assets/") and name.count("/") < 4:
        return GONE_IN_18["/web/assets/"]
    return None


def _plain_get_url(command):
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


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited


def _dbfilter_selects(regex, dbname):
    """Whether ``regex`` selects ``dbname`` as Odoo's dbfilter does
    (``re.match``), matched with a time bound; the reason as text when it
    cannot be matched (invalid, or backtracking without end)."""
    try:
        return bounded_match(regex, dbname)
    except re.error as exc:
        return f"{regex!r} is not a valid regular expression: {exc}"
    except RegexTimeout as exc:
        return str(exc)


class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    # ------------------------------------------------------------------
    # Which manifest
    # ------------------------------------------------------------------
    def _golive_manifest(self):
        """The ShipManifest the checks judge, or None (see the module doc)."""
        if CONTEXT_KEY in self.env.context:
            value = self.env.context[CONTEXT_KEY]
            if isinstance(value, ShipManifest) or not value:
                return value or None
            record = self.env["golive.manifest"].sudo().browse(value).exists()
        else:
            record = self.env["golive.manifest"].sudo()._get_latest()
        return record._ship_manifest() if record else None

    def _golive_no_manifest(self):
        if self.env.context.get(CONTEXT_KEY) is False:
            reason = self.env._("The checklist links no ship manifest.")
        else:
            reason = self.env._(
                "No ship manifest: import one (Go-Live > Ship Manifests) or "
                "run odoo-bin golive --manifest FILE."
            )
        return Finding.skip(reason)

    # ------------------------------------------------------------------
    # Modules
    # ------------------------------------------------------------------
    @golive_check(
        "manifest.modules_installed",
        title="Modules of the ship manifest installed",
        category="manifest",
        severity="high",
        remediation="Install the module (odoo-bin -i <module>), or put its code on "
        "the addons path first when it is missing there.",
        tags=("manifest", "modules"),
    )
    def _check_manifest_modules_installed(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        groups = manifest.module_groups()
        self.env.cr.execute(
            "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)",
            [list(groups)],
        )
        states = dict(self.env.cr.fetchall())
        for name, where in groups.items():
            state = states.get(name)
            if state == "installed":
                yield Finding.pass_(
                    self.env._("Module %(module)s is installed.", module=name),
                    name,
                    named_in=where,
                )
            elif state and get_module_path(name, display_warning=False):
                yield Finding.fail(
                    self.env._(
                        "Module %(module)s is named in the manifest but not "
                        "installed (state: %(state)s).",
                        module=name,
                        state=state,
                    ),
                    name,
                    state=state,
                    named_in=where,
                )
            else:
                yield Finding.fail(
                    self.env._(
                        "Module %(module)s is named in the manifest but is not even "
                        "on the addons path of this server: its code is missing.",
                        module=name,
                    ),
                    name,
                    state=state or "unknown",
                    named_in=where,
                )

    @golive_check(
        "manifest.modules_unlisted",
        title="Custom and OCA modules installed are in the ship manifest",
        category="manifest",
        severity="medium",
        remediation="Add the module to the manifest (oca.modules or ipai_modules and "
        "install_order), or uninstall it.",
        tags=("manifest", "modules"),
    )
    def _check_manifest_modules_unlisted(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        listed = manifest.module_groups()
        extra = 0
        checked = 0
        for name, module in installed_modules(self.env.cr).items():
            if module["origin"] not in ("oca", "custom"):
                continue
            checked += 1
            if name not in listed:
                extra += 1
                yield Finding.warn(
                    self.env._(
                        "%(origin)s module %(module)s is installed but not in the "
                        "ship manifest.",
                        origin="OCA" if module["origin"] == "oca" else "Custom",
                        module=name,
                    ),
                    name,
                    origin=module["origin"],
                    version=module["version"],
                )
        if not extra:
            yield Finding.pass_(
                self.env._(
                    "The %(count)s custom and OCA modules installed are in the "
                    "manifest.",
                    count=checked,
                ),
                count=checked,
            )

    def _golive_module_depends(self, names):
        """``{module: set(direct dependencies)}``: the database's records for
        known modules, the manifests on disk for modules on the addons path that
        the database does not list yet; modules found nowhere are left out."""
        self.env.cr.execute(
            "SELECT m.name, d.name FROM ir_module_module m "
            "LEFT JOIN ir_module_module_dependency d ON d.module_id = m.id"
        )
        depends = {}
        for module, dependency in self.env.cr.fetchall():
            depends.setdefault(module, set())
            if dependency:
                depends[module].add(dependency)
        for name in names:
            if name not in depends:
                manifest = get_manifest(name)  # cached by Odoo
                if manifest:
                    depends[name] = set(manifest.get("depends") or ())
        return depends

    @golive_check(
        "manifest.install_order",
        title="Install order follows the dependency graph",
        category="manifest",
        severity="medium",
        remediation="Move the module to a stage after the stages of its "
        "dependencies (or move the dependency earlier).",
        tags=("manifest", "modules"),
    )
    def _check_manifest_install_order(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        stage_of = {}
        for index, (stage, modules) in enumerate(manifest.stages()):
            for module in modules:
                stage_of[module] = (index, stage)
        depends = self._golive_module_depends(stage_of)
        closure = {}

        def all_depends(module, trail=()):
            if module not in closure:
                result = set()
                for dependency in depends.get(module, ()):
                    if dependency not in trail:
                        result |= {dependency} | all_depends(
                            dependency, (*trail, module)
                        )
                closure[module] = result
            return closure[module]

        wrong = 0
        unknown = sorted(name for name in stage_of if name not in depends)
        for module, (index, stage) in stage_of.items():
            if module not in depends:
                continue
            later = sorted(
                (stage_of[dep][0], dep)
                for dep in all_depends(module)
                if dep in stage_of and stage_of[dep][0] > index
            )
            if later:
                wrong += 1
                yield Finding.fail(
                    self.env._(
                        "%(module)s (stage %(stage)s) depends on %(deps)s, "
                        "installed in a later stage.",
                        module=module,
                        stage=stage,
                        deps=", ".join(
                            f"{dep} ({stage_of[dep][1]})" for _i, dep in later
                        ),
                    ),
                    module,
                    stage=stage,
                    later_dependencies={dep: stage_of[dep][1] for _i, dep in later},
                )
        if not wrong:
            message = self.env._(
                "The install order of the %(count)s modules follows their "
                "dependencies.",
                count=len(stage_of) - len(unknown),
            )
            if unknown:
                message += " " + self.env._(
                    "Not verifiable here (code not on the addons path): %(names)s.",
                    names=", ".join(unknown),
                )
            yield Finding.pass_(message, unverifiable=unknown)

    # ------------------------------------------------------------------
    # Runtime
    # ------------------------------------------------------------------
    @staticmethod
    def _golive_typed_option(key, value):
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

    @golive_check(
        "manifest.server_options",
        title="Server options as the ship manifest expects",
        category="manifest",
        severity="medium",
        remediation="Set the option in the server's configuration file as the "
        "manifest says (runtime_config.odoo_conf), or fix the manifest.",
        tags=("manifest", "config"),
    )
    def _check_manifest_server_options(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        for key, expected in manifest.odoo_conf().items():
            if key == "dbfilter":
                continue  # manifest.dbfilter judges it
            if is_reference(expected):
                yield Finding.skip(
                    self.env._(
                        "%(key)s comes from %(reference)s: references are not "
                        "compared.",
                        key=key,
                        reference=expected,
                    ),
                    key,
                    reference=expected,
                )
                continue
            if key not in config.options:
                yield Finding.warn(
                    self.env._("%(key)s is not an Odoo 18 server option.", key=key),
                    key,
                )
                continue
            try:
                wanted = self._golive_typed_option(key, expected)
            except ValueError:
                yield Finding.fail(
                    self.env._(
                        "%(key)s: the manifest's value is not of the option's type.",
                        key=key,
                    ),
                    key,
                )
                continue
            found = config.get(key)
            secret = is_secret_key(key)
            if wanted == found:
                yield Finding.pass_(
                    self.env._(
                        "%(key)s is %(value)s as expected.", key=key, value=found
                    )
                    if not secret
                    else self.env._("%(key)s is as expected.", key=key),
                    key,
                )
            elif secret:
                yield Finding.fail(
                    self.env._("%(key)s differs from the manifest.", key=key), key
                )
            else:
                yield Finding.fail(
                    self.env._(
                        "%(key)s: %(expected)s expected, %(found)s found.",
                        key=key,
                        expected=wanted,
                        found=self.env._("nothing")
                        if found is None or found is False or found == ""
                        else found,
                    ),
                    key,
                    expected=wanted,
                    found=found,
                )

    @golive_check(
        "manifest.dbfilter",
        title="Database filter as the ship manifest expects",
        category="manifest",
        severity="high",
        remediation="Set dbfilter in the server's configuration file to the "
        "manifest's dbfilter_regex; it must select this database.",
        tags=("manifest", "config"),
    )
    def _check_manifest_dbfilter(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        expected = manifest.odoo_conf().get("dbfilter")
        if not expected or is_reference(expected):
            yield Finding.skip(
                self.env._("The manifest gives no dbfilter_regex."), "dbfilter"
            )
            return
        found = config.get("dbfilter") or ""
        if found == expected:
            yield Finding.pass_(
                self.env._("dbfilter is %(value)s as expected.", value=found),
                "dbfilter",
            )
        else:
            yield Finding.fail(
                self.env._(
                    "dbfilter: %(expected)s expected, %(found)s found.",
                    expected=expected,
                    found=found or self.env._("(none)"),
                ),
                "dbfilter",
                expected=expected,
                found=found,
            )
        dbname = self.env.cr.dbname
        if "%h" in expected or "%d" in expected:
            yield Finding.skip(
                self.env._(
                    "%(regex)s depends on the requested host (%%h, %%d): not "
                    "matched against the database name.",
                    regex=expected,
                ),
                "database",
            )
        elif isinstance(selects := _dbfilter_selects(expected, dbname), str):
            yield Finding.fail(selects, "database", database=dbname)
        elif selects:
            yield Finding.pass_(
                self.env._(
                    "%(regex)s selects this database, %(db)s.",
                    regex=expected,
                    db=dbname,
                ),
                "database",
                database=dbname,
            )
        else:
            yield Finding.fail(
                self.env._(
                    "%(regex)s does not select this database, %(db)s: the server "
                    "would not serve it.",
                    regex=expected,
                    db=dbname,
                ),
                "database",
                database=dbname,
                canonical=manifest.database().get("canonical_db_name") or "",
            )

    @golive_check(
        "manifest.environment",
        title="Environment variables of the ship manifest present",
        category="manifest",
        severity="medium",
        remediation="Set the variable in the server's environment (container env, "
        "systemd Environment=, secrets store).",
        tags=("manifest", "config"),
    )
    def _check_manifest_environment(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        for name in manifest.environment():
            # names only: a value is never read into a finding
            if name in os.environ:
                yield Finding.pass_(self.env._("%(name)s is set.", name=name), name)
            else:
                yield Finding.fail(
                    self.env._(
                        "%(name)s is not set in the server's environment.", name=name
                    ),
                    name,
                )

    # ------------------------------------------------------------------
    # Assets
    # ------------------------------------------------------------------
    def _golive_known_bundles(self):
        """Names of the asset bundles the installed modules define."""
        self.env.cr.execute(
            "SELECT name FROM ir_module_module WHERE state = 'installed'"
        )
        bundles = set()
        for (name,) in self.env.cr.fetchall():
            bundles.update((get_manifest(name) or {}).get("assets") or ())
        self.env.cr.execute("SELECT DISTINCT bundle FROM ir_asset WHERE active")
        bundles.update(row[0] for row in self.env.cr.fetchall())
        return bundles

    def _golive_route_exists(self, path):
        # Odoo's routing (ir.http.routing_map() and its model converters) finds
        # its database in threading.current_thread().dbname, which only Odoo's
        # HTTP, cron and server threads set: under pytest-odoo, odoo-bin shell
        # or a script it is missing and the check crashed. Name this one.
        with thread_database(self.env.cr.dbname):
            routing_map = self.env["ir.http"].routing_map()
            try:
                routing_map.bind("localhost").match(path, method="GET")
            except werkzeug.routing.RequestRedirect:
                return True
            except werkzeug.exceptions.HTTPException:
                return False
            return True

    @golive_check(
        "manifest.assets",
        title="Asset bundles and routes of the ship manifest exist",
        category="manifest",
        severity="medium",
        remediation="Name bundles and routes that exist in Odoo 18: bundles under "
        "assets.bundles (web.assets_backend, web.assets_frontend), routes such as "
        "/web/login or /web/health.",
        tags=("manifest", "http"),
    )
    def _check_manifest_assets(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        bundles = manifest.bundles()
        known = self._golive_known_bundles() if bundles else set()
        for bundle in bundles:
            gone = _gone_in_18(bundle)
            if bundle in known:
                yield Finding.pass_(
                    self.env._("Bundle %(bundle)s exists.", bundle=bundle), bundle
                )
            elif gone:
                yield Finding.fail(
                    self.env._(
                        "Bundle %(bundle)s does not exist in Odoo 18. %(why)s",
                        bundle=bundle,
                        why=gone,
                    ),
                    bundle,
                )
            else:
                yield Finding.fail(
                    self.env._(
                        "Bundle %(bundle)s is not defined by any installed module.",
                        bundle=bundle,
                    ),
                    bundle,
                )
        for path in manifest.endpoints():
            gone = _gone_in_18(path)
            if gone:
                yield Finding.fail(
                    self.env._(
                        "Route %(path)s does not exist in Odoo 18. %(why)s",
                        path=path,
                        why=gone,
                    ),
                    path,
                )
            elif self._golive_route_exists(path):
                yield Finding.pass_(
                    self.env._("Route %(path)s exists.", path=path), path
                )
            else:
                yield Finding.fail(
                    self.env._(
                        "Route %(path)s does not exist on this server (no "
                        "controller of an installed module answers it).",
                        path=path,
                    ),
                    path,
                )

    # ------------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------------
    def _golive_gate_path(self, command):
        """The path of a gate that is a plain GET to this server, else None."""
        url = _plain_get_url(command)
        if not url:
            return None
        parts = urlsplit(url)
        public = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        hosts = {*LOCAL_HOSTS, urlsplit(public).hostname}
        if parts.hostname not in hosts:
            return None
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def _golive_reported_gate(self, gate, status):
        """The finding of a gate whose result a CI job reported."""
        if status == "pass":
            return Finding.pass_(
                self.env._("%(id)s: passed in CI.", id=gate["id"]),
                gate["id"],
                required=gate["required"],
                source="ci",
            )
        message = self.env._("%(id)s: failed in CI.", id=gate["id"])
        if gate["required"]:
            return Finding.fail(message, gate["id"], required=True, source="ci")
        return Finding.warn(
            message + " " + self.env._("(optional gate)"),
            gate["id"],
            required=False,
            source="ci",
        )

    @golive_check(
        "manifest.gates",
        title="Gates of the ship manifest",
        category="manifest",
        severity="high",
        remediation="Make the gate's command succeed. Gates that are not a plain "
        "HTTP GET to this server are evaluated by CI.",
        tags=("manifest", "http", "network"),
        params={"base_url": ""},
    )
    def _check_manifest_gates(self, ctx):
        manifest = self._golive_manifest()
        if not manifest:
            yield self._golive_no_manifest()
            return
        reported = self.env.context.get(GATE_RESULTS_KEY) or {}
        for gate in manifest.gates():
            path = self._golive_gate_path(gate["command"])
            if path is None and gate["id"] in reported:
                yield self._golive_reported_gate(gate, reported[gate["id"]])
                continue
            if path is None:
                yield Finding.skip(
                    self.env._(
                        "Awaiting CI evidence: %(id)s is not a plain HTTP GET to "
                        "this server.",
                        id=gate["id"],
                    ),
                    gate["id"],
                    required=gate["required"],
                )
                continue
            failed, response, evidence = self._golive_http_get(ctx, path, gate["id"])
            evidence["required"] = gate["required"]
            status = response.status_code if response is not None else None
            if not failed and status < 400:
                yield Finding.pass_(
                    self.env._(
                        "%(id)s: GET %(path)s answered %(status)s.",
                        id=gate["id"],
                        path=path,
                        status=status,
                    ),
                    gate["id"],
                    **evidence,
                )
                continue
            message = (
                failed.message
                if failed
                else self.env._(
                    "%(id)s: GET %(path)s answered %(status)s.",
                    id=gate["id"],
                    path=path,
                    status=status,
                )
            )
            gone = _gone_in_18(urlsplit(path).path)
            if gone:
                message += " " + gone
            if gate["required"]:
                yield Finding.fail(message, gate["id"], **evidence)
            else:
                yield Finding.warn(
                    message + " " + self.env._("(optional gate)"),
                    gate["id"],
                    **evidence,
                )
