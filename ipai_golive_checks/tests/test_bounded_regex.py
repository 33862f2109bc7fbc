# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A dbfilter_regex from a manifest is matched with a time bound."""

import re

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools.bounded_regex import RegexTimeout, bounded_match
from .test_manifest_loader import GOOD, errors_of

# exponential backtracking in Python's re: hours for 40 characters
CATASTROPHIC = "^(a+)+$"
VICTIM = "a" * 40 + "b"


@tagged("post_install", "-at_install")
class TestBoundedRegex(BaseCase):
    def test_matches_as_re_does(self):
        self.assertTrue(bounded_match("^acme$", "acme"))
        self.assertFalse(bounded_match("^acme$", "acme_test"))
        self.assertFalse(bounded_match("test", "acme_test"))
        self.assertTrue(bounded_match("test", "acme_test", mode="search"))
        with self.assertRaises(re.error):
            bounded_match("^(acme", "acme")

    def test_catastrophic_pattern_refused(self):
        with self.assertRaisesRegex(RegexTimeout, "catastrophic backtracking"):
            bounded_match(CATASTROPHIC, VICTIM, timeout=0.5)

    def test_manifest_with_a_catastrophic_dbfilter_refused(self):
        text = GOOD.replace(
            'canonical_db_name: acme, dbfilter_regex: "^acme$"',
            f'canonical_db_name: {VICTIM}, dbfilter_regex: "{CATASTROPHIC}"',
        )
        self.assertNotEqual(text, GOOD)
        issues = [i for i in errors_of(text) if "dbfilter_regex" in i.path]
        self.assertEqual(len(issues), 1, issues)
        self.assertIn("did not finish", issues[0].message)
