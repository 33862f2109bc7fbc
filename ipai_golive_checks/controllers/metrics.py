# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``GET /golive/metrics``: the stored self-audits in Prometheus' format.

Off unless the server configuration file sets ``golive_metrics_token``: the
route then answers 404, as if it did not exist. A scrape must send
``Authorization: Bearer <token>`` (compared in constant time), else 401. The
route never runs a check: it reads the latest stored run of every database
this server serves (``db_list`` with the server's dbfilter, ``%h``/``%d`` taken
from the request's host), so a scrape costs a few queries per database.

For a server with several databases, load the addon server-wide
(``server_wide_modules = base,web,ipai_golive_checks``) so that the route
exists without a database being selected.
"""

import hmac
import logging
from contextlib import closing, contextmanager

import psycopg2
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tools import config

from ..tools.metrics import DatabaseSnapshot, collect_database, exposition

_logger = logging.getLogger(__name__)
TOKEN_OPTION = "golive_metrics_token"


def metrics_token():
    """The configured bearer token, or None: the endpoint is off."""
    return (config.get(TOKEN_OPTION) or "").strip() or None


@contextmanager
def database_cursor(dbname):
    """A cursor on ``dbname``: the request's own for its database, a loaded
    registry's otherwise, else a plain connection that loads no registry."""
    if request.db == dbname:
        yield request.env.cr
        return
    registry = Registry.registries.get(dbname)
    if registry is not None and registry.ready:
        cr = registry.cursor(readonly=True)
    else:
        cr = db_connect(dbname).cursor()
    with closing(cr):
        yield cr


def snapshot(dbname):
    try:
        with database_cursor(dbname) as cr:
            return collect_database(cr, dbname)
    except psycopg2.Error as exc:
        _logger.info("golive metrics: database %s unreadable: %s", dbname, exc)
        return DatabaseSnapshot(db=dbname)


class GoliveMetrics(http.Controller):
    @http.route(
        "/golive/metrics",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def golive_metrics(self):
        token = metrics_token()
        if token is None:
            raise NotFound()
        scheme, _sep, given = request.httprequest.headers.get(
            "Authorization", ""
        ).partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return request.make_response(
                "Unauthorized\n",
                headers=[("WWW-Authenticate", 'Bearer realm="golive"')],
                status=401,
            )
        host = request.httprequest.environ.get("HTTP_HOST", "")
        snapshots = [snapshot(db) for db in http.db_list(force=True, host=host)]
        return request.make_response(
            exposition(snapshots), headers=[("Content-Type", CONTENT_TYPE_LATEST)]
        )
