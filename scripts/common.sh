# Shared helpers of the project's entry points; sourced, not run.
# shellcheck shell=bash
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$REPO_ROOT/.local"
mkdir -p "$LOCAL_DIR"

die() {
    echo "ERROR: $*" >&2
    exit 2
}

# The Debian packages an entry point needs (chromium, wkhtmltopdf, ...): present,
# installed now (root with apt-get), or a stop naming them, within seconds and
# before any set-up or database work. Argument: test, demo or ci.
require_system_packages() {
    command -v python3 >/dev/null || die "python3 is not on PATH; it is needed to set up the environment."
    python3 "$REPO_ROOT/scripts/system_packages.py" "$1" || exit 2
}

# The project's Python environment: Odoo 18.0 CE and our requirements in .venv
# (or ODOO_PYTHON), set up by scripts/odoo_env.py from ODOO_SOURCE, skipped when
# its stamp shows nothing changed. Sets PYTHON and ODOO_BIN. Arguments: extra
# requirements files (requirements.txt always comes first).
setup_env() {
    local out
    command -v python3 >/dev/null || die "python3 is not on PATH; it is needed to set up the environment."
    out=$(python3 "$REPO_ROOT/scripts/odoo_env.py" "$REPO_ROOT/requirements.txt" "$@") || exit 2
    PYTHON=$(printf '%s\n' "$out" | tail -n 1)
    if [ -x "$(dirname "$PYTHON")/odoo" ]; then
        ODOO_BIN="$(dirname "$PYTHON")/odoo"
    else
        ODOO_BIN="$LOCAL_DIR/odoo-bin"  # an install without the console script
        printf '#!/bin/sh\nexec "%s" -m odoo "$@"\n' "$PYTHON" >"$ODOO_BIN" && chmod +x "$ODOO_BIN"
    fi
    export PYTHON ODOO_BIN
}

# prettier and eslint (package.json, pinned by package-lock.json) in the repo's
# node_modules/ (git-ignored), installed by npm once; again when the lock changes.
setup_node() {
    command -v npm >/dev/null || die "npm is not on PATH: prettier and eslint run on Node.js.
Install it (Debian: apt-get install -y nodejs npm), then run the command again."
    local stamp="$REPO_ROOT/node_modules/.golive-lock.sha256" digest
    digest=$(sha256sum "$REPO_ROOT/package-lock.json" | cut -d" " -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        echo "Installing prettier and eslint (npm ci, into node_modules/)..."
        (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error) \
            || die "npm ci failed (see above)."
        echo "$digest" >"$stamp"
    fi
}

# PostgreSQL reachable with the libpq defaults (PGHOST, PGPORT, PGUSER, ...).
# Before the environment exists (a first run), pg_isready answers; afterwards,
# a real connection by psycopg2.
require_postgres() {
    if [ -z "${PYTHON:-}" ]; then
        if command -v pg_isready >/dev/null && ! pg_isready -q -t 5 -d postgres; then
            die "PostgreSQL is unreachable ($(pg_isready -d postgres 2>&1)).
Start it (e.g. 'pg_ctlcluster 15 main start') or point PGHOST/PGPORT/PGUSER at a
server where this user may create databases."
        fi
        return 0
    fi
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
