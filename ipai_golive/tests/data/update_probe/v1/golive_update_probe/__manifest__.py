# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# A module of the tests only (copied onto a temporary addons path): version 1.
{
    "name": "Go-Live Update Probe",
    "summary": "Test module updated by odoo-bin golive-update",
    "version": "18.0.1.0.0",
    "author": "IPAI",
    "website": "https://github.com/ipai/golive",
    "license": "LGPL-3",
    "depends": ["ipai_golive"],
    "data": ["security/ir.model.access.csv", "data/probe_data.xml"],
    "installable": True,
}
