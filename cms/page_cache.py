"""A cache of the pages anonymous visitors read most: the course list, courses and
lessons, per address, language and comfort settings, served with no database query.

Why not Django's cache middleware: every page carries a CSRF token (the language
switch is a form) and may carry the request's CSP nonce, so a page stored as sent
would either vary on the Cookie header (one entry per visitor) or hand every visitor
the same token and a nonce their Content-Security-Policy header does not name. Here
the page is stored with both replaced by markers, and each visitor's copy gets its
own: a fresh masked CSRF token for their cookie (Django sets the cookie as usual) and
the nonce of this response's CSP header.

What is cached, and when (docs/deployment.md, "Page cache"):

- only GET requests without a query string under a language prefix (/uz/, /uz-cyrl/,
  /ru/, /kaa/, /en/), from visitors carrying no cookie but the CSRF, language and
  comfort ones: a session or messages cookie (signed in, a message waiting) always
  goes to the view;
- only 200 HTML answers of the page types in `PAGE_CACHE_MODELS`, rendered without
  touching the session, setting a cookie or adding a message;
- the key holds the host, the path, the language and the comfort classes that the
  `komak_comfort` cookie puts on `<html>` (accounts/comfort.py).

Every entry carries the current *generation*, a random value in the same cache;
publishing, unpublishing, moving, deleting or restricting a page, or changing a
lesson video, its captions or an image, draws a new one once the transaction
commits, so no worker serves an old page after that (`page_cache_clear`, wired in
cms/apps.py). The cache is the `pages` alias: Redis in the scale-out profile, shared
by every worker; files beside the SQLite database in the embedded profile, so that
the task cluster's process can clear it too (a lesson video made ready).
"""

import hashlib
import re
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from accounts.comfort import COOKIE_NAME as COMFORT_COOKIE
from accounts.comfort import Comfort
from core.transliteration import CyrillicPageMiddleware, html_to_cyrillic

GENERATION_KEY = "komak:page-cache:generation"
# Markers put in place of what differs per response; neither can occur in a page
# (a nonce and a CSRF token are base64 and alphanumerics).
NONCE_MARK = b"\x00komak-csp-nonce\x00"
CSRF_MARK = b"\x00komak-csrf-token\x00"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _generation() -> str:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or the value was evicted: a new one, so that nothing stored
        # under an older value can come back.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def page_cache_clear() -> None:
    """Forget every cached page, for every worker sharing the cache."""
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def page_cache_clear_on_commit(**kwargs) -> None:
    """Signal receiver: clear once the change that sent the signal is committed, so
    that a request in between cannot store the old page under the new
    generation."""
    transaction.on_commit(page_cache_clear)


def page_cache_clear_unless_new(sender, created=False, **kwargs) -> None:
    """`post_save` receiver for what pages show (a video, an image): a new one is
    on no page yet."""
    if not created:
        page_cache_clear_on_commit()


def page_cache_clear_for_page(sender, instance=None, **kwargs) -> None:
    """`post_delete` receiver for any model: clears when a page row goes."""
    from wagtail.models import Page

    if isinstance(instance, Page):
        page_cache_clear_on_commit()


def _cacheable_request(request) -> bool:
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    if not translation.get_language_from_path(request.path_info):
        return False
    allowed = {
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        COMFORT_COOKIE,
    }
    return all(name in allowed for name in request.COOKIES)


def _key(request, generation: str) -> str:
    comfort = Comfort.from_cookie(request.COOKIES.get(COMFORT_COOKIE)).cookie_value()
    address = f"{request.get_host()}{request.path_info}".encode()
    return ":".join(
        (
            "komak:page",
            generation,
            translation.get_language(),
            comfort,
            hashlib.sha256(address).hexdigest(),
        )
    )


def _cacheable_models() -> tuple:
    return tuple(apps.get_model(label) for label in settings.PAGE_CACHE_MODELS)


def _cacheable_response(request, response) -> bool:
    if (
        response.status_code != 200
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
        or response.cookies
    ):
        return False
    page = (getattr(response, "context_data", None) or {}).get("page")
    if not isinstance(page, _cacheable_models()):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and messages.added_new)


def _template_of(request, content: bytes) -> tuple[bytes, bool, bool]:
    """The page with this response's nonce and CSRF tokens replaced by markers."""
    nonce = getattr(request, "_csp_nonce", None)
    has_nonce = isinstance(nonce, str) and nonce.encode() in content
    if has_nonce:
        content = content.replace(nonce.encode(), NONCE_MARK)
    content, tokens = _CSRF_INPUT.subn(rb"\g<1>" + CSRF_MARK + rb"\g<2>", content)
    return content, has_nonce, bool(tokens)


def _page_for(request, entry: dict) -> HttpResponse:
    content = entry["content"]
    if entry["nonce"]:
        content = content.replace(NONCE_MARK, str(request.csp_nonce).encode())
    if entry["csrf"]:
        content = content.replace(CSRF_MARK, get_token(request).encode())
    response = HttpResponse(content, content_type=entry["content_type"])
    response.cyrillic_written = entry["cyrillic"]
    response["X-Page-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous course and lesson pages (see the module docstring).

    Goes last in MIDDLEWARE: everything before it still runs on a cached page (CSP
    and its nonce, CSRF and its cookie, the language, security headers), and none
    of it queries the database for a visitor without a session. A page in Uzbek
    Cyrillic is stored as written by `html_to_cyrillic`, and the Cyrillic writer
    (core/transliteration.py) leaves it as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request):
            return self.get_response(request)
        generation = _generation()
        key = _key(request, generation)
        entry = _cache().get(key)
        if entry is not None:
            return _page_for(request, entry)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cyrillic = translation.get_language() == CyrillicPageMiddleware.LANGUAGE
            if cyrillic:
                # Stored as sent, so that a cached page is not transliterated again
                # on every visit (a few milliseconds for a lesson).
                response.content = html_to_cyrillic(
                    response.content.decode(response.charset)
                ).encode(response.charset)
                response.cyrillic_written = True
            content, has_nonce, has_csrf = _template_of(request, response.content)
            _cache().set(
                key,
                {
                    "content": content,
                    "content_type": response["Content-Type"],
                    "nonce": has_nonce,
                    "csrf": has_csrf,
                    "cyrillic": cyrillic,
                },
                settings.PAGE_CACHE_SECONDS,
            )
            response["X-Page-Cache"] = "miss"
        return response
