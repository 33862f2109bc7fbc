# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""DNS records that authenticate a sending domain (SPF, DMARC, DKIM).

Read with dnspython, against the system's resolver or a given name server.
:class:`DnsUnreachable` means the answer is unknown (no name server
answered); a record that does not exist is an empty list.
"""

import dns.exception
import dns.resolver


class DnsUnreachable(Exception):
    """No name server answered: the records are unknown."""


def make_resolver(nameserver="", timeout=5.0):
    """A resolver: the system's, or ``host[:port]`` when given."""
    if nameserver:
        resolver = dns.resolver.Resolver(configure=False)
        host, _sep, port = nameserver.partition(":")
        resolver.nameservers = [host]
        if port:
            resolver.port = int(port)
    else:
        resolver = dns.resolver.Resolver()
    resolver.timeout = resolver.lifetime = float(timeout)
    return resolver


def txt_records(resolver, name):
    """The TXT strings of ``name`` (each record's parts joined)."""
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise DnsUnreachable(str(exc)) from exc
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def spf_record(resolver, domain):
    records = [
        r for r in txt_records(resolver, domain) if r.lower().startswith("v=spf1")
    ]
    return records[0] if records else None


def dmarc_policy(resolver, domain):
    """The DMARC record's ``p=`` tag ('' when absent), or ``None``."""
    for record in txt_records(resolver, f"_dmarc.{domain}"):
        if record.lower().startswith("v=dmarc1"):
            tags = dict(
                part.strip().split("=", 1) for part in record.split(";") if "=" in part
            )
            return tags.get("p", "").strip().lower()
    return None


def dkim_record(resolver, selector, domain):
    records = txt_records(resolver, f"{selector}._domainkey.{domain}")
    keys = [r for r in records if "p=" in r]
    return keys[0] if keys else None


def spf_names(record, host):
    """Whether the SPF ``record`` names the outgoing ``host``'s domain
    (``include:``/``a:``/``mx:`` of it or of a parent domain)."""
    labels = host.lower().rstrip(".").split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    for term in record.lower().split()[1:]:
        mechanism, _sep, target = term.lstrip("+~?-").partition(":")
        if mechanism in ("include", "a", "mx", "exists") and target:
            target = target.rstrip(".")
            if target in parents or any(p.endswith("." + target) for p in parents):
                return True
            if any(target.endswith("." + p) or target == p for p in parents):
                return True
    return False
