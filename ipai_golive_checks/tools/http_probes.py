# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The probes of the HTTP checks (``checks/http.py``): a timed request, the
asset bundles fetched, the TLS certificate, the WebSocket handshake, the
headers that make a local request look public.

Plain Python, no Odoo: each returns what it saw (facts for the evidence) and
the check judges it.
"""

import dataclasses
import datetime
import ssl
import time
from urllib.parse import urlsplit

import requests

from . import net


@dataclasses.dataclass
class Answer:
    """What a timed request got: a response (with its redirect hops, the
    other origin it was redirected to, whether https went plain http), or
    an error text; and how long it took."""

    response: object = None
    hops: int = 0
    offhost: object = None
    downgrade: bool = False
    error: str = ""
    duration_ms: float = 0.0


def timed_request(method, url, timeout, **kwargs):
    """:func:`net.http_request` timed; return an :class:`Answer` (its
    ``error`` set when no answer came)."""
    started = time.perf_counter()
    try:
        response, hops, offhost, downgrade = net.http_request(
            method, url, timeout, **kwargs
        )
    except requests.RequestException as exc:
        return Answer(error=net.short_error(exc), duration_ms=net.elapsed_ms(started))
    return Answer(response, hops, offhost, downgrade, "", net.elapsed_ms(started))


def public_headers(public_url, proxy_mode):
    """``(headers, public origin)`` that make a request to the local address
    look as if it came to ``public_url``: its ``Host`` (and
    ``X-Forwarded-Host``/``-Proto`` in ``proxy_mode``); ``({}, "")`` when
    ``public_url`` is no http(s) URL."""
    parts = urlsplit((public_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return {}, ""
    host = parts.netloc.rpartition("@")[2]  # keeps the brackets of IPv6
    headers = {"Host": host}
    if proxy_mode:
        headers.update({"X-Forwarded-Host": host, "X-Forwarded-Proto": parts.scheme})
    return headers, f"{parts.scheme}://{host}"


def fetch_bundles(plan, base, timeout, headers, aliases, verify):
    """``{bundle: (files, problems)}`` of the asset links of ``plan``
    (``[(bundle, links)]``) fetched from ``base``: plain I/O, no environment,
    run by a probe thread."""
    return {
        bundle: _fetch_links(links, base, timeout, headers, aliases, verify)
        for bundle, links in plan
    }


def _fetch_links(links, base, timeout, headers, aliases, verify):
    """``(files, problems)`` of one bundle's ``links``."""
    fetched = []
    problems = []
    for link in links:
        answer = timed_request(
            "GET", base + link, timeout, headers=headers, aliases=aliases, verify=verify
        )
        if answer.error:
            problems.append(f"{link}: {answer.error}")
            fetched.append({"url": link, "error": answer.error})
            continue
        response = answer.response
        # The body read is capped: Content-Length tells the full size.
        length = response.headers.get("Content-Length") or ""
        size = int(length) if length.isdigit() else len(response.content)
        fetched.append(
            {
                "url": link,
                "status": response.status_code,
                "bytes": size,
                "duration_ms": answer.duration_ms,
            }
        )
        if answer.offhost:
            problems.append(f"{link}: redirected to {net.origin_text(answer.offhost)}")
        elif response.status_code != 200:
            problems.append(f"{link}: {response.status_code}")
        elif not size:
            problems.append(f"{link}: empty")
    return fetched, problems


def tls_certificate(host, port, timeout, ca_file):
    """``(DER certificate, TLS version, verification error or None)``; an
    untrusted certificate is fetched again without verification.

    :raise OSError: when no TLS handshake is possible at all
    """
    context = net.tls_context(ca_file=ca_file)
    try:
        return (*net.tls_handshake(host, port, timeout, context), None)
    except ssl.SSLCertVerificationError as exc:
        try:
            unverified = net.tls_context(verify=False)
            return (*net.tls_handshake(host, port, timeout, unverified), exc)
        except OSError:
            return None, None, exc


def certificate_facts(der, version):
    """The evidence of a certificate: its details, the days it has left and
    the TLS version of the handshake."""
    details = net.certificate_details(der)
    not_after = details.pop("_not_after")
    now = datetime.datetime.now(datetime.timezone.utc)
    days_left = round((not_after - now).total_seconds() / 86400, 1)
    return {**details, "days_left": days_left, "tls_version": version}


def websocket_probe(scheme, host, port, headers, origin, timeout):
    """Send a WebSocket handshake; return ``{status, status_line,
    duration_ms}`` and whether the ``Sec-WebSocket-Accept`` answered the key.

    :raise OSError: when the handshake got no answer; ``exc.duration_ms``
        tells how long it waited
    """
    ws_key = net.websocket_key()
    request = net.websocket_request(ws_key, headers, origin)
    started = time.perf_counter()
    try:
        status_line, answer_headers = net.websocket_handshake(
            scheme, host, port, request, timeout
        )
    except OSError as exc:
        exc.duration_ms = net.elapsed_ms(started)
        raise
    parts = status_line.split(" ", 2)
    code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    facts = {
        "status": code,
        "status_line": status_line[:100],
        "duration_ms": net.elapsed_ms(started),
    }
    accepted = answer_headers.get("sec-websocket-accept") == net.websocket_accept(
        ws_key
    )
    return facts, accepted
