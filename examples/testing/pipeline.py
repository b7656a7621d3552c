"""The code under test in the testing examples: a small onboarding job, as a user writes it.

It adds members to the organization, and is safe to run again: when the answer to a
``create_user`` is lost (``OutcomeUnknownError``), it looks before trying again, so a user
is never created twice and a lost answer never fails the job.
"""

from __future__ import annotations

from kili_typed import Kili, OutcomeUnknownError


def onboard(kili: Kili, emails: list[str], password: str) -> dict[str, str]:
    """Makes sure each email is a member; returns what was done for each one.

    Args:
        kili: The client.
        emails: The members to have.
        password: Their first password.

    Returns:
        ``"created"``, ``"already there"`` or ``"created (answer lost)"`` per email.
    """
    done: dict[str, str] = {}
    for email in emails:
        if kili.count_users(email=email):
            done[email] = "already there"
            continue
        try:
            kili.create_user(email=email, password=password, organization_role="USER")
            done[email] = "created"
        except OutcomeUnknownError:
            # The server may or may not have created the user: look, never resend blindly.
            if not kili.count_users(email=email):
                kili.create_user(email=email, password=password, organization_role="USER")
            done[email] = "created (answer lost)"
    return done


def onboard_from_environment(emails: list[str], password: str) -> dict[str, str]:
    """The same job with a client built from ``KILI_API_KEY`` and ``KILI_API_ENDPOINT``."""
    with Kili() as kili:
        return onboard(kili, emails, password)
