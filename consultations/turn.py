"""ICE servers for a call: the STUN servers as configured, and TURN with short-lived
credentials.

Many of our clients sit behind mobile carriers' NAT, where only a TURN relay gets media
through. The relay must not be open to anyone who finds its address, so each person
gets a credential for one session. It follows coturn's `use-auth-secret` scheme (the
"REST API for access to TURN services" draft, draft-uberti-behave-turn-rest-00): the
username is `<expiry unix time>:<user id>` and the password is the base64 HMAC-SHA1 of
the username keyed with the secret that coturn also knows (`static-auth-secret`).
coturn recomputes it, so nothing is stored. The secret is never logged or sent.

A credential is issued only around a booking's call and lives at most 2 hours
(`credential_expiry`), so a cancelled or far-off booking yields none.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .call_rights import call_grace
from .models import BookingStatus

# TURN is handed out from this long before the call opens (the pre-call check runs
# then), so from 30 minutes before the start.
ISSUE_BEFORE_OPENING = timedelta(minutes=15)


def turn_credentials(*, user_id: int, expires_at: datetime, secret: str) -> dict:
    """The username and credential coturn accepts until `expires_at`."""
    username = f"{int(expires_at.timestamp())}:{user_id}"
    # HMAC-SHA1 is what the TURN REST scheme and coturn prescribe.
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode()}


def credential_expiry(*, booking, now: datetime | None = None) -> datetime | None:
    """Until when a TURN credential for this booking may run if issued at `now`, or
    None when none may be issued.

    Only for a confirmed booking that is not anonymised, from 15 minutes before its
    call opens to its end plus the grace; the credential lives at most
    `TURN_CREDENTIAL_TTL_SECONDS` (2 hours) and never past the end plus the grace. A
    long call gets fresh ones over its socket (consumers.py).
    """
    now = now or timezone.now()
    if booking.status != BookingStatus.CONFIRMED or booking.anonymised_at is not None:
        return None
    if now < booking.join_opens_at - ISSUE_BEFORE_OPENING:
        return None
    expires_at = min(
        now + timedelta(seconds=settings.TURN_CREDENTIAL_TTL_SECONDS),
        booking.ends_at + call_grace(),
    )
    # coturn compares whole seconds: a credential must outlive the present second.
    if int(expires_at.timestamp()) <= int(now.timestamp()):
        return None
    return expires_at


def ice_servers_for(
    *, user_id: int, booking, now: datetime | None = None
) -> list[dict]:
    """The RTCIceServer list for one person in one booking's call.

    STUN and TURN URLs come from the settings STUN_URLS and TURN_URLS. TURN is left out
    when it is not configured (no URLs or no secret), and when the booking gives no
    right to a credential at `now` (`credential_expiry`).
    """
    now = now or timezone.now()
    servers = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    expires_at = credential_expiry(booking=booking, now=now)
    if settings.TURN_URLS and settings.TURN_SECRET and expires_at is not None:
        servers.append(
            {
                "urls": list(settings.TURN_URLS),
                **turn_credentials(
                    user_id=user_id,
                    expires_at=expires_at,
                    secret=settings.TURN_SECRET,
                ),
            }
        )
    return servers
