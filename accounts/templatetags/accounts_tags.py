"""Template filters for naming a person to herself."""

from django import template

from accounts.phone import phone_display

register = template.Library()


@register.filter
def person_name(user) -> str:
    """How a person is named to herself: her full name, else her phone number in
    the groups people read it by. Never the username: a login is made for the
    machine (often a number or an e-mail address), not a name to greet by. Empty
    when neither is known."""
    if user is None:
        return ""
    full_name = (getattr(user, "full_name", "") or "").strip()
    if full_name:
        return full_name
    return phone_display(getattr(user, "phone_number", "") or "")
