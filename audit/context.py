"""The request being served, for receivers that only get a model instance.

Signals such as `post_save` or `m2m_changed` do not say who made the change; the
middleware puts the request in a context variable (per thread and per task, so two
requests never see each other's) for the receivers to read the actor and address.
"""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


def request_actor():
    """(user, request) of the request being served, or (None, None)."""
    request = current_request.get()
    if request is None:
        return None, None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, request
    return user, request
