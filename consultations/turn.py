"""ICE servers for a call: the STUN servers as configured, and TURN with short-lived
credentials.

Many of our clients sit behind mobile carriers' NAT, where only a TURN relay gets media
through. The relay must not be open to anyone who finds its address, so each person
gets a credential for one session. It follows coturn's `use-auth-secret` scheme (the
"REST API for access to TURN services" draft, draft-uberti-behave-turn-rest-00): the
username is `<expiry unix time>:<user id>` and the password is the base64 HMAC-SHA1 of
the username keyed with the secret that coturn also knows (`static-auth-secret`).
coturn recomputes it, so nothing is stored. The secret is never logged or sent.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

# A credential outlives the booking's end by this much, so an overrunning call keeps
# its relay.
CREDENTIAL_GRACE = timedelta(minutes=30)


def turn_credentials(*, user_id: int, expires_at: datetime, secret: str) -> dict:
    """The username and credential coturn accepts until `expires_at`."""
    username = f"{int(expires_at.timestamp())}:{user_id}"
    # HMAC-SHA1 is what the TURN REST scheme and coturn prescribe.
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode()}


def ice_servers_for(
    *, user_id: int, booking, now: datetime | None = None
) -> list[dict]:
    """The RTCIceServer list for one person in one booking's call.

    STUN and TURN URLs come from the settings STUN_URLS and TURN_URLS. TURN is left out
    when it is not configured (no URLs or no secret), and when its credential would
    already have expired at `now`, since coturn would refuse it anyway.
    """
    now = now or timezone.now()
    servers = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    expires_at = booking.ends_at + CREDENTIAL_GRACE
    if settings.TURN_URLS and settings.TURN_SECRET and expires_at > now:
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
