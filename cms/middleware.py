"""Security headers that depend on the page: the Content-Security-Policy (the admin
has its own) and the Permissions-Policy (camera and microphone only on call pages).

docs/security.md explains each choice.
"""

import json
import re

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# Features no page of Ko'mak uses; denied everywhere, so that an injected script or a
# framed page cannot ask for them either.
ALWAYS_DENIED = (
    "geolocation",
    "payment",
    "usb",
    "serial",
    "hid",
    "midi",
    "magnetometer",
    "gyroscope",
    "accelerometer",
    "display-capture",
    "browsing-topics",
)
MEDIA_CAPTURE = ("camera", "microphone")


# Wagtail 8's admin still writes a few inline scripts: its form widgets' initialisers
# (choosers, date pickers) and the InlinePanel set-up, also inside the <template> that
# InlinePanel copies for a new child. Each has one fixed shape, with JSON (or a JSON
# string escaped by `escapejs`) as the only variable part.
_JSON_OBJECT = r"(\{.*\})"
ADMIN_INLINE_SCRIPTS = (
    re.compile(
        r"\s*(?:new (?:Image|Document|Page|Snippet|Task)Chooser"
        r"|init(?:Date|Time|DateTime)Chooser)"
        r'\("id_[\w-]+", ' + _JSON_OBJECT + r"\);\s*",
        re.DOTALL,
    ),
    re.compile(
        r"\s*\(function\(\) \{\s*var panel = new InlinePanel\(JSON\.parse\("
        r'"((?:[^"\\<>]|\\u[0-9A-Fa-f]{4})*)"'
        r"\)\);\s*\}\)\(\);\s*",
    ),
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def admin_inline_script_allowed(code: str) -> bool:
    """True when `code` is one of Wagtail's own initialisers, nothing more."""
    initialiser, inline_panel = ADMIN_INLINE_SCRIPTS
    match = initialiser.fullmatch(code)
    if match is not None:
        try:
            return isinstance(json.loads(match.group(1)), dict)
        except ValueError:
            return False
    return inline_panel.fullmatch(code) is not None


def admin_inline_scripts_stamp(html: str, nonce: str) -> str:
    """Give the request's nonce to Wagtail's initialiser scripts, and only to them;
    any other inline script stays blocked. jQuery carries the nonce over when
    InlinePanel adds a child from its template."""

    def stamp(match: re.Match) -> str:
        if admin_inline_script_allowed(match.group(1)):
            return f'<script nonce="{nonce}">{match.group(1)}</script>'
        return match.group(0)

    return _INLINE_SCRIPT.sub(stamp, html)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with `ADMIN_CSP_DIRECTIVES` under the admin's prefix,
    where Wagtail's own initialiser scripts get the nonce (see above).

    A view's own `@csp_update`/`@csp_replace` still apply on top of either policy.
    """

    def process_response(self, request, response):
        if (
            request.path_info.startswith(settings.ADMIN_CSP_PATH_PREFIX)
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and b"<script>" in response.content
        ):
            html = response.content.decode(response.charset)
            response.content = admin_inline_scripts_stamp(
                html, str(request.csp_nonce)
            ).encode(response.charset)
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.ADMIN_CSP_PATH_PREFIX)
        ):
            parts.config = settings.ADMIN_CSP_DIRECTIVES
        return parts


def permissions_policy(*, media_capture: bool) -> str:
    """The Permissions-Policy header value; `media_capture` allows camera and
    microphone for this origin only."""
    allowed = "(self)" if media_capture else "()"
    parts = [f"{feature}={allowed}" for feature in MEDIA_CAPTURE]
    parts += [f"{feature}=()" for feature in ALWAYS_DENIED]
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy on every response; camera and microphone are allowed
    only on the pages named in `MEDIA_CAPTURE_URL_NAMES` (the call and the pre-call
    check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        media_capture = (
            match is not None
            and match.url_name in settings.MEDIA_CAPTURE_URL_NAMES
            and response.status_code == 200
        )
        response.setdefault(
            "Permissions-Policy", permissions_policy(media_capture=media_capture)
        )
        return response
