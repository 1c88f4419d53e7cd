"""Writes of the consultations app: booking, changes, consent, call milestones,
session notes, anonymisation and key rotation.

Every change to consultation data leaves an audit record (audit.services), written
in the same transaction as the change; records hold ids, never a note's text or a
consultation's topic.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record

from .encryption import encrypted_fields, rotate_token
from .models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    ConsentRecord,
    SessionNote,
    SpecialistProfile,
)
from .selectors import consent_current_terms, slot_is_offered


class BookingError(Exception):
    """A booking that cannot be made or changed; `message` says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def booking_create(
    *,
    client,
    specialist: SpecialistProfile,
    topic: str,
    starts_at: datetime,
    request=None,
) -> Booking:
    """Book a slot. Of two clients taking the same slot at once, exactly one wins."""
    if client.pk == specialist.user_id:
        raise BookingError(_("You cannot book a session with yourself."))
    try:
        with transaction.atomic():
            # Serialise bookings per specialist (a row lock on PostgreSQL; SQLite
            # transactions are already serial), then check again inside the lock.
            SpecialistProfile.objects.select_for_update().get(pk=specialist.pk)
            if not slot_is_offered(specialist=specialist, starts_at=starts_at):
                raise BookingError(
                    _("This time has just been taken. Please choose another.")
                )
            ends_at = starts_at + timedelta(minutes=specialist.session_minutes)
            clash = Booking.objects.filter(
                client=client,
                status__in=ACTIVE_STATUSES,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            ).exists()
            if clash:
                raise BookingError(_("You already have a session at this time."))
            booking = Booking.objects.create(
                client=client,
                specialist=specialist,
                topic=topic,
                starts_at=starts_at,
                ends_at=ends_at,
            )
            audit_record(
                actor=client,
                action=AuditAction.BOOKING_CREATE,
                target=booking,
                request=request,
                detail={"specialist": specialist.pk},
            )
            return booking
    except IntegrityError as error:
        raise BookingError(
            _("This time has just been taken. Please choose another.")
        ) from error


def booking_cancel(
    *, booking: Booking, by_user, now: datetime | None = None, request=None
) -> Booking:
    now = now or timezone.now()
    is_specialist = by_user.pk == booking.specialist.user_id
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError(_("This session is not active any more."))
    if not is_specialist and not booking.can_change(now):
        raise BookingError(
            _("Less than 2 hours are left: please call the specialist to cancel.")
        )
    with transaction.atomic():
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=by_user,
            action=AuditAction.BOOKING_CANCEL,
            target=booking,
            request=request,
        )
    return booking


def booking_reschedule(
    *,
    booking: Booking,
    by_user,
    starts_at: datetime,
    now: datetime | None = None,
    request=None,
) -> Booking:
    """Move a booking: the new one is made first, then the old one is cancelled."""
    now = now or timezone.now()
    if not booking.can_change(now):
        raise BookingError(
            _("Less than 2 hours are left: this session cannot be moved.")
        )
    with transaction.atomic():
        booking_cancel(booking=booking, by_user=by_user, now=now, request=request)
        return booking_create(
            client=booking.client,
            specialist=booking.specialist,
            topic=booking.topic,
            starts_at=starts_at,
            request=request,
        )


def consent_accept(*, user, request=None) -> ConsentRecord:
    terms = consent_current_terms()
    if terms is None:
        raise BookingError(_("The terms are not published yet."))
    with transaction.atomic():
        record, created = ConsentRecord.objects.get_or_create(
            user=user, terms=terms, withdrawn_at=None
        )
        if created:
            audit_record(
                actor=user,
                action=AuditAction.CONSENT_ACCEPT,
                target=record,
                request=request,
                detail={"terms": terms.pk, "version": terms.version},
            )
    return record


def consent_withdraw(*, user, request=None) -> int:
    """Withdraw every active consent. From now on the person cannot book, move a
    booking or join a call (selectors.consent_given) until they agree again; the
    records stay, with the time of withdrawal, as proof of what was agreed when."""
    with transaction.atomic():
        withdrawn = list(
            ConsentRecord.objects.select_for_update()
            .filter(user=user, withdrawn_at__isnull=True)
            .values_list("pk", flat=True)
        )
        ConsentRecord.objects.filter(pk__in=withdrawn).update(
            withdrawn_at=timezone.now()
        )
        if withdrawn:
            audit_record(
                actor=user,
                action=AuditAction.CONSENT_WITHDRAW,
                target=user,
                request=request,
                detail={"consent_records": withdrawn},
            )
    return len(withdrawn)


PRECALL_VERDICTS = ("video", "audio", "phone")


def precall_verdict(*, rtt_ms: int, loss_percent: float, connected: bool) -> str:
    """What will work, from the measured round trip and loss.

    Thresholds follow common VoIP guidance: video wants under ~300 ms and under 3%
    loss; audio copes up to ~800 ms and 10%; beyond that a phone call is better.
    """
    if not connected:
        return "phone"
    if rtt_ms <= 300 and loss_percent <= 3:
        return "video"
    if rtt_ms <= 800 and loss_percent <= 10:
        return "audio"
    return "phone"


def booking_precall_record(
    *,
    booking: Booking,
    rtt_ms: int,
    loss_percent: float,
    relay: bool,
    connected: bool,
    request=None,
) -> Booking:
    booking.precall_checked_at = timezone.now()
    booking.precall_result = {
        "rtt_ms": rtt_ms,
        "loss_percent": loss_percent,
        "relay": relay,
        "verdict": precall_verdict(
            rtt_ms=rtt_ms, loss_percent=loss_percent, connected=connected
        ),
    }
    booking.save(update_fields=["precall_checked_at", "precall_result"])
    audit_record(
        actor=booking.client,
        action=AuditAction.PRECALL_RECORD,
        target=booking,
        request=request,
    )
    return booking


