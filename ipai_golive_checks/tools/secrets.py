# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Masking of secrets: the one place every finding and output goes through.

Anything that may end up in a finding, a log line, a chatter message or a CLI
report is passed through :func:`mask` first. It hides

* the value of any mapping key that looks like a credential (``password``,
  ``passwd``, ``secret``, ``token``, ``api_key``, ``apikey``, ``*_key`` ...),
  and everything nested beneath it (lists, mappings),
* secrets in the text of mapping keys too,
* credentials embedded in URLs (``scheme://user:pass@host``),
* credential-like query or ``name=value`` parameters (``?token=...``),
* HTTP credentials: ``Authorization``/``Proxy-Authorization`` values (with
  their scheme: ``Bearer``, ``Basic``...), ``Cookie``/``Set-Cookie`` values,
* every *known* secret value (database password, master password, SMTP
  passwords, secret-looking system parameters) wherever it appears in a text.
"""

import re

MASK = "********"

# A bare "pass" is a status (the counts of a run), not a credential: only a
# prefixed one (Odoo's smtp_pass) is.
SECRET_KEY_RE = re.compile(
    r"(passw(or)?d|[_.-]pass$|pwd|secret|token|api[_-]?key|apikey|credential|"
    r"private|signature|(^|[_.-])key$|^(proxy-)?authorization$|^(set-)?cookie$)",
    re.IGNORECASE,
)
# The credentials end at the last "@" before the host: a password may hold "@".
_URL_CREDENTIALS_RE = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<cred>[^/?#\s<>\"]+)@", re.IGNORECASE
)
# name=value, name: value, 'name': 'value', "name": "value". An unquoted value
# stops at quotes and angle brackets, so masking never eats markup around it.
_PARAM_RE = re.compile(
    r"(?P<name>(?:[\w.-]*(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|"
    r"signature|key)|[\w.-]+[_.-]pass)['\"]?\s*[=:]\s*)"
    r"(?:(?P<quote>['\"])(?P<quoted>[^'\"\r\n]+)(?P=quote)"
    r"|(?P<value>[^&\s#'\",;<>]+))",
    re.IGNORECASE,
)
# HTTP credentials: an Authorization header (its scheme kept), a bare bearer
# token, a cookie header (the whole value up to the end of the line).
_HTTP_AUTH_RE = re.compile(
    r"(?P<name>\b(?:proxy-)?authorization['\"]?\s*[=:]\s*['\"]?"
    r"(?:(?:bearer|basic|digest|token|negotiate)\s+)?)"
    r"(?P<value>[^\s'\",;<>]+)",
    re.IGNORECASE,
)
_BEARER_RE = re.compile(r"(?P<name>\bbearer\s+)(?P<value>[^\s'\",;<>]+)", re.IGNORECASE)
_COOKIE_RE = re.compile(
    r"(?P<name>\b(?:set-)?cookie['\"]?\s*[=:]\s*['\"]?)(?P<value>[^\r\n'\"<>]+)",
    re.IGNORECASE,
)
# Values too common to be masked as literal text (they would garble messages).
_TRIVIAL = {"", "admin", "odoo", "false", "true", "none", "0", "1"}
MIN_SECRET_LENGTH = 4


def is_secret_key(key):
    """Whether a mapping key names a credential."""
    return bool(key) and bool(SECRET_KEY_RE.search(str(key)))


class _UsableSecrets(tuple):
    """Secret values already filtered and sorted by :func:`usable_secrets`."""


def usable_secrets(secrets):
    """Known secret values worth masking, longest first."""
    if isinstance(secrets, _UsableSecrets):
        return secrets
    values = {
        str(value)
        for value in secrets or ()
        if value not in (None, False)
        and len(str(value)) >= MIN_SECRET_LENGTH
        and str(value).lower() not in _TRIVIAL
    }
    return _UsableSecrets(sorted(values, key=len, reverse=True))


def mask_text(text, secrets=()):
    """Mask secrets in one string."""
    if not text:
        return text
    text = str(text)
    for value in usable_secrets(secrets):
        text = text.replace(value, MASK)
    # the patterns need "://" and "@", or a "=" or ":" after a name
    if "@" in text:
        text = _URL_CREDENTIALS_RE.sub(_mask_url_credentials, text)
    if "=" in text or ":" in text:
        text = _HTTP_AUTH_RE.sub(_mask_named, text)
        text = _COOKIE_RE.sub(_mask_named, text)
        text = _PARAM_RE.sub(_mask_param, text)
    text = _BEARER_RE.sub(_mask_named, text)
    return text


def _mask_named(match):
    if match.group("value") == MASK:
        return match.group(0)
    return f"{match.group('name')}{MASK}"


def _mask_param(match):
    quote = match.group("quote") or ""
    return f"{match.group('name')}{quote}{MASK}{quote}"


def _mask_url_credentials(match):
    cred = match.group("cred")
    if cred == MASK:
        return match.group(0)
    user, sep, _password = cred.partition(":")
    if sep:
        return f"{match.group('scheme')}{user}:{MASK}@"
    # a lone token before "@" (https://TOKEN@host) is a credential too
    return f"{match.group('scheme')}{MASK}@"


def mask(value, secrets=(), key=None):
    """Return ``value`` (str, number, list, tuple, dict, nested) with secrets masked.

    ``secrets`` is an iterable of known secret values; ``key`` is the mapping key
    under which ``value`` was found, if any.
    """
    secrets = usable_secrets(secrets)
    return _mask(value, secrets, key)


def _mask_key(key, secrets):
    return mask_text(key, secrets) if isinstance(key, str) else key


def _mask(value, secrets, key):
    if isinstance(value, bool) or value is None:
        return value
    if key is not None and is_secret_key(key):
        return _mask_all(value, secrets)
    if isinstance(value, dict):
        return {_mask_key(k, secrets): _mask(v, secrets, k) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask(v, secrets, None) for v in value]
    if isinstance(value, str):
        return mask_text(value, secrets)
    if isinstance(value, int | float):
        return value
    return mask_text(str(value), secrets)


def _mask_all(value, secrets):
    """Mask every value beneath a secret-named key (keys are masked as text)."""
    if isinstance(value, bool) or value is None or value == "":
        return value
    if isinstance(value, dict):
        return {_mask_key(k, secrets): _mask_all(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_all(v, secrets) for v in value]
    return MASK
