"""The critical stylesheet, inlined in every page's <head> with the CSP nonce.

On a 3G link every round trip costs about 2 s: a page whose stylesheet is a second
request paints only after it. The styles the top of a page needs are written into the
page itself (static/css/critical.css, read once per process: it is a static file that
changes only with a deploy), and komak.css follows without blocking the first paint
(templates/base.html, docs/benchmarks.md "First paint").
"""

from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

CRITICAL_STYLESHEET = "css/critical.css"


@cache
def stylesheet_text(name: str) -> str:
    """A static stylesheet's text, from the static files' source folders."""
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(f"static file {name} is missing")
    with open(path, encoding="utf-8") as stylesheet:
        text = stylesheet.read()
    # Nothing in a stylesheet may close the element it is written into.
    if "</" in text:
        raise ValueError(f"{name} must not contain '</'")
    return text


def critical_css_text() -> str:
    return stylesheet_text(CRITICAL_STYLESHEET)


def style_element(context, name: str) -> str:
    """`<style nonce="…">` with a static stylesheet; the nonce is the request's,
    which the Content-Security-Policy header names (no 'unsafe-inline')."""
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    text = mark_safe(stylesheet_text(name))  # noqa: S308 - our own static file
    if nonce is None:
        # Rendered outside a request (an e-mail, a test): no policy to satisfy.
        return format_html("<style>{}</style>", text)
    return format_html('<style nonce="{}">{}</style>', str(nonce), text)


@register.simple_tag(takes_context=True)
def critical_css(context) -> str:
    """The critical stylesheet, for base.html's <head>."""
    return style_element(context, CRITICAL_STYLESHEET)


@register.simple_tag(takes_context=True)
def inline_stylesheet(context, name: str) -> str:
    """A page's own small stylesheet (a kilobyte or two: the booking pages'), in
    its <head> like the critical one, instead of a second request that would hold
    the paint."""
    return style_element(context, name)
