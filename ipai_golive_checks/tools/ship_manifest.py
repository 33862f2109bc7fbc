# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The parsed ship manifest and the diff of two imports' summaries.

Plain Python (no Odoo import). A :class:`ShipManifest` is what
:func:`.manifest.load_manifest` returns once the file validated: its
sections read as the checks need them.
"""

import dataclasses
import functools
import json
import os

SCHEMA_PATH = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "data", "ship_manifest.schema.json"
)
# Where the manifest names modules, with the origin it declares for them.
MODULE_SECTIONS = (("oca", "modules"), ("ipai_modules",))


@functools.cache
def schema():
    """The JSON Schema of the ship manifest."""
    with open(SCHEMA_PATH, encoding="utf-8") as schema_file:
        return json.load(schema_file)


# ----------------------------------------------------------------------
# The parsed manifest
# ----------------------------------------------------------------------
@dataclasses.dataclass(eq=False)
class ShipManifest:
    """A valid ship manifest (``data`` as loaded, references kept as text)."""

    data: dict
    sha256: str = ""
    filename: str = ""

    @property
    def bundle_name(self):
        return str(self.data["bundle"]["name"])

    @property
    def bundle_version(self):
        return str(self.data["bundle"]["version"])

    @property
    def label(self):
        return f"{self.bundle_name} {self.bundle_version}"

    def module_groups(self):
        """``{module: [where it is named, ...]}`` in order of first mention."""
        return self._module_groups

    @functools.cached_property
    def _module_groups(self):
        groups = {}
        for section in MODULE_SECTIONS:
            container = self.data
            for key in section:
                container = (container or {}).get(key) or {}
            for group, modules in container.items():
                for module in modules or ():
                    groups.setdefault(module, []).append(".".join((*section, group)))
        for stage, modules in self.stages():
            for module in modules:
                groups.setdefault(module, []).append(f"install_order.{stage}")
        return groups

    def modules(self):
        return list(self.module_groups())

    def declared_origin(self, module):
        """``oca`` or ``custom`` when the manifest lists the module so."""
        for where in self.module_groups().get(module, ()):
            if where.startswith("oca."):
                return "oca"
            if where.startswith("ipai_modules."):
                return "custom"
        return None

    def stages(self):
        return [
            (stage["stage"], list(stage["modules"]))
            for stage in self.data.get("install_order") or ()
        ]

    def gates(self):
        gates = []
        for kind in ("required", "optional"):
            for gate in (self.data.get("gates") or {}).get(kind) or ():
                gates.append(
                    {
                        "id": gate["id"],
                        "description": gate.get("description") or "",
                        "command": gate["command"],
                        "required": kind == "required",
                    }
                )
        return gates

    def odoo_conf(self):
        """Expected server options; ``database`` fills list_db and dbfilter."""
        conf = dict((self.data.get("runtime_config") or {}).get("odoo_conf") or {})
        database = self.data.get("database") or {}
        if "list_db" in database:
            conf.setdefault("list_db", database["list_db"])
        if "dbfilter_regex" in database:
            conf.setdefault("dbfilter", database["dbfilter_regex"])
        return conf

    def environment(self):
        return list((self.data.get("runtime_config") or {}).get("environment") or ())

    def bundles(self):
        return list((self.data.get("assets") or {}).get("bundles") or ())

    def endpoints(self):
        return list((self.data.get("assets") or {}).get("endpoints") or ())

    def database(self):
        return dict(self.data.get("database") or {})

    def extra_sections(self):
        known = set(schema()["properties"])
        return [key for key in self.data if key not in known]

    def summary(self):
        """What a re-import compares: modules, stages, config values, gates."""
        return {
            "modules": sorted(self.module_groups()),
            "stages": {stage: modules for stage, modules in self.stages()},
            "config": {key: _plain(value) for key, value in self.odoo_conf().items()},
            "gates": {
                gate["id"]: {
                    "command": gate["command"],
                    "required": gate["required"],
                }
                for gate in self.gates()
            },
        }


def _plain(value):
    """A config value for display and comparison (references stay references)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, sort_keys=True)


def diff_summaries(old, new):
    """What changed from the ``old`` summary to the ``new`` one."""
    old_modules, new_modules = set(old.get("modules", ())), set(new["modules"])
    old_stages, new_stages = old.get("stages", {}), new["stages"]
    old_conf, new_conf = old.get("config", {}), new["config"]
    old_gates, new_gates = old.get("gates", {}), new["gates"]
    return {
        "modules_added": sorted(new_modules - old_modules),
        "modules_removed": sorted(old_modules - new_modules),
        "stages_added": [s for s in new_stages if s not in old_stages],
        "stages_removed": [s for s in old_stages if s not in new_stages],
        "stages_changed": [
            s for s in new_stages if s in old_stages and old_stages[s] != new_stages[s]
        ],
        "config_changed": [
            {"key": key, "old": old_conf.get(key), "new": new_conf.get(key)}
            for key in sorted(set(old_conf) | set(new_conf))
            if old_conf.get(key) != new_conf.get(key)
        ],
        "gates_added": [g for g in new_gates if g not in old_gates],
        "gates_removed": [g for g in old_gates if g not in new_gates],
        "gates_changed": [
            g for g in new_gates if g in old_gates and old_gates[g] != new_gates[g]
        ],
    }
