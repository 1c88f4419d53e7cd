"""The urgent app's channel layer groups and the one way services tell them news.

Every on-duty specialist's and coordinator's socket is in the duty pool's group; a
client's status page is in the client's own group. Messages carry only the request's
id and what happened: each socket reads the row itself (through the access rule), so
no personal data travels through Redis and no worker keeps state of its own.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from consultations.call_rights import LAYER_ERRORS

logger = logging.getLogger(__name__)

POOL_GROUP = "urgent.pool"

NEW = "new"
TAKEN = "taken"
ESCALATED = "escalated"
CLOSED = "closed"
EVENTS = (NEW, TAKEN, ESCALATED, CLOSED)


def client_group(client_id: int) -> str:
    return f"urgent.client.{client_id}"


def event_message(*, event: str, request_id: int) -> dict:
    return {"type": "urgent.event", "event": event, "request": request_id}


def tell(*, event: str, request_id: int, client_id: int) -> None:
    """Tell the duty pool and the client. A failing layer is logged, not raised: the
    row is the truth, and every page shows it on its next load."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = event_message(event=event, request_id=request_id)
    for group in (POOL_GROUP, client_group(client_id)):
        try:
            async_to_sync(layer.group_send)(group, message)
        except LAYER_ERRORS as error:
            logger.warning(
                "Urgent %s of request %s not sent: %r", event, request_id, error
            )