def booking_joined(*, booking_id: int, role: str) -> None:
    """Remember the first time each side joined (used for no-show marking)."""
    field = "client_joined_at" if role == "client" else "specialist_joined_at"
    Booking.objects.filter(pk=booking_id, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )


def booking_admit(*, booking_id: int) -> bool:
    """Admit the client; True only the first time (admission never reverts)."""
    return (
        Booking.objects.filter(pk=booking_id, admitted_at__isnull=True).update(
            admitted_at=timezone.now()
        )
        == 1
    )


def booking_end(*, booking_id: int) -> bool:
    """End the session; True only for the call that ended it."""
    return (
        Booking.objects.filter(pk=booking_id, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.COMPLETED, ended_at=timezone.now()
        )
        == 1
    )


def booking_mark_no_show(*, booking: Booking, by_user=None, request=None) -> Booking:
    """Mark a booking as not taken place: by its specialist, or by the no-show task
    (no `by_user`: the system)."""
    with transaction.atomic():
        booking.status = BookingStatus.NO_SHOW
        booking.save(update_fields=["status"])
        audit_record(
            actor=by_user,
            action=AuditAction.BOOKING_NO_SHOW,
            target=booking,
            request=request,
        )
    return booking


def call_event_record(
    *,
    booking_id: int,
    user,
    action: str,
    ip: str | None = None,
    detail: dict | None = None,
) -> None:
    """A refused socket, a join, leave, admission or end of a call, or a close for
    a broken protocol rule, from the signaling consumer."""
    audit_record(
        actor=user,
        action=action,
        target=("consultations.booking", booking_id),
        ip=ip,
        detail=detail,
    )


def session_note_save(
    *, booking: Booking, author, text: str, request=None
) -> SessionNote:
    """The specialist's one note per session, kept up to date in place."""
    with transaction.atomic():
        note = (
            SessionNote.objects.filter(booking=booking, author=author)
            .order_by("-updated_at")
            .first()
        )
        if note is None:
            note = SessionNote.objects.create(booking=booking, author=author, text=text)
        else:
            note.text = text
            note.save(update_fields=["text", "updated_at"])
        audit_record(
            actor=author,
            action=AuditAction.NOTE_SAVE,
            target=note,
            request=request,
            detail={"booking": booking.pk},
        )
    return note


def bookings_anonymise(*, bookings) -> list[int]:
    """Remove everything that ties these bookings to a person or says what was
    talked about: the client, the topic, the pre-call results and the notes. The
    time, the specialist and the status stay for statistics. Confirmed future
    bookings are cancelled first. Returns the ids anonymised."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            bookings.select_for_update()
            .filter(anonymised_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        Booking.objects.filter(
            pk__in=ids, status=BookingStatus.CONFIRMED, starts_at__gt=now
        ).update(status=BookingStatus.CANCELLED, cancelled_at=now)
        SessionNote.objects.filter(booking_id__in=ids).delete()
        Booking.objects.filter(pk__in=ids).update(
            client=None,
            topic="",
            precall_checked_at=None,
            precall_result=None,
            anonymised_at=now,
        )
    return ids


def bookings_retention_anonymise(*, days: int, now: datetime | None = None) -> int:
    """Anonymise bookings whose session ended more than `days` days ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    ids = bookings_anonymise(bookings=Booking.objects.filter(ends_at__lt=cutoff))
    if ids:
        audit_record(
            actor=None,
            action=AuditAction.RETENTION_ANONYMISE,
            detail={"bookings": len(ids), "days": days},
        )
    return len(ids)


def encryption_keys_rotate(*, batch_size: int = 500) -> int:
    """Encrypt every encrypted value again with the first (newest) key; returns how
    many values were rewritten. Run after putting a new key first in
    FIELD_ENCRYPTION_KEYS, and before removing the old one."""
    quote = connection.ops.quote_name
    rewritten = 0
    for model, column in encrypted_fields():
        table = quote(model._meta.db_table)
        pk_column = quote(model._meta.pk.column)
        last_pk = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk_column} > %s " if last_pk is not None else ""
                cursor.execute(
                    f"SELECT {pk_column}, {quote(column)} FROM {table} "  # noqa: S608
                    f"{where}ORDER BY {pk_column} LIMIT %s",
                    [last_pk, batch_size] if last_pk is not None else [batch_size],
                )
                rows = cursor.fetchall()
                for pk, token in rows:
                    if token:
                        cursor.execute(
                            f"UPDATE {table} SET {quote(column)} = %s "  # noqa: S608
                            f"WHERE {pk_column} = %s",
                            [rotate_token(token), pk],
                        )
                        rewritten += 1
            if len(rows) < batch_size:
                break
            last_pk = rows[-1][0]
    rewritten += _mfa_secrets_rotate()
    audit_record(
        actor=None, action=AuditAction.KEYS_ROTATE, detail={"values": rewritten}
    )
    return rewritten


def _mfa_secrets_rotate() -> int:
    """Staff members' TOTP secrets and recovery-code seeds (allauth keeps them in a
    JSON column), encrypted again with the newest key; plain ones are encrypted."""
    from allauth.mfa.models import Authenticator

    from .encryption import encrypt_text, is_token

    rewritten = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update():
            data = dict(authenticator.data)
            for key in ("secret", "seed"):
                value = data.get(key)
                if isinstance(value, str) and value:
                    if is_token(value):
                        data[key] = rotate_token(value)
                    else:
                        data[key] = encrypt_text(value)
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                rewritten += 1
    return rewritten
