"""Background work of urgent help, run by the django-q2 cluster
(urgent/schedules.py, `manage.py schedule_tasks`): escalation every minute,
tidying every hour."""

import logging

from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


def urgent_escalate() -> int:
    """Escalate the requests nobody took in time; how many this run escalated."""
    escalated = services.urgent_requests_escalate()
    if escalated:
        logger.warning("Urgent requests escalated: %s", escalated)
    return len(escalated)


def urgent_tidy() -> dict[str, int]:
    """Close requests left open too long, then delete those past retention."""
    closed = services.urgent_requests_close_stale()
    deleted = services.urgent_requests_retention_delete(
        days=settings.URGENT_RETENTION_DAYS
    )
    return {"closed": closed, "deleted": deleted}
