"""Text from the database as the operator's terminal should see it.

Emails and names are validated on the way in, but a database written by an older version
may hold anything; whatever is printed to a terminal or a log line goes through
:func:`escape`, so that no stored value can move the cursor, hide text or reorder it.
"""

from __future__ import annotations


def escape(text: str) -> str:
    """Shows the non-printable characters of a text as Python escapes.

    Args:
        text: Any text, e.g. an email read from the database.

    Returns:
        The text with each non-printable character (controls, bidi overrides, zero-width
        characters, lone surrogates...) replaced by its escape, e.g. ``\\x00``, ``\\u202e``.

    Examples:
        >>> escape("eve\\u202egnp.exe@example.com")
        'eve\\\\u202egnp.exe@example.com'
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
