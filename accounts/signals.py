"""Signal receivers of the accounts app."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .comfort import COOKIE_NAME, Comfort
from .services import user_comfort_save


@receiver(user_logged_in, dispatch_uid="accounts.comfort_from_device")
def comfort_from_device(sender, request, user, **kwargs):
    """Settings chosen on this phone before signing in are kept on the account,
    unless the account already has its own."""
    if request is None:
        return
    chosen = Comfort.from_cookie(request.COOKIES.get(COOKIE_NAME))
    if not chosen.is_default() and Comfort.from_user(user).is_default():
        user_comfort_save(user=user, comfort=chosen)
