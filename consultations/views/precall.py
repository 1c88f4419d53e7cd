"""Pre-call check views: the page, the offer to the server's echo peer, the result.

Only the booking's client and specialist may use them; anyone else gets a 404, so a
stranger learns nothing about the booking. The booking must still be confirmed and
not over, and the client must have accepted the terms (selectors.precall_access_get);
one person may start 3 echo checks in 10 minutes, and a process whose echo peers are
all in use says it is busy (consultations/precall.py). The offer view is async
because the echo peer must live in Daphne's event loop, where its media keeps flowing
after the response.
"""

import json
import math

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..call_rights import NEEDS_CONSENT, call_is_open
from ..precall import (
    BUSY_RETRY_SECONDS,
    PrecallError,
    busy_message,
    offer_check,
    peers_all_busy,
    precall_answer,
    precall_check_give_back,
    precall_check_take,
    precall_ice_servers,
)
from ..selectors import precall_access_get, precall_page_open
from ..services import booking_precall_record, precall_verdict

MAX_BODY_BYTES = 64 * 1024
MAX_RTT_MS = 60_000
RESULT_FIELDS = {"rtt_ms", "loss_percent", "relay", "connected"}


def verdict_messages() -> dict[str, str]:
    """The verdict in plain words: what will work, and what to do when it is weak.
    The figures behind it are shown only as small print (precall.html)."""
    return {
        "video": _("Your connection is good enough for video."),
        "audio": _(
            "Your connection is good enough for sound only. The picture may switch "
            "off during the talk, but you will hear each other."
        ),
        "phone": _(
            "Your connection is too weak for a call right now. Try near a window or "
            "on Wi-Fi, then check again. If it stays weak, the specialist will phone "
            "you."
        ),
    }


def _error(
    message: str, *, status: int = 400, retry_after: int | None = None
) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _refusal_message(refusal: str) -> str:
    if refusal == NEEDS_CONSENT:
        return _(
            "Before the check, please read and accept the terms for online "
            "consultations."
        )
    return _("This talk was cancelled or is over.")


def _json_object(request) -> dict:
    """The request body as a JSON object, or a `PrecallError` saying what is wrong."""
    if len(request.body) > MAX_BODY_BYTES:
        raise PrecallError(_("The request is too large."))
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError) as error:
        # ValueError: not JSON, not UTF-8, or a number longer than Python turns into
        # an int (4,300 digits); RecursionError: nested deeper than the parser goes.
        raise PrecallError(_("The request is not valid JSON.")) from error
    if not isinstance(payload, dict):
        raise PrecallError(_("The request must be a JSON object."))
    return payload


def _page_texts() -> dict[str, str]:
    """Everything the script says, translated here so the script needs no catalog."""
    return {
        "starting": _("Asking your browser for the camera and microphone…"),
        "mediaReady": _(
            "You should see yourself. Speak: the bar moves when we hear you."
        ),
        "audioOnlyDevice": _(
            "We found a microphone but no camera. You can still talk by voice."
        ),
        "refused": _(
            "You did not allow the camera and microphone. To allow them, press the "
            "lock sign next to the web address, choose “Allow”, then press "
            "“Start the check” again."
        ),
        "noDevice": _(
            "We could not find a camera or a microphone. Check that they are "
            "plugged in and not used by another program."
        ),
        "unsupported": _(
            "This browser cannot use the camera here. Please open this page in a "
            "recent Chrome or Firefox."
        ),
        "networkStarting": _("Checking your connection. This takes about 20 seconds…"),
        "networkFailed": _("We could not reach the server for the check."),
        "busy": busy_message(),
        "saveFailed": _("The result could not be saved. Please try again."),
        "relayNote": _("Your network needs a relay server. This is fine."),
        "details": _("Round trip: {rtt} milliseconds. Lost: {loss} percent."),
        **verdict_messages(),
    }


@login_required
@require_GET
def precall_page(request, booking_id: int):
    booking, refusal = precall_page_open(
        booking_id=booking_id, user=request.user, request=request
    )
    if booking is None:
        raise Http404
    if refusal:
        # No check, and so no relay credential, for a talk that will not happen.
        return render(
            request,
            "consultations/call_closed.html",
            {"booking": booking, "needs_consent": refusal == NEEDS_CONSENT},
            status=403,
        )
    return render(
        request,
        "consultations/precall.html",
        {
            "booking": booking,
            "ice_servers": precall_ice_servers(
                user_id=request.user.pk, booking=booking
            ),
            "texts": _page_texts(),
            "appointments_url": reverse("consultations_appointments"),
            "offer_url": reverse("consultations_precall_offer", args=[booking.pk]),
            "result_url": reverse("consultations_precall_result", args=[booking.pk]),
            "call_url": reverse("consultations_call", args=[booking.pk]),
            # The call page's own rule: the link shows exactly when the call opens.
            "joinable": call_is_open(booking),
        },
    )


