"""The pieces of urgent help that other pages show: the client's "I need help now"
button (home, the client's home and appointments) and the duty pool's live list (the
home page and "today", where specialists land after signing in: accounts/homes.py)."""

from django import template
from django.utils import timezone

from accounts.phone import phone_display

from .. import selectors
from ..views import duty_context

register = template.Library()
register.filter("phone_display", phone_display)


@register.inclusion_tag("urgent/help_button.html", takes_context=True)
def urgent_help_button(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if not selectors.may_ask_for_help(user=user):
        return {"show": False}
    return {"show": True, "urgent": selectors.client_open_request(client=user)}


@register.inclusion_tag("urgent/live_panel.html", takes_context=True)
def urgent_duty_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if not selectors.may_see_requests(user=user):
        return {"show": False}
    return {"show": True, "request": request, **duty_context(request)}


@register.filter
def waited_minutes(urgent, now=None) -> int:
    return urgent.waited_seconds(now or timezone.now()) // 60
