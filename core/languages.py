"""Which language a request is answered in.

Every page's address carries its language (/uz/, /uz-cyrl/, /ru/, /kaa/, /en/). An
address without one (a bookmark from before, `/`, a link in an SMS) is sent to the
reader's language: for a signed-in person the one kept on their account, so that
their choice follows them to a new phone; otherwise the cookie that the language
switch sets, then the browser's languages, then Uzbek.
"""

from django.conf import settings
from django.core.cache import cache
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Addresses that are not pages in a language: a missing one is a plain 404 there,
# not a redirect to /uz/... (where it would be missing all the same).
UNPREFIXED = ("/admin/", "/documents/", "/videos/", "/static/", "/media/", "/language/")


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the account's language before the cookie.

    It must come after AuthenticationMiddleware, to see who is signed in.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)

    def process_request(self, request):
        super().process_request(request)
        # The admin keeps Wagtail's own language setting (account settings there).
        if translation.get_language_from_path(
            request.path_info
        ) or request.path_info.startswith(UNPREFIXED):
            return
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", "") if user else ""
        if (
            user is not None
            and user.is_authenticated
            and preferred in dict(settings.LANGUAGES)
        ):
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()


def path_without_language(path: str) -> str:
    """`/uz/certificates/X/` as `/certificates/X/`: an address for paper or SMS,
    which opens in the language of whoever follows it."""
    language = translation.get_language_from_path(path)
    return path[len(language) + 1 :] if language else path


def locale_id_of(language_code: str) -> int | None:
    """The id of the Wagtail locale of a content language, from the cache.

    Asked on every page (which tree to route in, which page progress belongs to); a
    locale keeps its id for good, so one query per process and language is enough.
    """
    key = f"komak:locale-id:{language_code}"
    locale_id = cache.get(key)
    if locale_id is None:
        from wagtail.models import Locale

        locale_id = (
            Locale.objects.filter(language_code=language_code)
            .values_list("pk", flat=True)
            .first()
        )
        if locale_id is not None:
            cache.set(key, locale_id, 3600)
    return locale_id
