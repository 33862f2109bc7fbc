# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
import functools
import re

import yaml

from odoo import models
from odoo.modules.module import (
    _get_manifest_cached,
    adapt_version,
    get_module_path,
    module_manifest,
)
from odoo.tools.misc import file_open

from ..models.golive_check_registry import Finding, golive_check
from ..tools.origin import installed_modules, is_core, is_proprietary, module_origin

TEMPLATE_PATH = "ipai_golive_checks/data/house_manifest_template.yml"


@functools.cache
def house_manifest_template():
    with file_open(TEMPLATE_PATH) as template:
        return yaml.load(template, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def raw_manifest(name):
    """The manifest as written (Odoo fills in defaults such as the author)."""
    path = module_manifest(get_module_path(name, display_warning=False))
    if not path:
        return None
    with open(path, encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    @golive_check(
        "modules.stuck",
        title="No module stuck in a pending operation",
        category="modules",
        severity="high",
        remediation="Finish or cancel the operation: Apps > Cancel Install/Upgrade/"
        "Uninstall, or run odoo-bin -u for the module.",
    )
    def _check_modules_stuck(self, ctx):
        self.env.cr.execute(
            "SELECT name, state FROM ir_module_module "
            "WHERE state IN ('to install', 'to upgrade', 'to remove') ORDER BY name"
        )
        rows = self.env.cr.fetchall()
        for name, state in rows:
            yield Finding.fail(
                self.env._(
                    "Module %(module)s is stuck in state %(state)r.",
                    module=name,
                    state=state,
                ),
                name,
                state=state,
            )
        if not rows:
            yield Finding.pass_(self.env._("No module is waiting for an operation."))

    @golive_check(
        "modules.upgrade_pending",
        title="No module upgrade pending",
        category="modules",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Upgrade the modules whose code changed: odoo-bin -u <modules> "
        "--stop-after-init.",
    )
    def _check_modules_upgrade_pending(self, ctx):
        installed = installed_modules(self.env.cr)
        pending = 0
        for name, module in installed.items():
            db_version = module["version"] or None
            # read only, without get_manifest's deep copy (as ir.asset does);
            # the same cache key as get_manifest(name), filled by the loading
            manifest = _get_manifest_cached(name, None)
            if not manifest:
                yield Finding.warn(
                    self.env._(
                        "Module %(module)s is installed but its code is not on the "
                        "addons path.",
                        module=name,
                    ),
                    name,
                    database_version=db_version,
                )
                continue
            try:
                disk_version = adapt_version(manifest.get("version", "1.0"))
            except ValueError:
                disk_version = manifest.get("version")
            if disk_version != db_version:
                pending += 1
                yield Finding.fail(
                    self.env._(
                        "Module %(module)s: code version %(disk)s, database version "
                        "%(db)s: upgrade pending.",
                        module=name,
                        disk=disk_version,
                        db=db_version,
                    ),
                    name,
                    code_version=disk_version,
                    database_version=db_version,
                )
        if not pending:
            yield Finding.pass_(
                self.env._(
                    "The %(count)s installed modules are up to date.",
                    count=len(installed),
                ),
                count=len(installed),
            )

    @golive_check(
        "modules.no_enterprise",
        title="No Enterprise module installed",
        category="modules",
        severity="critical",
        remediation="Uninstall the Enterprise modules: a Community database must "
        "not depend on them.",
        tags=("licensing",),
    )
    def _check_modules_no_enterprise(self, ctx):
        found = False
        for name, module in installed_modules(self.env.cr).items():
            if is_proprietary(module["origin"], module["license"]):
                found = True
                yield Finding.fail(
                    self.env._(
                        "Enterprise or proprietary module %(module)s is installed.",
                        module=name,
                    ),
                    name,
                    license=module["license"],
                    origin=module["origin"],
                    enterprise=module["origin"] == "ee",
                )
        if not found:
            yield Finding.pass_(self.env._("No Enterprise module is installed."))

    @golive_check(
        "modules.no_iap_dependency",
        title="No custom addon depends on IAP or Enterprise",
        category="modules",
        severity="high",
        remediation="Remove the dependency on iap (paid in-app services) or on the "
        "Enterprise module from the custom addon's manifest.",
        tags=("licensing",),
    )
    def _check_modules_no_iap_dependency(self, ctx):
        self.env.cr.execute(
            "SELECT m.name, array_agg(d.name ORDER BY d.name) "
            "FROM ir_module_module m "
            "JOIN ir_module_module_dependency d ON d.module_id = m.id "
            "WHERE m.state = 'installed' GROUP BY m.name ORDER BY m.name"
        )
        found = False
        for name, depends in self.env.cr.fetchall():
            if is_core(name):
                continue
            bad = [d for d in depends if d == "iap" or module_origin(d) == "ee"]
            if bad:
                found = True
                yield Finding.fail(
                    self.env._(
                        "Custom addon %(module)s depends on %(deps)s.",
                        module=name,
                        deps=", ".join(bad),
                    ),
                    name,
                    dependencies=bad,
                )
        if not found:
            yield Finding.pass_(
                self.env._("No custom addon depends on iap or an Enterprise module.")
            )

    @golive_check(
        "modules.manifest_template",
        title="Custom addons follow the house manifest template",
        category="modules",
        severity="low",
        remediation="Fix the manifest: 18.0.x.y.z version, an OSI licence, author, "
        "website and maintainers.",
        tags=("quality",),
    )
    def _check_modules_manifest_template(self, ctx):
        template = house_manifest_template()
        # the house template is for the user's own addons: Odoo's and OCA's
        # follow their own conventions (OCA's by their manifest or their path)
        custom = [
            name
            for name, module in installed_modules(self.env.cr).items()
            if module["origin"] == "custom"
            and module_origin(name, path=get_module_path(name, display_warning=False))
            == "custom"
        ]
        bad = 0
        for name in custom:
            manifest = raw_manifest(name)
            if manifest is None:
                yield Finding.warn(
                    self.env._(
                        "Manifest of %(module)s not found on the addons path.",
                        module=name,
                    ),
                    name,
                )
                continue
            problems = self._golive_manifest_problems(manifest, template)
            if problems:
                bad += 1
                yield Finding.fail(
                    self.env._(
                        "Manifest of %(module)s: %(problems)s.",
                        module=name,
                        problems="; ".join(problems),
                    ),
                    name,
                    problems=problems,
                )
        if not bad:
            yield Finding.pass_(
                self.env._(
                    "The %(count)s custom addons follow the house template.",
                    count=len(custom),
                ),
                modules=custom[:50],
            )

    def _golive_manifest_problems(self, manifest, template):
        """What the ``__manifest__`` dict ``manifest`` breaks of the house
        ``template``, as texts."""
        problems = []
        version = str(manifest.get("version", ""))
        if not re.match(template["version_pattern"], version):
            problems.append(
                self.env._("version %(version)r is not 18.0.x.y.z", version=version)
            )
        license_ = manifest.get("license")
        if license_ not in template["licenses"]:
            problems.append(
                self.env._(
                    "license %(license)r is not an OSI licence", license=license_
                )
            )
        for key in template["required_keys"]:
            if not manifest.get(key):
                problems.append(self.env._("%(key)s is missing", key=key))
        for key in template.get("list_keys", ()):
            value = manifest.get(key)
            if value and not isinstance(value, list | tuple):
                problems.append(self.env._("%(key)s must be a list", key=key))
        return problems
