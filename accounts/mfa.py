"""Authenticator apps (TOTP) outside allauth's own pages: enrolling demo staff."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt


def totp_enrol(*, user, secret: str) -> Authenticator:
    """Give `user` an authenticator app with this base32 `secret`, unless they have
    one already (their own key is then kept)."""
    authenticator, _ = Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(secret)}},
    )
    return authenticator
