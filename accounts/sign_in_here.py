"""The sign-in form in place of a page that needs it, instead of a redirect to it.

A visitor who opens a page that needs an account (the booking page, "My learning", a
certificate, the profile) used to get a 302 to `/uz/accounts/login/?next=...`: one
more round trip, two seconds on a rural 3G link, before anything is painted.
`SignInHereMiddleware` answers such a request at once with the sign-in page itself,
rendered by allauth's own `LoginView` (same template, same forms, the reader's
language, the CSP nonce of this response), with `next` set to what was asked. Both
forms post to the real sign-in addresses (the password form to `account_login`, the
phone form to `accounts_phone_code_request`), which send the person on to `next`
once signed in, after allauth's check that `next` stays on this site.

What it changes, and only that: a 301/302 to `settings.LOGIN_URL` made by a view
(Django's `login_required` and `redirect_to_login`, Wagtail's private pages) for an
anonymous GET or HEAD that is a page visit. Everything else keeps its answer:

- POST and other methods: the redirect, as today (the posted data would be lost
  either way; the sign-in page then brings the person back with a GET).
- Requests a script makes (`Sec-Fetch-Mode` other than `navigate`, e.g. `fetch()` of
  a service worker or progress.js): the redirect. The JSON endpoints answer 401/403
  JSON themselves and never get here.
- The Wagtail admin (`/admin/`), and the redirects of `StaffSessionMiddleware` (the
  second factor, the idle limit, Wagtail's own sign-in pages): this middleware sits
  inside it, so it never sees them.
- A signed-in person sent to the sign-in page (none of our pages does that today).

Why status 403 and not 200 or 401: the answer is not the page asked for, so a 200
would let a cache or a crawler take the sign-in form for that address's content.
401 would say exactly "authenticate", but RFC 9110 section 15.5.2 requires a 401 to
carry a `WWW-Authenticate` challenge, and there is no registered scheme for a sign-in
form; an invented one is not valid HTTP to the clients that read it. 403 (RFC 9110
section 15.5.4) allows "the client MAY repeat the request with new or different
credentials", which is what the form is for, and every browser shows the body of a
403 as it shows a 200. With it: `Cache-Control: private, no-store` (from allauth's
`never_cache`, kept), `Vary: Cookie` (the same address shows the page once signed
in), `X-Robots-Tag: noindex` and, in the page, `<meta name="robots" content="noindex">`
with the canonical link to the sign-in page, so that no search engine files the form
under the address asked for.

docs/sign-in.md ("The sign-in form in place") and docs/security.md say the same for
readers of the docs.
"""

import copy
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

# Marks the answer for those who read headers (tests, logs): the sign-in page shown
# in place of the page at this address.
SIGN_IN_HERE_HEADER = "X-Komak-Sign-In"
SIGN_IN_HERE_STATUS = 403


def asked_path_of_redirect(response) -> str | None:
    """The `next` of a view's redirect to the sign-in page, or None when `response`
    is no such redirect (or its `next` leaves the site)."""
    if response.status_code not in (301, 302) or not response.has_header("Location"):
        return None
    location = urlsplit(response["Location"])
    if location.scheme or location.netloc:
        return None
    try:
        login_path = resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:  # a URLconf without the sign-in page (some tests')
        return None
    if location.path != login_path:
        return None
    asked = parse_qs(location.query).get(REDIRECT_FIELD_NAME, [""])[0]
    if not asked or not url_has_allowed_host_and_scheme(
        asked, allowed_hosts=None, require_https=False
    ):
        return None
    return asked


def sign_in_here_applies(request) -> bool:
    """An anonymous person's page visit outside the admin (see module docstring)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return False
    try:
        admin = reverse("wagtailadmin_home")
    except NoReverseMatch:  # a URLconf without the admin (some tests')
        return True
    return not request.path_info.startswith(admin)


def sign_in_here_response(request, asked: str):
    """allauth's sign-in page for this request, with `next` = `asked`, as a 403."""
    sign_in_request = copy.copy(request)
    query = QueryDict(mutable=True)
    query[REDIRECT_FIELD_NAME] = asked
    sign_in_request.GET = query
    # A HEAD is rendered as a GET (the server drops the body): allauth counts a
    # HEAD to its sign-in view against the sign-in rate limit, a GET not.
    sign_in_request.method = "GET"
    login_url = resolve_url(settings.LOGIN_URL)
    # The view the sign-in address runs (allauth's LoginView), made again with the
    # flag for the template and the canonical link to the sign-in page.
    login_view = resolve(login_url).func
    view = login_view.view_class.as_view(
        **login_view.view_initkwargs,
        extra_context={
            "sign_in_here": True,
            "canonical_url": request.build_absolute_uri(login_url),
        },
    )
    response = view(sign_in_request)
    if response.status_code != 200:
        # A sign-in already under way (allauth sends it to its pending stage).
        return None
    if hasattr(response, "render"):
        response.render()
    response.status_code = SIGN_IN_HERE_STATUS
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie",))
    response["X-Robots-Tag"] = "noindex"
    response[SIGN_IN_HERE_HEADER] = "in-place"
    return response


class SignInHereMiddleware:
    """Turn a view's redirect to the sign-in page into the sign-in page itself (see
    the module docstring). Goes inside `StaffSessionMiddleware`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The answer first: most are no redirect to sign-in, and need nothing more.
        asked = asked_path_of_redirect(response)
        if asked is None or not sign_in_here_applies(request):
            return response
        return sign_in_here_response(request, asked) or response
