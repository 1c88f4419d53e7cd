"""Root URL configuration.

Every page a person reads carries its language: /uz/, /uz-cyrl/, /ru/, /kaa/, /en/
(`i18n_patterns`; a path without one is redirected to the reader's language, except
`/` itself, which answers with the home page in that language). The
admin, uploaded files, video segments, the language switch and the health check have
no prefix: they are not pages in a language.
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from consultations import urls as consultations_urls
from core import media
from learning import urls as learning_urls
from videos import urls as videos_urls

from . import manifest, views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("videos/", include(videos_urls)),
    path("language/", views.language_set, name="language_set"),
    path("healthz", views.healthz, name="healthz"),
    # `/` itself: the home page in the reader's language, no redirect (cms/views.py).
    path("", views.home_in_reader_language, name="home_in_reader_language"),
    # The offline lessons' service worker: at the root, so that its scope is the
    # whole site (docs/offline.md).
    path("sw.js", views.service_worker, name="service_worker"),
    # Of the media folder only image renditions have addresses (public, like the
    # pages showing them; nginx serves that folder itself): every other upload is
    # sent by the view that checks who asks (core/media.py).
    path(
        "media/images/<path:name>",
        media.image_rendition_file,
        name="media_image_rendition",
    ),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("learning/", include(learning_urls)),
    path("certificates/", include(learning_urls.certificate_urlpatterns)),
    path("consultations/", include(consultations_urls)),
    path("urgent/", include("urgent.urls")),
    path("checkins/", include("wellbeing.urls")),
    path("search/", views.search, name="search"),
    path("help/", views.help_page, name="help"),
    path("manifest.webmanifest", manifest.web_manifest, name="web_manifest"),
    path("offline/", views.offline_page, name="offline"),
    path("", include(wagtail_urls)),
)

# A lost database is a 503 "try again in a minute" page, not a 500 (cms/errors.py).
handler500 = "cms.errors.server_error"
