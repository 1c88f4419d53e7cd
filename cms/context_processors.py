"""Links every page's header needs, cached so that they cost no query per request:
the course list's address and the header's role links. The role links are worked out
by accounts/homes.py; they are put together here, in the project package, because
they need the course list's address from learning, which accounts, standing below
learning, does not import."""

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


def main_links(request):
    """The header's role links (accounts/homes.py), worked out only when a template
    shows them, so pages without the header cost no query."""
    from accounts.homes import header_links_for

    def links():
        return header_links_for(
            getattr(request, "user", None),
            course_index_url=site_links(request)["course_index_url"],
        )

    return {"main_links": links}
