"""The call page: only the booking's client and specialist, only inside its window."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..selectors import REFUSED_NO_CONSENT, call_page_open
from ..signaling import CLIENT, MAX_CHAT_CHARS


@login_required
def call(request, booking_id: int):
    """The call, by the socket's own rule (selectors.call_access_get): anyone but a
    participant gets 404; a participant outside the window (a call under way may be
    reloaded until the end of its grace) or a client without consent, a page that
    says why."""
    now = timezone.now()
    access = call_page_open(
        booking_id=booking_id, user=request.user, request=request, now=now
    )
    booking, role = access.booking, access.role
    if booking is None:
        raise Http404
    if access.refusal == REFUSED_NO_CONSENT:
        return render(
            request,
            "consultations/call_closed.html",
            {"booking": booking, "needs_consent": True},
            status=403,
        )
    if not access.allowed:
        return render(
            request,
            "consultations/call_closed.html",
            {"booking": booking, "too_early": now < booking.join_opens_at},
            status=403,
        )
    other = booking.specialist.user if role == CLIENT else booking.client
    return render(
        request,
        "consultations/call.html",
        {
            "booking": booking,
            "role": role,
            "other": other,
            "strings": call_strings(other_name=other.get_short_name()),
            # The way out once the call is over (the page has no site header).
            **back_link(role),
            # The server refuses longer chat messages (signaling.py); the field
            # stops there and says so, rather than cutting a message silently.
            "chat_max": MAX_CHAT_CHARS,
        },
    )


def back_link(role: str) -> dict[str, str]:
    """Where a person goes after the call: the client to their appointments, the
    specialist to today's sessions."""
    if role == "specialist":
        return {
            "back_url": reverse("consultations_today"),
            "back_label": _("Today's sessions"),
        }
    return {
        "back_url": reverse("consultations_appointments"),
        "back_label": _("Go to my appointments"),
    }


def call_strings(*, other_name: str) -> dict:
    """The words the call script shows, translated on the server."""
    return {
        "connecting": _("Connecting…"),
        "waitingClient": _("Your specialist will let you in soon."),
        "waitingSpecialist": _("Waiting for the client to join."),
        "clientWaiting": _("The client is waiting."),
        "inCall": _("You are in the call."),
        "reconnecting": _("Reconnecting…"),
        "serviceLost": _(
            "The link to the Koʻmak service was lost. Your call goes on; reconnecting…"
        ),
        "serviceBack": _("The link to the service is back. You are in the call."),
        "otherLeft": _("The other person left the call."),
        # Why the call ended, by the socket's close code (docs/signaling.md).
        "cancelled": _("This talk was cancelled."),
        "timeOver": _("The time for this talk has ended."),
        "consentWithdrawn": _(
            "The client no longer agrees to online talks, so this talk has ended."
        ),
        "ended": _("The session has ended. Thank you."),
        "noCamera": _(
            "We could not use your camera or microphone. Allow them in the browser "
            "settings (the lock next to the address), or ask the specialist to phone "
            "you."
        ),
        "audioOnlyCamera": _("No camera found: the call is audio only."),
        "mute": _("Mute microphone"),
        "unmute": _("Turn microphone on"),
        "cameraOff": _("Turn camera off"),
        "cameraOn": _("Turn camera on"),
        "audioOnly": _("Audio only"),
        "videoBack": _("Turn video back on"),
        "qualityGood": _("Connection: good"),
        "qualityFair": _("Connection: fair"),
        "qualityWeak": _("Connection: weak"),
        "lowVideo": _("The connection is slow: video is set to low quality."),
        "toAudio": _(
            "The connection is weak: switched to audio only. You can still hear "
            "each other."
        ),
        "recovered": _("The connection is better: video is back."),
        "otherMuted": _("The other person muted the microphone."),
        "otherCameraOff": _("The other person turned the camera off."),
        "otherAudioOnly": _("The other person is on audio only."),
        "chatFull": _(
            "This is as long as one message can be. Send it, then write the rest "
            "in the next message."
        ),
        "you": _("You"),
        "them": other_name,
        "error": _("Something went wrong. Please reload the page."),
    }
