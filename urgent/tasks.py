"""Background work of urgent help, run by the django-q2 cluster every minute
(`manage.py schedule_urgent_tasks`)."""

import logging

from . import services

logger = logging.getLogger(__name__)


def urgent_escalate() -> int:
    """Escalate the requests nobody took in time; how many this run escalated."""
    escalated = services.urgent_requests_escalate()
    if escalated:
        logger.warning("Urgent requests escalated: %s", escalated)
    return len(escalated)
