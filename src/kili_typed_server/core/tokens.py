"""API keys and password-reset tokens: how they are made, checked and stored.

Nothing here touches the database. Keys and tokens are stored only as keyed SHA-256
digests, so that a copy of the database file yields no usable secret, yet a key can still
be found by its digest in one indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from kili_typed_server.core import limits

#: Prefix of the keys this server generates, so secret scanners can spot them.
API_KEY_PREFIX = "kt_"
_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII without spaces: header-safe

#: What :func:`is_acceptable_api_key` accepts, for error messages.
API_KEY_RULE = (
    f"{limits.MIN_API_KEY_LENGTH} to {limits.MAX_API_KEY_LENGTH} printable ASCII characters "
    "without spaces"
)


def generate_api_key() -> str:
    """Makes a new random API key (256 bits of entropy).

    Returns:
        ``kt_`` followed by 43 URL-safe characters.
    """
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def is_acceptable_api_key(key: str) -> bool:
    """Tells whether an operator-chosen key may be registered.

    Args:
        key: The candidate key.

    Returns:
        Whether it is 16 to 256 printable ASCII characters without spaces.
    """
    return (
        limits.MIN_API_KEY_LENGTH <= len(key) <= limits.MAX_API_KEY_LENGTH
        and _KEY_CHARS.match(key) is not None
    )


def new_secret() -> str:
    """Makes a random per-database secret for keyed digests.

    Returns:
        64 hexadecimal characters.
    """
    return secrets.token_hex(32)


def digest(secret: str, value: str) -> str:
    """Computes the keyed digest under which an API key or a reset token is stored.

    Args:
        secret: The per-database secret from :func:`new_secret`.
        value: The API key or token.

    Returns:
        HMAC-SHA256 of ``value`` as 64 hexadecimal characters.
    """
    return hmac.new(secret.encode("ascii"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_key(last4: str) -> str:
    """Builds the value ``ApiKey.key`` answers: never the key itself.

    Args:
        last4: The last four characters of the key.

    Returns:
        ``****`` followed by those characters.
    """
    return "****" + last4


def generate_reset_token() -> str:
    """Makes a single-use password-reset token.

    Returns:
        43 URL-safe random characters.
    """
    return secrets.token_urlsafe(32)
