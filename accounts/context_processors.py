"""Template context for every page: the comfort settings that shape `<html>`. (The
header's role links come from accounts/homes.py through
cms.context_processors.main_links, which adds the course list's address.)"""

from .comfort import comfort_for_request


def comfort(request):
    return {"comfort": comfort_for_request(request)}
