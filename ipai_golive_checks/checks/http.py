# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP checks: health, login page, WebSocket, asset bundles, TLS, DNS, endpoints.

Which server is judged: health, login, WebSocket and assets hit the server
itself as seen from the inside, ``http://<http_interface or 127.0.0.1>:<http_port>``
(the gevent port for the WebSocket when workers > 0), with the ``Host`` of
``web.base.url`` (and ``X-Forwarded-*`` in proxy mode) so that ``dbfilter``
picks the served database, unless the ``base_url`` threshold points them
elsewhere (CI may set the public URL). TLS and DNS judge the ``web.base.url``
system parameter (or their ``url`` / ``host`` threshold).

Every request has an explicit timeout, ignores the proxies of the environment,
reads at most ``MAX_BODY_BYTES`` and uses ``allow_redirects=False``: a redirect
to the same origin (scheme, host, port) is followed by hand (a few hops), a
redirect to another origin is reported, never followed.
"""

import functools
import ipaddress
import time
from contextlib import suppress
from urllib.parse import urlsplit

from odoo import models
from odoo.tools import config

from ..models.golive_check_registry import Finding, golive_check
from ..tools import http_probes, net

MAX_TIMEOUT = 30.0  # seconds, as golive.check.endpoint's constraint


# One file per check family, by design.
# pylint: disable=consider-merging-classes-inherited
class GoliveCheckRegistry(models.AbstractModel):
    _inherit = "golive.check.registry"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _golive_local_host(self):
        """Address this server listens on, as a client reaches it."""
        return net.client_address(config.get("http_interface"))

    def _golive_http_base(self, ctx):
        base = (ctx.params.get("base_url") or "").strip().rstrip("/")
        if base:
            return base
        port = config.get("http_port") or 8069
        return f"http://{net.netloc(self._golive_local_host(), port)}"

    def _golive_public_headers(self, ctx):
        """``(headers, public URL)`` that make a local request look public.

        Without a ``base_url`` threshold the checks reach the server on its
        local address: the ``Host`` header (``X-Forwarded-Host`` and
        ``X-Forwarded-Proto`` behind a proxy) carries the host of
        ``web.base.url``, so that ``dbfilter`` (``%h``, ``%d``) selects the
        database the users reach.
        """
        if (ctx.params.get("base_url") or "").strip():
            return {}, ""
        public = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return http_probes.public_headers(public, config.get("proxy_mode"))

    def _golive_public_url(self, ctx):
        url = (ctx.params.get("url") or "").strip()
        if url:
            return url, "threshold"
        param = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return param or "", "web.base.url"

    def _golive_http_get(self, ctx, path, key):
        """GET ``base + path``; return ``(finding or None, response, evidence)``.

        The finding is a ``fail`` when the request did not get an answer or was
        redirected to another host.
        """
        base = self._golive_http_base(ctx)
        url = base + path
        headers, public = self._golive_public_headers(ctx)
        aliases = {net.origin(public): base} if public else {}
        evidence = {"url": url}
        if headers:
            evidence["host_header"] = headers["Host"]
        answer = http_probes.timed_request(
            "GET",
            url,
            ctx.network_timeout,
            headers=headers,
            aliases=aliases,
            verify=net.ca_bundle(ctx.params.get("ca_file")),
        )
        if answer.error:
            evidence.update(error=answer.error, duration_ms=answer.duration_ms)
            message = self.env._(
                "%(url)s did not answer: %(error)s", url=url, error=answer.error
            )
            return Finding.fail(message, key, **evidence), None, evidence
        response, offhost = answer.response, answer.offhost
        evidence.update(
            status=response.status_code,
            duration_ms=answer.duration_ms,
            redirects=answer.hops,
        )
        if offhost:
            evidence["redirect_to"] = offhost
            return (
                Finding.fail(
                    self.env._(
                        "%(url)s redirects to another origin, %(host)s (not followed).",
                        url=url,
                        host=net.origin_text(offhost),
                    ),
                    key,
                    **evidence,
                ),
                response,
                evidence,
            )
        return None, response, evidence

    # ------------------------------------------------------------------
    # Checks on the server itself
    # ------------------------------------------------------------------
    @golive_check(
        "http.health",
        title="Health endpoint answers, database reachable",
        category="http",
        severity="critical",
        severity_by_env={"dev": "low"},
        remediation="/web/health?db_server_status=1 must answer 200 "
        '{"status": "pass"}: check that the server runs and reaches PostgreSQL.',
        tags=("network",),
        params={"base_url": "", "ca_file": ""},
    )
    def _check_http_health(self, ctx):
        key = "/web/health"
        failed, response, evidence = self._golive_http_get(
            ctx, "/web/health?db_server_status=1", key
        )
        if failed:
            yield failed
            return
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        status = payload.get("status") if isinstance(payload, dict) else None
        evidence["health"] = status
        if response.status_code == 200 and status == "pass":
            yield Finding.pass_(
                self.env._(
                    "Health check passed in %s ms (database reachable).",
                    evidence["duration_ms"],
                ),
                key,
                **evidence,
            )
        else:
            # the size only: the body of an address inside the network is
            # not the audit's to keep
            evidence["body_bytes"] = len(response.content)
            yield Finding.fail(
                self.env._(
                    "Health check answered %(code)s (status %(status)s).",
                    code=response.status_code,
                    status=status or "-",
                ),
                key,
                **evidence,
            )

    @golive_check(
        "http.login",
        title="Login page answers 200",
        category="http",
        severity="critical",
        severity_by_env={"dev": "low"},
        remediation="/web/login must answer 200 on the served database: check "
        "dbfilter (a redirect to the database selector) and the proxy.",
        tags=("network",),
        params={"base_url": "", "ca_file": ""},
    )
    def _check_http_login(self, ctx):
        key = "/web/login"
        failed, response, evidence = self._golive_http_get(ctx, "/web/login", key)
        if failed:
            yield failed
            return
        final_path = urlsplit(response.url).path
        evidence["final_path"] = final_path
        if response.status_code == 200 and final_path == "/web/login":
            yield Finding.pass_(
                self.env._(
                    "/web/login answered 200 in %s ms.", evidence["duration_ms"]
                ),
                key,
                **evidence,
            )
        else:
            yield Finding.fail(
                self.env._(
                    "/web/login answered %(code)s at %(path)s.",
                    code=response.status_code,
                    path=final_path,
                ),
                key,
                **evidence,
            )

    @golive_check(
        "http.websocket",
        title="WebSocket handshake answered 101",
        category="http",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="With workers > 0 the proxy must route /websocket to the "
        "gevent port with the Upgrade and Connection headers; the server must "
        "answer the handshake with 101 Switching Protocols.",
        tags=("network",),
        params={"base_url": ""},
    )
    def _check_http_websocket(self, ctx):
        scheme, host, port = self._golive_ws_target(ctx)
        headers, public = self._golive_public_headers(ctx)
        netloc = net.netloc(host, port)
        headers = dict(headers or {"Host": netloc})
        origin = public or f"{scheme}://{netloc}"
        key = "/websocket"
        evidence = {
            "host": host,
            "port": port,
            "scheme": scheme,
            "host_header": headers["Host"],
        }
        try:
            facts, accepted = http_probes.websocket_probe(
                scheme, host, port, headers, origin, ctx.network_timeout
            )
        except OSError as exc:
            evidence.update(error=net.short_error(exc), duration_ms=exc.duration_ms)
            yield Finding.fail(
                self.env._(
                    "WebSocket handshake on %(host)s:%(port)s failed: %(error)s",
                    host=host,
                    port=port,
                    error=net.short_error(exc),
                ),
                key,
                **evidence,
            )
            return
        evidence.update(facts)
        yield self._golive_ws_finding(host, port, key, accepted, evidence)

    def _golive_ws_target(self, ctx):
        """``(scheme, host, port)`` of the WebSocket endpoint: the base_url
        threshold, else this server (its gevent port when workers > 0)."""
        base = (ctx.params.get("base_url") or "").strip()
        if base:
            parts = urlsplit(base)
            return (
                parts.scheme,
                parts.hostname or "127.0.0.1",
                net.origin(base)[2] or 80,
            )
        workers = config.get("workers") or 0
        port = int(
            (config.get("gevent_port") if workers > 0 else config.get("http_port"))
            or 8069
        )
        return "http", self._golive_local_host(), port

    def _golive_ws_finding(self, host, port, key, accepted, evidence):
        """The finding of a handshake that answered ``evidence["status"]``."""
        status_line = evidence["status_line"]
        if evidence["status"] == 101 and accepted:
            return Finding.pass_(
                self.env._(
                    "WebSocket handshake on %(host)s:%(port)s answered 101.",
                    host=host,
                    port=port,
                ),
                key,
                **evidence,
            )
        if evidence["status"] == 101:
            return Finding.fail(
                self.env._("101 answered with a wrong Sec-WebSocket-Accept."),
                key,
                **evidence,
            )
        return Finding.fail(
            self.env._(
                "WebSocket handshake on %(host)s:%(port)s answered "
                "%(status)s instead of 101.",
                host=host,
                port=port,
                status=status_line[:100] or "nothing",
            ),
            key,
            **evidence,
        )

    @golive_check(
        "http.assets",
        title="Asset bundles served",
        category="http",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Each bundle's current URL must answer 200 with content: "
        "check the filestore (attachments of the bundles), the proxy's /web/assets "
        "route and the server log for asset compilation errors.",
        tags=("network", "slow"),
        params={
            "base_url": "",
            "ca_file": "",
            "bundles": ["web.assets_frontend", "web.assets_backend"],
            "network_timeout": 60,
        },
        timeout=60.0,
        probe="_golive_probe_assets",
    )
    def _check_http_assets(self, ctx):
        bundles, probe = self._golive_assets_plan(ctx)
        fetched_by_bundle = ctx.probed(probe)
        for bundle, links in bundles:
            if not links:
                yield Finding.fail(
                    self.env._("Bundle %s has no files (unknown bundle?).", bundle),
                    bundle,
                    bundle=bundle,
                )
                continue
            fetched, problems = fetched_by_bundle[bundle]
            if problems:
                yield Finding.fail(
                    self.env._(
                        "Bundle %(bundle)s: %(problems)s.",
                        bundle=bundle,
                        problems="; ".join(problems),
                    ),
                    bundle,
                    bundle=bundle,
                    files=fetched,
                )
            else:
                yield Finding.pass_(
                    self.env._(
                        "Bundle %(bundle)s served (%(count)s file(s), %(kb)s kB).",
                        bundle=bundle,
                        count=len(fetched),
                        kb=round(sum(f["bytes"] for f in fetched) / 1024),
                    ),
                    bundle,
                    bundle=bundle,
                    files=fetched,
                )

    def _golive_assets_plan(self, ctx):
        """``([(bundle, links)], probe)``: the probe fetches the links of every
        bundle (no environment used) and returns ``{bundle: (files, problems)}``."""
        bundles = ctx.params.get("bundles") or []
        if isinstance(bundles, str):
            bundles = [name.strip() for name in bundles.split(",") if name.strip()]
        base = self._golive_http_base(ctx)
        headers, public = self._golive_public_headers(ctx)
        plan = [
            (
                bundle,
                [
                    link
                    for link in self.env["ir.qweb"]._get_asset_links(bundle)
                    if link and link.startswith("/")
                ],
            )
            for bundle in bundles
        ]
        probe = functools.partial(
            http_probes.fetch_bundles,
            plan,
            base,
            ctx.network_timeout,
            headers,
            {net.origin(public): base} if public else {},
            net.ca_bundle(ctx.params.get("ca_file")),
        )
        return plan, probe

    def _golive_probe_assets(self, ctx):
        return self._golive_assets_plan(ctx)[1]

    # ------------------------------------------------------------------
    # Checks on the public URL
    # ------------------------------------------------------------------
    @golive_check(
        "http.tls_certificate",
        title="TLS certificate of the base URL valid",
        category="http",
        severity="critical",
        severity_by_env={"dev": "info", "staging": "medium"},
        remediation="Serve web.base.url with a certificate from a trusted CA that "
        "names the host, renewed automatically well before expiry.",
        tags=("network", "security"),
        params={"url": "", "warn_days": 21, "fail_days": 7, "ca_file": ""},
    )
    def _check_http_tls_certificate(self, ctx):
        url, source = self._golive_public_url(ctx)
        parts = urlsplit(url)
        key = parts.hostname or url or "web.base.url"
        if parts.scheme != "https" or not parts.hostname:
            yield Finding.skip(
                self.env._(
                    "%(origin)s is %(url)s, not an https URL: no certificate to "
                    "check (params.base_url judges the scheme).",
                    origin=source,
                    url=url or "-",
                ),
                key,
                url=url,
            )
            return
        host, port = parts.hostname, parts.port or 443
        evidence = {"host": host, "port": port, "source": source}
        try:
            der, version, verify_error = http_probes.tls_certificate(
                host, port, ctx.network_timeout, ctx.params.get("ca_file")
            )
        except OSError as exc:
            yield Finding.fail(
                self.env._(
                    "No TLS handshake with %(host)s:%(port)s: %(error)s",
                    host=host,
                    port=port,
                    error=net.short_error(exc),
                ),
                key,
                error=net.short_error(exc),
                **evidence,
            )
            return
        if der:
            evidence.update(http_probes.certificate_facts(der, version))
        if verify_error is not None:
            yield self._golive_tls_untrusted(host, key, verify_error, evidence)
        else:
            evidence["verified"] = True
            yield self._golive_tls_expiry(ctx, host, key, evidence)

    def _golive_tls_untrusted(self, host, key, verify_error, evidence):
        code = verify_error.verify_code
        reason = verify_error.verify_message or str(verify_error)
        evidence.update(verified=False, verify_error=reason, verify_code=code)
        if code == net.X509_HOSTNAME_MISMATCH:
            message = self.env._(
                "The certificate of %(host)s does not name this host: %(reason)s.",
                host=host,
                reason=reason,
            )
        elif code == net.X509_CERT_HAS_EXPIRED:
            message = self.env._("The certificate of %(host)s has expired.", host=host)
        else:
            message = self.env._(
                "The certificate chain of %(host)s is not trusted: %(reason)s.",
                host=host,
                reason=reason,
            )
        return Finding.fail(message, key, **evidence)

    def _golive_tls_expiry(self, ctx, host, key, evidence):
        days_left = evidence["days_left"]
        args = {"host": host, "days": days_left, "date": evidence["not_after"][:10]}
        if days_left < float(ctx.params["fail_days"]):
            status = "fail"
        elif days_left < float(ctx.params["warn_days"]):
            status = "warn"
        else:
            return Finding.pass_(
                self.env._(
                    "The certificate of %(host)s is valid for %(days)s more days.",
                    **args,
                ),
                key,
                **evidence,
            )
        return Finding(
            status,
            self.env._(
                "The certificate of %(host)s expires in %(days)s days (%(date)s).",
                **args,
            ),
            key,
            evidence,
        )

    @golive_check(
        "http.dns",
        title="Host of the base URL resolves",
        category="http",
        severity="high",
        severity_by_env={"dev": "info"},
        remediation="Create the DNS record of web.base.url's host (and check the "
        "server's resolver, /etc/resolv.conf).",
        tags=("network",),
        params={"host": ""},
    )
    def _check_http_dns(self, ctx):
        host = (ctx.params.get("host") or "").strip()
        source = "threshold"
        if not host:
            url, source = self._golive_public_url(ctx)
            host = urlsplit(url).hostname or ""
        if not host:
            yield Finding.skip(
                self.env._("No host to resolve: web.base.url is not set."),
                "web.base.url",
            )
            return
        with suppress(ValueError):
            ipaddress.ip_address(host)
            yield Finding.pass_(
                self.env._("%s is an IP address: nothing to resolve.", host),
                host,
                host=host,
                source=source,
            )
            return
        timeout = ctx.network_timeout
        started = time.perf_counter()
        evidence = {"host": host, "source": source}
        try:
            addresses = net.resolve(host, timeout)
        except TimeoutError:
            yield Finding.fail(
                self.env._(
                    "Resolving %(host)s timed out after %(s)ss.", host=host, s=timeout
                ),
                host,
                duration_ms=net.elapsed_ms(started),
                **evidence,
            )
            return
        except OSError as exc:
            yield Finding.fail(
                self.env._(
                    "%(host)s does not resolve: %(error)s", host=host, error=exc
                ),
                host,
                error=str(exc),
                duration_ms=net.elapsed_ms(started),
                **evidence,
            )
            return
        yield Finding.pass_(
            self.env._(
                "%(host)s resolves to %(addresses)s.",
                host=host,
                addresses=", ".join(addresses[:10]),
            ),
            host,
            addresses=addresses[:20],
            duration_ms=net.elapsed_ms(started),
            **evidence,
        )

    @golive_check(
        "http.endpoint",
        title="Integration endpoints answer",
        category="http",
        severity="high",
        severity_by_env={"dev": "low"},
        remediation="Go-Live > Configuration > Endpoint Checks lists the "
        "endpoints; fix the service, the URL or the credential, or archive an "
        "endpoint that is no longer used.",
        tags=("network",),
        params={"ca_file": ""},
    )
    def _check_http_endpoint(self, ctx):
        endpoints = (
            self.env["golive.check.endpoint"].sudo().search([("active", "=", True)])
        )
        if not endpoints:
            yield Finding.skip(
                self.env._("No endpoint check defined."), "golive.check.endpoint"
            )
            return
        verify = net.ca_bundle(ctx.params.get("ca_file"))
        for endpoint in endpoints:
            yield self._golive_endpoint_finding(endpoint, verify)

    def _golive_endpoint_finding(self, endpoint, verify=True):
        key = endpoint.name
        timeout = min(max(endpoint.timeout or 5.0, 0.1), MAX_TIMEOUT)
        headers = {}
        if endpoint.header_name:
            headers[endpoint.header_name] = endpoint.header_value or ""
        evidence = {
            "url": endpoint.url,
            "method": endpoint.method,
            "expected_status": endpoint.expected_status,
            "timeout": timeout,
            "header": endpoint.header_name or None,
        }
        # No redirect is followed when a redirect is the expected answer;
        # the credential header goes to the configured URL only.
        answer = http_probes.timed_request(
            endpoint.method,
            endpoint.url,
            timeout,
            headers=headers or None,
            follow=endpoint.expected_status not in net.REDIRECT_CODES,
            drop_on_redirect=tuple(headers),
            verify=verify,
        )
        if answer.error:
            evidence.update(error=answer.error, duration_ms=answer.duration_ms)
            return Finding.fail(
                self.env._(
                    "%(name)s did not answer: %(error)s",
                    name=endpoint.name,
                    error=answer.error,
                ),
                key,
                **evidence,
            )
        response = answer.response
        offhost, downgrade = answer.offhost, answer.downgrade
        evidence.update(
            status=response.status_code,
            redirects=answer.hops,
            duration_ms=answer.duration_ms,
        )
        return self._golive_endpoint_answer(
            endpoint, response, offhost, downgrade, evidence
        )

    def _golive_endpoint_answer(self, endpoint, response, offhost, downgrade, evidence):
        """The finding of an endpoint that answered ``response``."""
        key = endpoint.name
        if offhost and downgrade:
            evidence.update(redirect_to=offhost, downgrade=True)
            return Finding.fail(
                self.env._(
                    "%(name)s redirects from https to plain http, %(host)s "
                    "(a downgrade, not followed).",
                    name=endpoint.name,
                    host=net.origin_text(offhost),
                ),
                key,
                **evidence,
            )
        if offhost:
            evidence["redirect_to"] = offhost
            return Finding.fail(
                self.env._(
                    "%(name)s redirects to another origin, %(host)s (not followed).",
                    name=endpoint.name,
                    host=net.origin_text(offhost),
                ),
                key,
                **evidence,
            )
        if response.status_code == endpoint.expected_status:
            return Finding.pass_(
                self.env._(
                    "%(name)s answered %(code)s in %(ms)s ms.",
                    name=endpoint.name,
                    code=response.status_code,
                    ms=evidence["duration_ms"],
                ),
                key,
                **evidence,
            )
        return Finding.fail(
            self.env._(
                "%(name)s answered %(code)s, expected %(expected)s.",
                name=endpoint.name,
                code=response.status_code,
                expected=endpoint.expected_status,
            ),
            key,
            **evidence,
        )
