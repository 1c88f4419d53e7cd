"""Links every page's header needs, cached so that they cost no query per request."""

from django.core.cache import cache
from django.utils.translation import get_language

COURSE_INDEX_URL_KEY = "komak:course-index-url"


def site_links(request):
    def course_index_url():
        from learning.selectors import course_index_get

        index = course_index_get()
        return index.url if index else "/"

    # Each language has its own address for the course list (/uz/kurslar/, ...).
    return {
        "course_index_url": cache.get_or_set(
            f"{COURSE_INDEX_URL_KEY}:{get_language()}", course_index_url, 300
        )
    }
