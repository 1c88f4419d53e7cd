"""The second sign-in step (an authenticator app's code) for tests.

Staff must pass a TOTP code at sign-in (accounts/middleware.py). Codes come from
allauth's own TOTP functions, so a test computes exactly what an authenticator app
would show. A code is accepted once per 30-second step, and allauth accepts one step
either side (MFA_TOTP_TOLERANCE), so helpers that sign the same person in twice in a
row try the neighbouring steps' codes.
"""

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.http import HttpRequest
from django.test import Client

from demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET

MFA_PAGE = "/uz/accounts/2fa/authenticate/"


def totp_code(secret: str = DEMO_TOTP_SECRET, *, step_offset: int = 0) -> str:
    """The code an authenticator app shows now (or `step_offset` steps away)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + step_offset
    return format_hotp_value(hotp_value(secret, counter))


def candidate_codes(secret: str = DEMO_TOTP_SECRET) -> list[str]:
    """Codes the server accepts now, best first (a used one is refused)."""
    return [totp_code(secret, step_offset=offset) for offset in (0, 1, -1)]


def browser_complete_totp(page, base_url: str, secret: str = DEMO_TOTP_SECRET):
    """After the password step in Playwright: enter the code if the server asks."""
    if not page.url.startswith(base_url + MFA_PAGE):
        return
    for code in candidate_codes(secret):
        page.fill("input[name=code]", code)
        with page.expect_navigation():
            page.click("form.form button[type=submit] >> nth=0")
        if not page.url.startswith(base_url + MFA_PAGE):
            return
    raise AssertionError("the authenticator code was refused three times")


def mark_second_factor_passed(client: Client, user) -> None:
    """Record in a test client's session that its sign-in included the second
    factor, as allauth does after a right code. For `force_login`, which stands for a
    whole sign-in."""
    request = HttpRequest()
    request.session = client.session
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()


def http_sign_in(
    base_url: str,
    username: str,
    password: str | None = None,
    secret: str = DEMO_TOTP_SECRET,
) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """Sign in at /accounts/login/ over HTTP as a browser would, giving the
    authenticator code when the server asks; return the opener and its cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    login_url = base_url + "/uz/accounts/login/"
    with opener.open(login_url, timeout=30) as response:
        html = response.read().decode()
    fields = {"login": username, "password": password or DEMO_PASSWORD}
    url, html = _post_form(opener, login_url, html, fields)
    for code in candidate_codes(secret):
        if not url.startswith(base_url + MFA_PAGE):
            break
        url, html = _post_form(opener, base_url + MFA_PAGE, html, {"code": code})
    if url.startswith((login_url, base_url + MFA_PAGE)):
        raise AssertionError(f"{username} could not sign in at {login_url}")
    return opener, jar


def _post_form(opener, url: str, html: str, fields: dict) -> tuple[str, str]:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    with opener.open(request, timeout=30) as response:
        return response.geturl(), response.read().decode()
