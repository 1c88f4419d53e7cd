"""What a visitor gets from a page that needs sign-in: the sign-in page in place
(accounts/sign_in_here.py), checked alike by every test that opens such a page."""

import re
from html import escape

from django.urls import reverse
from django.utils import translation

from accounts.sign_in_here import SIGN_IN_HERE_HEADER, SIGN_IN_HERE_STATUS


def sign_in_here_problems(response, asked: str, *, language: str = "uz") -> list[str]:
    """What keeps `response` from being the sign-in page in place of `asked` and
    nothing else (an empty list when it is): the status and headers, allauth's
    sign-in template as the page rendered, in `language`, and its two forms posting
    to the real sign-in addresses with `next` = `asked`."""
    problems = []
    if response.status_code != SIGN_IN_HERE_STATUS:
        return [f"status {response.status_code}"]
    if response.has_header("Location"):
        problems.append("a Location header")
    if response.get(SIGN_IN_HERE_HEADER) != "in-place":
        problems.append(f"no {SIGN_IN_HERE_HEADER} header")
    templates = [template.name for template in getattr(response, "templates", [])]
    if templates[:1] != ["account/login.html"]:
        problems.append(f"rendered {templates[:3]}, not account/login.html first")
    cache_control = {
        part.strip() for part in response.get("Cache-Control", "").split(",")
    }
    if not {"private", "no-store"} <= cache_control:
        problems.append(f"Cache-Control {response.get('Cache-Control')!r}")
    if "cookie" not in response.get("Vary", "").lower():
        problems.append(f"Vary {response.get('Vary')!r}")
    if response.get("X-Robots-Tag") != "noindex":
        problems.append("no X-Robots-Tag: noindex")
    html = response.content.decode()
    with translation.override(language):
        login_url = reverse("account_login")
        phone_url = reverse("accounts_phone_code_request")
    if f'<html lang="{language}"' not in html:
        problems.append(f"not in {language}")
    if '<meta name="robots" content="noindex">' not in html:
        problems.append("no robots noindex in the page")
    if not re.search(
        rf'<link rel="canonical" href="https?://[^"/]+{login_url}">', html
    ):
        problems.append("no canonical link to the sign-in page")
    next_field = f'<input type="hidden" name="next" value="{escape(asked)}">'
    for action in (login_url, phone_url):
        start = html.find(f'action="{action}"')
        if start < 0:
            problems.append(f"no form posting to {action}")
            continue
        if next_field not in html[start : html.find("</form>", start)]:
            problems.append(f"the form posting to {action} has no next={asked}")
    return problems


def assert_sign_in_here(response, asked: str, *, language: str = "uz") -> str:
    """Assert that `response` is the sign-in page in place of `asked`; return it."""
    problems = sign_in_here_problems(response, asked, language=language)
    assert not problems, problems
    return response.content.decode()
