"""Makes the current request known to the audit receivers (see audit.context)."""

from .context import current_request


class AuditContextMiddleware:
    """Put after AuthenticationMiddleware, so that `request.user` is there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
