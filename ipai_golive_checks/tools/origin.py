# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where a module comes from: Odoo Community core, Enterprise, OCA or custom.

Core membership is read from ``manifestoo-core``'s maintained lists of the
addons Odoo ships per series, never from the license: Odoo ships CE core
modules whose manifest says ``OEEL-1`` (``project_hr_skills``, ``certificate``,
``l10n_it_edi_website_sale``), and calling those Enterprise would block every
go-live that installs project and hr_skills. Outside the core lists, the
author, website and path of the module decide, then the license.
"""

from manifestoo_core.core_addons import is_core_ce_addon, is_core_ee_addon
from manifestoo_core.odoo_series import OdooSeries

SERIES = OdooSeries.v18_0
ORIGINS = [
    ("ce", "Odoo Community"),
    ("ee", "Odoo Enterprise"),
    ("oca", "OCA"),
    ("custom", "Custom"),
]
NON_FREE_LICENSES = ("OEEL-1", "OPL-1", "Other proprietary")
OCA_AUTHOR = "Odoo Community Association"
OCA_MARKS = ("github.com/oca/", "odoo-community.org")
ODOO_SA_MARKS = ("odoo s.a.", "odoo sa")


def is_core(name):
    """Shipped by Odoo itself, Community or Enterprise."""
    return is_core_ce_addon(name, SERIES) or is_core_ee_addon(name, SERIES)


def module_origin(name, author="", website="", license_="", to_buy=False, path=""):
    """``ce``, ``ee``, ``oca`` or ``custom`` for the module ``name``."""
    if is_core_ce_addon(name, SERIES):
        return "ce"
    if to_buy or is_core_ee_addon(name, SERIES):
        return "ee"
    author, website, path = (author or "").lower(), (website or "").lower(), path or ""
    if OCA_AUTHOR.lower() in author or any(m in website for m in OCA_MARKS):
        return "oca"
    if "/OCA/" in path or "/oca/" in path:
        return "oca"
    if license_ in NON_FREE_LICENSES and any(m in author for m in ODOO_SA_MARKS):
        return "ee"
    return "custom"


def is_proprietary(origin, license_):
    """Enterprise, or a third-party module under a non-free license.

    A CE core module is never proprietary, whatever its manifest's license.
    """
    return origin == "ee" or (origin != "ce" and license_ in NON_FREE_LICENSES)


def installed_modules(cr):
    """``{name: row}`` of the installed modules with their origin, in one query.

    Each row is a dict: version (``latest_version``), author, website, license,
    summary, origin.
    """
    cr.execute(
        "SELECT name, latest_version, author, website, license, to_buy, shortdesc "
        "FROM ir_module_module WHERE state = 'installed' ORDER BY name"
    )
    modules = {}
    for name, version, author, website, license_, to_buy, shortdesc in cr.fetchall():
        title = shortdesc.get("en_US") if isinstance(shortdesc, dict) else shortdesc
        modules[name] = {
            "version": version or "",
            "author": author or "",
            "website": website or "",
            "license": license_ or "",
            "title": title or name,
            "origin": module_origin(name, author, website, license_, to_buy),
        }
    return modules
