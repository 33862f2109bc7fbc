#!/usr/bin/env bash
# CI step: audit the database with the self-inspection engine; fail the
# pipeline on a finding at or above "high", keep the JUnit report.
#   exit 0 clean, 1 findings, 2 usage/configuration/internal error,
#   3 database unreachable
set -euo pipefail
ADDONS_PATH="${ADDONS_PATH:?set ADDONS_PATH (your addons, then Odoo's)}"
DB="${DB:?set DB}"
CONF="${ODOO_CONF:-/etc/odoo/odoo.conf}"
odoo-bin --addons-path="$ADDONS_PATH" golive -d "$DB" -c "$CONF" \
    --environment "${GOLIVE_ENVIRONMENT:-prod}" --fail-level high \
    --format junit --output golive-junit.xml
