"""Secrets: password hashing, API keys, reset tokens and the rules they obey.

Nothing here touches the database. Passwords are stored only as salted scrypt hashes;
API keys and reset tokens only as keyed SHA-256 digests, so that a copy of the database
file yields no usable secret, yet a key can still be found by its digest in one indexed
lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from kili_typed_server import limits

# scrypt cost: 2**15 * 8 * 128 bytes = 32 MiB and some tens of milliseconds per hash. The
# parameters are stored with each hash, so raising them later keeps old hashes valid.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_SALT_BYTES = 16

#: Prefix of the keys this server generates, so secret scanners can spot them.
API_KEY_PREFIX = "kt_"
_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII without spaces: header-safe
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")

PASSWORD_RULE = f"at least {limits.MIN_PASSWORD_LENGTH} characters, including a letter and a digit"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """Hashes a password with scrypt and a fresh random salt.

    Args:
        password: The plaintext password.

    Returns:
        ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` with base64 salt and hash.
    """
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=SCRYPT_DKLEN,
        maxmem=_SCRYPT_MAXMEM,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Checks a password against a stored hash in constant time.

    Args:
        password: The plaintext password to check.
        stored: The value from :func:`hash_password`, or ``None`` for an account without
            a password (which no password matches).

    Returns:
        Whether the password matches.
    """
    if stored is None:
        return False
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        expected_bytes = base64.b64decode(expected)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected_bytes),
            maxmem=_SCRYPT_MAXMEM,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected_bytes)


def is_strong_password(password: str) -> bool:
    """Tells whether a password meets :data:`PASSWORD_RULE`.

    Args:
        password: The candidate password.

    Returns:
        Whether it is long enough, not too long, and has a letter and a digit.
    """
    return (
        limits.MIN_PASSWORD_LENGTH <= len(password) <= limits.MAX_PASSWORD_LENGTH
        and _LETTER.search(password) is not None
        and _DIGIT.search(password) is not None
    )


def generate_password() -> str:
    """Makes a random password that meets :data:`PASSWORD_RULE`.

    Returns:
        A URL-safe random password of 16 characters.
    """
    while True:
        candidate = secrets.token_urlsafe(12)
        if is_strong_password(candidate):
            return candidate


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
