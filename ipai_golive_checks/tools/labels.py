# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Technical values of the engine as people read them."""

import re

# An object key naming a record: ``res.company,1``.
RECORD_KEY = re.compile(r"^(?P<model>[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)+),(?P<id>\d+)$")


def environment_source_labels(env):
    """Where a run's environment came from (``golive.check.registry.
    _golive_resolve_environment``), in words."""
    return {
        "argument": env._("Chosen for this run"),
        "server option": env._("Server option golive_environment"),
        "server_environment": env._("Module server_environment"),
        "system parameter": env._("System parameter"),
        "default": env._("Default: production, the strictest"),
    }


def object_labels(env, keys):
    """``{key: label}`` of finding object keys: a key naming a record
    (``res.company,1``) reads as the record's model and name ("Company: My
    Company"); any other key (a module, a parameter) is its own label."""
    ids_by_model = {}
    for key in keys:
        match = RECORD_KEY.match(key or "")
        if match and match["model"] in env:
            ids_by_model.setdefault(match["model"], set()).add(int(match["id"]))
    names = {}
    for model, ids in ids_by_model.items():
        # the name of an object a finding already shows to its readers
        for record in env[model].sudo().browse(sorted(ids)).exists():
            names[f"{model},{record.id}"] = env._(
                "%(model)s: %(name)s",
                model=env[model]._description,
                name=record.display_name,
            )
    return {key: names.get(key, key or "") for key in keys}
