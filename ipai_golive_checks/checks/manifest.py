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
from urllib.parse import urlsplit

import werkzeug.exceptions
import werkzeug.routing

from odoo import models
from odoo.modules.module import get_manifest, get_module_path
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import manifest_probes
from ..tools.manifest import (
    CONTEXT_KEY,
    GATE_RESULTS_KEY,
    ShipManifest,
    is_reference,
)
from ..tools.manifest_probes import thread_database
from ..tools.origin import installed_modules
from ..tools.secrets import is_secret_key


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
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
        later_by_module = manifest_probes.later_dependencies(stage_of, depends)
        unknown = sorted(name for name in stage_of if name not in depends)
        for module, later in later_by_module.items():
            stage = stage_of[module][1]
            yield Finding.fail(
                self.env._(
                    "%(module)s (stage %(stage)s) depends on %(deps)s, "
                    "installed in a later stage.",
                    module=module,
                    stage=stage,
                    deps=", ".join(f"{dep} ({stage_of[dep][1]})" for dep in later),
                ),
                module,
                stage=stage,
                later_dependencies={dep: stage_of[dep][1] for dep in later},
            )
        if not later_by_module:
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
            if key != "dbfilter":  # manifest.dbfilter judges it
                yield self._golive_option_finding(key, expected)

    def _golive_option_finding(self, key, expected):
        """The finding of the server option ``key`` the manifest expects
        ``expected`` of."""
        if is_reference(expected):
            return Finding.skip(
                self.env._(
                    "%(key)s comes from %(reference)s: references are not compared.",
                    key=key,
                    reference=expected,
                ),
                key,
                reference=expected,
            )
        if key not in config.options:
            return Finding.warn(
                self.env._("%(key)s is not an Odoo 18 server option.", key=key), key
            )
        try:
            wanted = manifest_probes.typed_option(key, expected)
        except ValueError:
            return Finding.fail(
                self.env._(
                    "%(key)s: the manifest's value is not of the option's type.",
                    key=key,
                ),
                key,
            )
        found = config.get(key)
        secret = is_secret_key(key)
        if wanted == found:
            return Finding.pass_(
                self.env._("%(key)s is %(value)s as expected.", key=key, value=found)
                if not secret
                else self.env._("%(key)s is as expected.", key=key),
                key,
            )
        if secret:
            return Finding.fail(
                self.env._("%(key)s differs from the manifest.", key=key), key
            )
        return Finding.fail(
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
        yield self._golive_dbfilter_database(expected, manifest)

    def _golive_dbfilter_database(self, expected, manifest):
        """The finding of whether the ``expected`` dbfilter selects this
        database."""
        dbname = self.env.cr.dbname
        if "%h" in expected or "%d" in expected:
            return Finding.skip(
                self.env._(
                    "%(regex)s depends on the requested host (%%h, %%d): not "
                    "matched against the database name.",
                    regex=expected,
                ),
                "database",
            )
        selects = manifest_probes.dbfilter_selects(expected, dbname)
        if isinstance(selects, str):
            return Finding.fail(selects, "database", database=dbname)
        if selects:
            return Finding.pass_(
                self.env._(
                    "%(regex)s selects this database, %(db)s.",
                    regex=expected,
                    db=dbname,
                ),
                "database",
                database=dbname,
            )
        return Finding.fail(
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
            gone = manifest_probes.gone_in_18(bundle)
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
            gone = manifest_probes.gone_in_18(path)
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
        url = manifest_probes.plain_get_url(command)
        if not url:
            return None
        parts = urlsplit(url)
        public = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        hosts = {*manifest_probes.LOCAL_HOSTS, urlsplit(public).hostname}
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
            gone = manifest_probes.gone_in_18(urlsplit(path).path)
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
