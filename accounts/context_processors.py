"""Template context for every page: the comfort settings that shape `<html>` and the
header's role links."""

from .comfort import comfort_for_request


def comfort(request):
    return {"comfort": comfort_for_request(request)}


def main_links(request):
    """The header's role links (accounts/homes.py), worked out only when a template
    shows them, so pages without the header cost no query."""
    from .homes import header_links_for

    def links():
        from cms.context_processors import site_links

        return header_links_for(
            getattr(request, "user", None),
            course_index_url=site_links(request)["course_index_url"],
        )

    return {"main_links": links}
