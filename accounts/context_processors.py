"""Template context for every page: the comfort settings that shape `<html>`."""

from .comfort import comfort_for_request


def comfort(request):
    return {"comfort": comfort_for_request(request)}
