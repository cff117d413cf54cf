"""Email confirmation links: a signed, time-limited token naming the user and the address.

The token carries the address it was sent to, so a link mailed to an old address stops
working once the user changes it. Confirming is one conditional UPDATE, so two clicks
at once confirm once and keep the first time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone

SALT = "accounts.email-confirmation"
MAX_AGE = timedelta(days=3)


class InvalidConfirmationToken(Exception):
    """A link that was altered or never issued by us."""


class ExpiredConfirmationToken(InvalidConfirmationToken):
    """A genuine link older than MAX_AGE."""


@dataclass(frozen=True)
class Confirmation:
    user: object  # accounts.User
    newly_confirmed: bool


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def confirmation_token(user) -> str:
    return _signer().sign_object({"user": user.pk, "email": user.email})


def confirmation_token_redeem(token: str) -> Confirmation:
    """Set the user's email_confirmed_at from a link; a second click changes nothing."""
    try:
        payload = _signer().unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ExpiredConfirmationToken from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidConfirmationToken from None
    if not isinstance(payload, dict):
        raise InvalidConfirmationToken
    users = get_user_model().objects.filter(pk=payload.get("user"), email=payload.get("email"), is_active=True)
    newly_confirmed = bool(users.filter(email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now()))
    user = users.first()
    if user is None:
        raise InvalidConfirmationToken
    return Confirmation(user=user, newly_confirmed=newly_confirmed)
