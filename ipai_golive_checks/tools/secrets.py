# Copyright 2026 IPAI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Masking of secrets: the one place every finding and output goes through.

Anything that may end up in a finding, a log line, a chatter message or a CLI
report is passed through :func:`mask` first. It hides

* the value of any mapping key that looks like a credential (``password``,
  ``passwd``, ``secret``, ``token``, ``api_key``, ``apikey``, ``*_key`` ...),
* credentials embedded in URLs (``scheme://user:pass@host``),
* credential-like query or ``name=value`` parameters (``?token=...``),
* every *known* secret value (database password, master password, SMTP
  passwords, secret-looking system parameters) wherever it appears in a text.
"""

import re

MASK = "********"

SECRET_KEY_RE = re.compile(
    r"(pass(word|wd)?|pwd|secret|token|api[_-]?key|apikey|credential|"
    r"private|signature|(^|[_.-])key$|^key$)",
    re.IGNORECASE,
)
_URL_CREDENTIALS_RE = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<cred>[^/\s@]+)@")
_PARAM_RE = re.compile(
    r"(?P<name>(?:[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|"
    r"signature|key))\s*[=:]\s*)"
    r"(?P<quote>['\"]?)(?P<value>[^&\s#'\",;]+)",
    re.IGNORECASE,
)
# Values too common to be masked as literal text (they would garble messages).
_TRIVIAL = {"", "admin", "odoo", "false", "true", "none", "0", "1"}
MIN_SECRET_LENGTH = 4


def is_secret_key(key):
    """Whether a mapping key names a credential."""
    return bool(key) and bool(SECRET_KEY_RE.search(str(key)))


def usable_secrets(secrets):
    """Known secret values worth masking, longest first."""
    values = {
        str(value)
        for value in secrets or ()
        if value not in (None, False)
        and len(str(value)) >= MIN_SECRET_LENGTH
        and str(value).lower() not in _TRIVIAL
    }
    return sorted(values, key=len, reverse=True)


def mask_text(text, secrets=()):
    """Mask secrets in one string."""
    if not text:
        return text
    text = str(text)
    for value in usable_secrets(secrets):
        text = text.replace(value, MASK)
    text = _URL_CREDENTIALS_RE.sub(_mask_url_credentials, text)
    return _PARAM_RE.sub(lambda m: m.group("name") + m.group("quote") + MASK, text)


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


def _mask(value, secrets, key):
    if isinstance(value, bool) or value is None:
        return value
    if key is not None and is_secret_key(key):
        if isinstance(value, dict | list | tuple):
            return _mask(value, secrets, None) if value else value
        return MASK if value != "" else value
    if isinstance(value, dict):
        return {k: _mask(v, secrets, k) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask(v, secrets, None) for v in value]
    if isinstance(value, str):
        return mask_text(value, secrets)
    if isinstance(value, int | float):
        return value
    return mask_text(str(value), secrets)
