# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""DNS records that authenticate a sending domain (SPF, DMARC, DKIM), and
the names they are about (organizational domain, public mail domain).

Read with dnspython, against the system's resolver or a given name server.
:class:`DnsUnreachable` means the answer is unknown (no name server
answered); a record that does not exist is an empty list.
"""

import functools

import dns.exception
import dns.resolver

RESERVED_DOMAINS = ("localhost", "example.com", "example.org", "example.net")
RESERVED_SUFFIXES = (".localhost", ".local", ".invalid", ".test", ".example")
# The Public Suffix List as Debian/Ubuntu ship it (package publicsuffix).
PUBLIC_SUFFIX_LIST = "/usr/share/publicsuffix/public_suffix_list.dat"
# Without the list: the second-level labels under which country-code TLDs
# register names (co.uk, com.au, ne.jp...).
SECOND_LEVEL_LABELS = frozenset(
    {"ac", "co", "com", "edu", "go", "gov", "ne", "net", "or", "org"}
)


class DnsUnreachable(Exception):
    """No name server answered: the records are unknown."""


def make_resolver(nameserver="", timeout=5.0):
    """A caching resolver: the system's, or ``host[:port]`` when given."""
    if nameserver:
        resolver = dns.resolver.Resolver(configure=False)
        host, _sep, port = nameserver.partition(":")
        resolver.nameservers = [host]
        if port:
            resolver.port = int(port)
    else:
        resolver = dns.resolver.Resolver()
    resolver.timeout = resolver.lifetime = float(timeout)
    # one run asks for the same names more than once (the domain's TXT for
    # its existence and its SPF, the From domain's DMARC)
    resolver.cache = dns.resolver.Cache()
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


def exists(resolver, name):
    """Whether ``name`` exists in DNS (any record, or none of type TXT but
    records below it); False on NXDOMAIN."""
    try:
        resolver.resolve(name, "TXT")
    except dns.resolver.NXDOMAIN:
        return False
    except dns.resolver.NoAnswer:
        return True
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise DnsUnreachable(str(exc)) from exc
    return True


def spf_record(resolver, domain):
    records = [
        r for r in txt_records(resolver, domain) if r.lower().startswith("v=spf1")
    ]
    return records[0] if records else None


def dmarc_tags(resolver, domain):
    """The tags of the DMARC record of ``domain`` (lower-cased values), or
    ``None`` without a record."""
    for record in txt_records(resolver, f"_dmarc.{domain}"):
        if record.lower().startswith("v=dmarc1"):
            pairs = (part.split("=", 1) for part in record.split(";") if "=" in part)
            return {tag.strip().lower(): value.strip().lower() for tag, value in pairs}
    return None


def dmarc_tags_applying(resolver, domain):
    """The tags of the DMARC record that applies to mail From ``domain``:
    its own, else its organizational domain's (RFC 7489 §6.6.3); ``None``
    without either."""
    tags = dmarc_tags(resolver, domain)
    organizational = organizational_domain(domain)
    if tags is None and organizational != domain.lower().rstrip("."):
        tags = dmarc_tags(resolver, organizational)
    return tags


def dmarc_policy(resolver, domain):
    """The DMARC record's ``p=`` tag ('' when absent), or ``None``."""
    tags = dmarc_tags(resolver, domain)
    return None if tags is None else tags.get("p", "")


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


def is_public_mail_domain(name):
    """Whether ``name`` can be a mail domain on the Internet: dotted, and
    neither reserved (RFC 2606, RFC 6761) nor local."""
    name = (name or "").strip().lower().rstrip(".")
    return (
        "." in name
        and name not in RESERVED_DOMAINS
        and not name.endswith(RESERVED_SUFFIXES)
    )


@functools.lru_cache(maxsize=4)
def _public_suffix_rules(path):
    """``(rules, exceptions)`` of the Public Suffix List at ``path``, or
    ``None`` when it cannot be read."""
    rules, exceptions = set(), set()
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                rule = line.strip().split(" ", 1)[0].lower()
                if not rule or rule.startswith("//"):
                    continue
                if rule.startswith("!"):
                    exceptions.add(rule[1:])
                else:
                    rules.add(rule)
    except OSError:
        return None
    return frozenset(rules), frozenset(exceptions)


def _public_suffix_length(labels, path):
    """How many trailing ``labels`` form the public suffix."""
    psl = _public_suffix_rules(path)
    if psl is None:
        if len(labels) > 2 and len(labels[-1]) == 2:
            return 2 if labels[-2] in SECOND_LEVEL_LABELS else 1
        return 1
    rules, exceptions = psl
    # the prevailing rule is an exception, else the longest rule; else "*"
    for index in range(len(labels)):
        candidate = ".".join(labels[index:])
        if candidate in exceptions:
            return len(labels) - index - 1
        wildcard = ".".join(["*"] + labels[index + 1 :])
        if candidate in rules or (index + 1 < len(labels) and wildcard in rules):
            return len(labels) - index
    return 1


def organizational_domain(name, path=PUBLIC_SUFFIX_LIST):
    """The organizational domain of ``name`` (RFC 7489 §3.2): its public
    suffix and one label more. ``mail.shop.example.co.uk`` gives
    ``example.co.uk``. Reads the Public Suffix List at ``path``; without it,
    a country-code second level (co.uk, com.au) stands for the list."""
    labels = (name or "").strip().lower().rstrip(".").split(".")
    suffix = _public_suffix_length(labels, path)
    return (
        ".".join(labels[-(suffix + 1) :]) if len(labels) > suffix else ".".join(labels)
    )


def aligned(domain, other, strict=False):
    """DMARC identifier alignment (RFC 7489 §3.1): the same name (strict),
    or the same organizational domain (relaxed)."""
    domain, other = (d.strip().lower().rstrip(".") for d in (domain, other))
    if strict:
        return domain == other
    return organizational_domain(domain) == organizational_domain(other)
