"""Passwords: how they are hashed and verified, and the rule they obey.

Nothing here touches the database. Passwords are stored only as salted scrypt hashes in
the form ``scrypt$<n>$<r>$<p>$<salt>$<hash>``: every hash records the cost it was made
with, so a hash stays verifiable whatever cost later hashes use.

The cost is the :class:`PasswordHasher` a store is given: :data:`PRODUCTION_HASHER` by
default (32 MiB and tens of milliseconds per hash), and :data:`INSECURE_TEST_HASHER` in
test servers only, where production-strength hashing of every test password would
dominate the suite's run time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Protocol

from kili_typed_server.core import limits

_SCRYPT_MAXMEM = 64 * 1024 * 1024
_SALT_BYTES = 16
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")

PASSWORD_RULE = f"at least {limits.MIN_PASSWORD_LENGTH} characters, including a letter and a digit"


class PasswordHasher(Protocol):
    """Hashes passwords for storage and verifies them."""

    def hash(self, password: str) -> str:
        """Hashes a password with a fresh random salt; the result records its cost."""
        ...

    def verify(self, password: str, stored: str | None) -> bool:
        """Checks a password against a stored hash, whatever cost it was made with."""
        ...


@dataclass(frozen=True)
class ScryptHasher:
    """scrypt with a given cost.

    Attributes:
        n: CPU and memory cost, a power of 2 greater than 1.
        r: Block size.
        p: Parallelism.
        dklen: Length of the derived key, in bytes.
    """

    n: int = 2**15
    r: int = 8
    p: int = 1
    dklen: int = 32

    def hash(self, password: str) -> str:
        """Hashes a password with scrypt at this cost and a fresh random salt.

        Args:
            password: The plaintext password.

        Returns:
            ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` with base64 salt and hash.
        """
        salt = secrets.token_bytes(_SALT_BYTES)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=self.n,
            r=self.r,
            p=self.p,
            dklen=self.dklen,
            maxmem=_SCRYPT_MAXMEM,
        )
        return f"scrypt${self.n}${self.r}${self.p}${_b64(salt)}${_b64(digest)}"

    def verify(self, password: str, stored: str | None) -> bool:
        """Checks a password against a stored hash, with the cost the hash records.

        Args:
            password: The plaintext password to check.
            stored: A value from :meth:`hash` (at any cost), or ``None`` for an account
                without a password (which no password matches).

        Returns:
            Whether the password matches.
        """
        return verify_password(password, stored)


#: The cost of a real server: 2**15 * 8 * 128 bytes = 32 MiB and some tens of
#: milliseconds per hash. Raising it later keeps old hashes valid.
PRODUCTION_HASHER = ScryptHasher()

#: FOR TESTS ONLY, never for a real server: scrypt at a trivial cost, so that a test
#: suite creating hundreds of users does not spend minutes hashing. Hashes it makes
#: are as easy to crack as their passwords are to guess.
INSECURE_TEST_HASHER = ScryptHasher(n=2, r=1, p=1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def verify_password(password: str, stored: str | None) -> bool:
    """Checks a password against a stored scrypt hash in constant time.

    Args:
        password: The plaintext password to check.
        stored: A value from :meth:`ScryptHasher.hash`, made at any cost, or ``None``
            for an account without a password (which no password matches).

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