@sync_to_async
def _booking_and_servers(booking_id: int, user):
    """(booking, why not, ICE servers): the servers only when the check may run."""
    booking, refusal = precall_access_get(booking_id=booking_id, user=user)
    if booking is None or refusal:
        return booking, refusal, []
    return booking, "", precall_ice_servers(user_id=user.pk, booking=booking)


@require_POST
async def precall_offer(request, booking_id: int):
    """Answer the browser's offer with an echo peer running in this process."""
    user = await request.auser()
    booking, refusal, ice_servers = await _booking_and_servers(booking_id, user)
    if booking is None:
        return _error(_("There is no such booking."), status=404)
    if refusal:
        return _error(_refusal_message(refusal), status=403)
    try:
        payload = _json_object(request)
        if set(payload) - {"sdp", "type"}:
            raise PrecallError(_("Send only the fields sdp and type."))
        if payload.get("type", "offer") != "offer":
            raise PrecallError(_("Send an offer."))
        offer_check(payload.get("sdp"))
    except PrecallError as error:
        return _error(error.message, status=error.status)
    # Busy first: a check the server cannot run does not count against the person.
    if peers_all_busy():
        return _error(busy_message(), status=503, retry_after=BUSY_RETRY_SECONDS)
    if not await sync_to_async(precall_check_take)(user_id=user.pk):
        return _error(
            _(
                "You have checked %(count)d times in the last %(minutes)d minutes. "
                "Please wait a few minutes, then try again."
            )
            % {
                "count": settings.PRECALL_CHECKS_PER_PERSON,
                "minutes": settings.PRECALL_CHECKS_WINDOW_SECONDS // 60,
            },
            status=429,
            retry_after=settings.PRECALL_CHECKS_WINDOW_SECONDS,
        )
    try:
        answer_sdp = await precall_answer(
            offer_sdp=payload.get("sdp"), ice_servers=ice_servers
        )
    except PrecallError as error:
        if error.status == 503:
            await sync_to_async(precall_check_give_back)(user_id=user.pk)
            return _error(
                error.message, status=error.status, retry_after=BUSY_RETRY_SECONDS
            )
        return _error(error.message, status=error.status)
    return JsonResponse({"type": "answer", "sdp": answer_sdp})


def _result_parse(payload: dict) -> dict:
    """Strictly typed measurements: booleans are not numbers, numbers are finite."""
    if set(payload) != RESULT_FIELDS:
        raise PrecallError(_("Send exactly rtt_ms, loss_percent, relay and connected."))
    rtt_ms = payload["rtt_ms"]
    if type(rtt_ms) is not int or not 0 <= rtt_ms <= MAX_RTT_MS:
        raise PrecallError(_("rtt_ms must be a whole number of milliseconds."))
    loss = payload["loss_percent"]
    if (
        type(loss) not in (int, float)
        or not math.isfinite(loss)
        or not 0 <= loss <= 100
    ):
        raise PrecallError(_("loss_percent must be a number from 0 to 100."))
    for name in ("relay", "connected"):
        if type(payload[name]) is not bool:
            raise PrecallError(_("relay and connected must be true or false."))
    return {**payload, "loss_percent": float(loss)}


@require_POST
def precall_result(request, booking_id: int):
    """Store the client's measurements on the booking and say what will work.

    The booking keeps the client's check for the specialist to see, so a check run
    by the specialist gets its verdict but is not stored.
    """
    booking, refusal = precall_access_get(
        booking_id=booking_id, user=request.user, request=request
    )
    if booking is None:
        return _error(_("There is no such booking."), status=404)
    if refusal:
        return _error(_refusal_message(refusal), status=403)
    try:
        result = _result_parse(_json_object(request))
    except PrecallError as error:
        return _error(error.message, status=error.status)
    saved = request.user.pk == booking.client_id
    if saved:
        booking = booking_precall_record(booking=booking, request=request, **result)
        verdict = booking.precall_verdict
    else:
        verdict = precall_verdict(
            rtt_ms=result["rtt_ms"],
            loss_percent=result["loss_percent"],
            connected=result["connected"],
        )
    return JsonResponse(
        {
            "verdict": verdict,
            "message": verdict_messages()[verdict],
            "saved": saved,
            # The talk may have opened while the check ran: the page then shows
            # "Join the call" under the verdict.
            "joinable": call_is_open(booking),
        }
    )
