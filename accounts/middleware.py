"""Staff sessions: two factors before anything else, and an end after 15 idle minutes.

Specialists, trainers, coordinators and admins (`staff_needs_two_factors`) hold health
data or can publish to everyone, so:

- A staff session counts only once the second factor is proven in it: allauth's
  sign-in asks for the authenticator code of a person who has one, and records an
  "mfa" authentication in the session. A staff member without an authenticator is
  sent to set one up before any other page, the Wagtail admin included; one who has
  an authenticator but a session without the second factor (signed in some other
  way) is signed out and sent to the sign-in page.
- A staff session ends after `STAFF_SESSION_IDLE_SECONDS` without a request; the
  session's own expiry is kept at the same length, so the database forgets it too.
  Learners and clients keep Django's long sessions: they sign in rarely and with
  difficulty, and hold no one else's data.

Wagtail's own sign-in pages (the admin's and the private pages') would skip the second
factor and the limits on guessing, so they redirect to allauth's. WebSockets follow
the same rules (`StaffWebSocketMiddleware`, in cms/asgi.py).
"""

import time
from types import SimpleNamespace

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .roles import COORDINATOR, SPECIALIST, TRAINER

STAFF_ROLES = (SPECIALIST, TRAINER, COORDINATOR)
# Wagtail's own password sign-in pages (the admin's, and the one for private pages)
# know neither the second factor nor allauth's limits on guessing: they send to
# allauth's, keeping where the person was going (default: the value here).
OTHER_SIGN_IN_PAGES = {"wagtailadmin_login": "/admin/", "wagtailcore_login": "/"}
LAST_SEEN_SESSION_KEY = "komak_last_seen"

# What a staff member may reach before the second factor is set up: setting it up
# (allauth asks for the password again first), the recovery codes shown right after,
# and signing out.
BEFORE_SECOND_FACTOR = frozenset(
    {
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
    }
)


def staff_needs_two_factors(user) -> bool:
    """True for the people whose accounts must be behind two factors."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=STAFF_ROLES).exists()


def second_factor_passed(request) -> bool:
    """True when this session's sign-in included the second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).exists()


def url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class StaffSessionMiddleware:
    """Enforce the second factor and the idle limit on staff sessions (see module
    docstring). Goes after allauth's AccountMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = url_name(request)
        if name in OTHER_SIGN_IN_PAGES:
            return redirect_to_login(
                request.GET.get("next", OTHER_SIGN_IN_PAGES[name]), settings.LOGIN_URL
            )
        user = request.user
        if not staff_needs_two_factors(user):
            return self.get_response(request)
        refused = self.idle_refusal(request) or self.second_factor_refusal(
            request, name
        )
        if refused is not None:
            return refused
        had_app = name == "mfa_activate_totp" and has_authenticator_app(user)
        response = self.get_response(request)
        if name == "mfa_activate_totp" and not had_app and has_authenticator_app(user):
            # Setting the app up took a valid code from it: the second factor is
            # proven for this session.
            record_authentication(request, user, "mfa", type="totp")
        return response

    def idle_refusal(self, request):
        now = time.time()
        idle_limit = settings.STAFF_SESSION_IDLE_SECONDS
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
        if isinstance(last_seen, int | float) and now - last_seen > idle_limit:
            logout(request)
            messages.info(
                request,
                _(
                    "You were signed out after %(minutes)d minutes without activity. "
                    "Please sign in again."
                )
                % {"minutes": idle_limit // 60},
            )
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        request.session[LAST_SEEN_SESSION_KEY] = now
        request.session.set_expiry(idle_limit)
        return None

    def second_factor_refusal(self, request, name):
        if second_factor_passed(request) or name in BEFORE_SECOND_FACTOR:
            return None
        if has_authenticator_app(request.user):
            logout(request)
            messages.info(
                request,
                _("Please sign in again with the code from your authenticator app."),
            )
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        messages.info(
            request,
            _(
                "Staff accounts need a second step at sign-in. Set up an "
                "authenticator app now."
            ),
        )
        return redirect("mfa_activate_totp")


# --- WebSockets ----------------------------------------------------------------------

# A call may go on for long without a page load; its socket's messages count as
# activity, written to the session at most this often.
SOCKET_ACTIVITY_WRITE_SECONDS = 60


def staff_socket_allowed(scope) -> bool:
    """The WebSocket side of `StaffSessionMiddleware`: a staff session counts only
    with the second factor passed and within the idle limit; if it counts, the
    connection is activity."""
    user = scope["user"]
    if not staff_needs_two_factors(user):
        return True
    holder = SimpleNamespace(session=scope["session"], user=user)
    if not second_factor_passed(holder):
        return False
    last_seen = scope["session"].get(LAST_SEEN_SESSION_KEY)
    idle_limit = settings.STAFF_SESSION_IDLE_SECONDS
    if isinstance(last_seen, int | float) and time.time() - last_seen > idle_limit:
        return False
    staff_session_touch(scope["session"])
    return True


def staff_session_touch(session) -> None:
    session[LAST_SEEN_SESSION_KEY] = time.time()
    session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    session.save()


class StaffWebSocketMiddleware:
    """ASGI middleware inside Channels' AuthMiddlewareStack: a staff session without
    the second factor, or idle too long, opens sockets as nobody (the consultation
    consumer then closes with 4403); an open staff socket's messages keep the
    session alive, so that a long call can still reconnect."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if scope["type"] != "websocket" or user is None or not user.is_authenticated:
            return await self.inner(scope, receive, send)
        allowed = await database_sync_to_async(staff_socket_allowed)(scope)
        if not allowed:
            return await self.inner({**scope, "user": AnonymousUser()}, receive, send)
        if not await database_sync_to_async(staff_needs_two_factors)(user):
            return await self.inner(scope, receive, send)
        written = time.monotonic()

        async def receive_with_activity():
            nonlocal written
            message = await receive()
            now = time.monotonic()
            if (
                message["type"] == "websocket.receive"
                and now - written >= SOCKET_ACTIVITY_WRITE_SECONDS
            ):
                written = now
                await database_sync_to_async(staff_session_touch)(scope["session"])
            return message

        return await self.inner(scope, receive_with_activity, send)
