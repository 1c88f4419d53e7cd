"""Error pages that must work when the rest of the site cannot: a server error, and
"try again in a minute" (503) while the database is out of reach. Both are in the
reader's language.

Django calls `server_error` (ROOT_URLCONF's `handler500`) for any exception a view or
middleware did not handle, from inside the `except` block, so the exception is
known. A lost database connection, a stopped server or a lock that timed out is
raised as `OperationalError` (or `InterfaceError` on a connection already closed):
that is not a bug but a moment, and the reader is told so in their language, with
`Retry-After`. Nothing on that page touches the database: no context processors (the
signed-in person, site settings) and no base template; the language comes from the
address, the language cookie or the browser, and the comfort classes from the
cookie. What a request wrote before the connection failed is rolled back with it:
every service writes inside one transaction (`transaction.atomic`).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from accounts.comfort import COOKIE_NAME as COMFORT_COOKIE
from accounts.comfort import Comfort

logger = logging.getLogger(__name__)

# Seconds a browser or a client script should wait before asking again: long enough
# for PostgreSQL to restart or fail over, short enough for a person to wait.
RETRY_AFTER_SECONDS = 30


def database_unavailable(request) -> HttpResponse:
    """The 503 page: the same words whatever the person was doing."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        html = loader.get_template("503.html").render(
            {
                "language_code": translation.get_language(),
                "comfort": Comfort.from_cookie(request.COOKIES.get(COMFORT_COOKIE)),
                "retry_url": request.get_full_path() if request.method == "GET" else "",
            }
        )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.warning("Database out of reach, answered 503: %s", error)
        return database_unavailable(request)
    try:
        language = translation.get_language_from_request(request, check_path=True)
        with translation.override(language):
            html = loader.get_template("500.html").render(
                {"comfort": Comfort.from_cookie(request.COOKIES.get(COMFORT_COOKIE))}
            )
    except Exception:
        # The error page itself failed (a missing static manifest, say): Django's
        # own, which cannot.
        logger.exception("The 500 page could not be rendered")
        return defaults.server_error(request)
    response = HttpResponse(html, status=500)
    response["Content-Language"] = language
    return response
