"""The web app manifest, one per interface language: what a phone needs to put
Ko'mak on its home screen as an app (name in the reader's language, our icons, the
home page in that language as the start, our colours).

/uz/manifest.webmanifest, /ru/manifest.webmanifest, …; templates/base.html links
the one of the page's language. The help page explains "Add to home screen".
"""

import json

from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# From static/css/komak.css: --brand (the header) and --bg.
THEME_COLOUR = "#0b5e4a"
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("img/icon-192.png", "192x192", "any"),
    ("img/icon-512.png", "512x512", "any"),
    ("img/icon-maskable-512.png", "512x512", "maskable"),
)
# A day: a new name or icon reaches installed apps soon, yet the file is not asked
# for again on every page.
MAX_AGE_SECONDS = 24 * 60 * 60


def web_manifest_data(request) -> dict:
    language = translation.get_language()
    home = reverse("wagtail_serve", args=[""])
    return {
        # One app whatever the language it was installed in.
        "id": "/",
        "name": _("Koʻmak: help with digital skills"),
        "short_name": _("Koʻmak"),
        "description": _("Koʻmak: free help with digital skills and social services."),
        "lang": language,
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": use}
            for path, sizes, use in ICONS
        ],
    }


@require_safe
def web_manifest(request):
    response = HttpResponse(
        json.dumps(web_manifest_data(request), ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    return response
