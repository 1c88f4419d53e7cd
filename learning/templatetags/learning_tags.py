"""Template helpers for lesson pages."""

import uuid

from django import template

register = template.Library()


@register.simple_tag
def new_event_id() -> str:
    """A fresh id for a form, so that the same form sent twice is recorded once."""
    return str(uuid.uuid4())
