# Shared helpers of the project's entry points; sourced, not run.
# shellcheck shell=bash
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
LOCAL_DIR="$REPO_ROOT/.local"
mkdir -p "$LOCAL_DIR"

die() {
    echo "ERROR: $*" >&2
    exit 2
}

# Odoo 18.0 must be importable by $PYTHON and its `odoo` command on PATH.
require_odoo() {
    local version
    if ! version=$("$PYTHON" -c 'import odoo.release; print(odoo.release.version)' 2>/dev/null); then
        die "Odoo is not installed: '$PYTHON -c \"import odoo\"' fails.
Install Odoo 18.0 Community from source into this Python, as described in
https://www.odoo.com/documentation/18.0/administration/on_premise/source.html
(pip install -r requirements.txt && pip install -e <odoo-18.0-checkout>),
so that 'import odoo' works and the 'odoo' command is on PATH."
    fi
    case "$version" in
        18.0*) ;;
        *) die "Odoo $version is installed; this project needs Odoo 18.0." ;;
    esac
    ODOO_BIN="${ODOO_BIN:-$(command -v odoo || true)}"
    [ -n "$ODOO_BIN" ] || die "Odoo $version is importable but the 'odoo' command is not on PATH (or set ODOO_BIN)."
}

# PostgreSQL reachable with the libpq defaults (PGHOST, PGPORT, PGUSER, ...).
require_postgres() {
    if ! "$PYTHON" - <<'PY' 2>"$LOCAL_DIR/pg-error.txt"
import psycopg2
psycopg2.connect(dbname="postgres", connect_timeout=5).close()
PY
    then
        die "PostgreSQL is unreachable: $(grep -E "^psycopg2|^[a-z]" "$LOCAL_DIR/pg-error.txt" | tail -n 2 | tr "\n" " ")
Start it (e.g. 'pg_ctlcluster 15 main start') or point PGHOST/PGPORT/PGUSER at a
server where this user may create databases."
    fi
}

install_requirements() {
    echo "Installing the project's Python requirements (requirements.txt)..."
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "$REPO_ROOT/requirements.txt" \
        || die "pip could not install requirements.txt"
}

# The addons of this repository (and their test addons), one per line.
our_addons() {
    (cd "$REPO_ROOT" && for d in */__manifest__.py; do dirname "$d"; done)
}

# The repo first, then Odoo's own addons folder(s).
addons_path() {
    "$PYTHON" - "$REPO_ROOT" <<'PY'
import os, sys
import odoo
root = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [sys.argv[1]] + [
    p for p in (os.path.join(os.path.dirname(root), "addons"), os.path.join(root, "addons"))
    if os.path.isdir(os.path.join(p, "web"))
]
print(",".join(paths))
PY
}

recreate_db() {
    "$PYTHON" - "$1" <<'PY'
import sys
import psycopg2
from psycopg2 import sql
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(sys.argv[1])))
    cr.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(sys.argv[1])))
conn.close()
PY
}
