"""`{% checkin_alerts_notice %}`: the count of check-in answers that need the
signed-in specialist's attention, for the top of their own pages. It names nobody
and no score; the list it links to is audited."""

from django import template

from ..selectors import checkin_alerts_open

register = template.Library()


@register.inclusion_tag("wellbeing/includes/alerts_notice.html", takes_context=True)
def checkin_alerts_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    count = len(checkin_alerts_open(user=user)) if user is not None else 0
    return {"checkin_alert_count": count}
