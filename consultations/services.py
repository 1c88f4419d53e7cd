"""Writes of the consultations app: booking, changes, consent, call milestones,
session notes, anonymisation and key rotation.

Every change to consultation data leaves an audit record (audit.services), written
in the same transaction as the change; records hold ids, never a note's text or a
consultation's topic.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.homes import home_role_forget
from audit.models import AuditAction
from audit.services import audit_record
from core.encryption import encrypted_fields, rotate_token

from . import call_rights
from .models import (
    ACTIVE_STATUSES,
    JOIN_EARLY,
    Booking,
    BookingStatus,
    ConsentRecord,
    SessionNote,
    SpecialistProfile,
)
from .selectors import (
    booking_horizon_days,
    booking_no_show_allowed,
    client_active_booking_count,
    consent_current_terms,
    consent_given,
    slot_is_offered,
    slot_within_horizon,
)


class BookingError(Exception):
    """A booking that cannot be made or changed; `message` says why in plain words.

    `code` lets a view choose its answer: "horizon" is a time no page offers (a
    forged or stale request, 400); everything else is a conflict with what is
    already booked (409)."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code

    @classmethod
    def already_changed(cls) -> "BookingError":
        """A second "move" tap: the first one has moved (or someone cancelled) it."""
        return cls(
            _(
                "This talk was already moved or cancelled. Your appointments "
                "show the time it has now."
            ),
            code="already_changed",
        )


def booking_horizon_check(*, starts_at: datetime, now: datetime | None = None) -> None:
    """Refuse a start beyond BOOKING_HORIZON_DAYS: the pages never offer one, so
    only a forged or very old form asks for it (the form shows the same words)."""
    if not slot_within_horizon(starts_at=starts_at, now=now):
        days = booking_horizon_days()
        raise BookingError(
            ngettext(
                "You can book a talk at most %(days)s day ahead. "
                "Please choose an earlier time.",
                "You can book a talk at most %(days)s days ahead. "
                "Please choose an earlier time.",
                days,
            )
            % {"days": days},
            code="horizon",
        )


def booking_cap_check(*, client, now: datetime | None = None) -> None:
    """Refuse one more talk to a client who holds BOOKING_ACTIVE_CAP upcoming ones.
    Binding only inside booking_create's transaction, under the client's lock; the
    confirm page asks it earlier so that nobody presses "Book" in vain."""
    cap = settings.BOOKING_ACTIVE_CAP
    if client_active_booking_count(client=client, now=now) >= cap:
        raise BookingError(
            ngettext(
                "You already have %(count)s talk booked. That is the most one "
                "person can have at a time. You can book another one after it, "
                "or if you cancel it.",
                "You already have %(count)s talks booked. That is the most one "
                "person can have at a time. You can book another one after one of "
                "them, or if you cancel one.",
                cap,
            )
            % {"count": cap},
            code="cap",
        )


def _client_lock(*, client_id: int) -> None:
    """Serialise everything that books for one client, so that the cap and the
    no-overlap rule are checked against bookings that cannot change meanwhile.

    FOR NO KEY UPDATE on the client's user row (PostgreSQL): it waits for another
    booking by the same person, but not for rows that merely point at the user (an
    audit record, a booking of someone else's), which take FOR KEY SHARE. SQLite
    runs one write transaction at a time, so there it is a plain read."""
    list(
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=client_id)
        .values_list("pk", flat=True)
    )


def _booking_locked(booking: Booking) -> Booking:
    """The booking as it is now, its row locked until the transaction ends: a second
    tap on "cancel" or "move" waits here, then sees what the first one did."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("specialist__user", "client")
        .get(pk=booking.pk)
    )


def booking_create(
    *,
    client,
    specialist: SpecialistProfile,
    topic: str,
    starts_at: datetime,
    request=None,
    now: datetime | None = None,
    any_time: bool = False,
) -> Booking:
    """Book a slot. Of two clients taking the same slot at once, exactly one wins;
    of two bookings by one client at once, the second sees the first when it checks
    the cap (BOOKING_ACTIVE_CAP) and the overlap.

    `any_time` books a start that the specialist's hours and notice period do not
    offer (only the demo's always-joinable talk, `booking_joinable_ensure`); the
    horizon, the cap, the overlap, one talk per slot and the audit record still
    apply."""
    now = now or timezone.now()
    if client.pk == specialist.user_id:
        raise BookingError(_("You cannot book a session with yourself."))
    booking_horizon_check(starts_at=starts_at, now=now)
    try:
        with transaction.atomic():
            # One order of locks everywhere (client, booking, specialist, then the
            # audit chain's head), so that two transactions never wait for each
            # other in a circle.
            _client_lock(client_id=client.pk)
            # Serialise bookings per specialist (a row lock on PostgreSQL; SQLite
            # transactions are already serial), then check again inside the lock.
            SpecialistProfile.objects.select_for_update().get(pk=specialist.pk)
            booking_cap_check(client=client, now=now)
            if not any_time and not slot_is_offered(
                specialist=specialist, starts_at=starts_at
            ):
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


def booking_joinable_ensure(
    *,
    client,
    specialist: SpecialistProfile,
    topic: str,
    lead: timedelta,
    now: datetime | None = None,
) -> Booking | None:
    """Book a talk between `client` and `specialist` starting `lead` from now,
    unless one between them can be joined now or opens within `lead`. Returns the
    new booking, or None when there was one already.

    For the demo (demo.tasks.demo_talk_keep): a newcomer who comes back an
    hour after `make run` still finds a call to join. It goes through
    `booking_create`, so the client's consent is needed and the booking rules and
    the audit apply, except the specialist's hours (the demo runs at any hour).
    The look and the booking happen under the client's lock (and, on SQLite, in
    one IMMEDIATE transaction), so two runs at once book one talk, not two.
    """
    now = now or timezone.now()
    if not consent_given(user=client):
        return None
    with transaction.atomic():
        _client_lock(client_id=client.pk)
        open_or_soon = Booking.objects.filter(
            client=client,
            specialist=specialist,
            status=BookingStatus.CONFIRMED,
            starts_at__lte=now + max(lead, JOIN_EARLY),
            ends_at__gt=now,
        )
        if open_or_soon.exists():
            return None
        return booking_create(
            client=client,
            specialist=specialist,
            topic=topic,
            starts_at=now.replace(second=0, microsecond=0) + lead,
            now=now,
            any_time=True,
        )


def _booking_cancel_locked(
    *, booking: Booking, by_user, now: datetime, request=None
) -> Booking:
    """Cancel a booking whose row the caller has locked and re-read."""
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=by_user,
        action=AuditAction.BOOKING_CANCEL,
        target=booking,
        request=request,
    )
    # A call under way ends for both people (call_rights.py).
    transaction.on_commit(
        lambda: call_rights.calls_end(
            booking_ids=[booking.pk], reason=call_rights.CANCELLED
        )
    )
    return booking


def booking_cancel(
    *, booking: Booking, by_user, now: datetime | None = None, request=None
) -> Booking:
    """Cancel a talk; the rules are checked on the locked row, so of two taps on
    "cancel" exactly one cancels and the other is told it already happened."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _booking_locked(booking)
        if current.status == BookingStatus.CANCELLED:
            raise BookingError(_("This talk is already cancelled."))
        if current.status != BookingStatus.CONFIRMED:
            raise BookingError(_("This session is not active any more."))
        is_specialist = by_user.pk == current.specialist.user_id
        if not is_specialist and not current.can_change(now):
            raise BookingError(
                _("Less than 2 hours are left: please call the specialist to cancel.")
            )
        return _booking_cancel_locked(
            booking=current, by_user=by_user, now=now, request=request
        )


def booking_reschedule(
    *,
    booking: Booking,
    by_user,
    starts_at: datetime,
    now: datetime | None = None,
    request=None,
) -> Booking:
    """Move a booking: the old one is cancelled and the new one made in one
    transaction, so the client keeps exactly one of them. The row is locked and its
    status read again inside, so of two "move" taps at once only the first moves
    the talk; the second is told it has already been moved."""
    now = now or timezone.now()
    with transaction.atomic():
        # The client's lock before the booking's: the order booking_create uses.
        if booking.client_id is not None:
            _client_lock(client_id=booking.client_id)
        current = _booking_locked(booking)
        if current.status != BookingStatus.CONFIRMED or current.client is None:
            raise BookingError.already_changed()
        if not current.can_change(now):
            raise BookingError(
                _("Less than 2 hours are left: this session cannot be moved.")
            )
        # The specialist's lock before the cancellation's audit record, which locks
        # the audit chain's head: booking_create takes the specialist, then the
        # head; taking them the other way round here could deadlock with it.
        SpecialistProfile.objects.select_for_update().get(pk=current.specialist_id)
        _booking_cancel_locked(
            booking=current, by_user=by_user, now=now, request=request
        )
        return booking_create(
            client=current.client,
            specialist=current.specialist,
            topic=current.topic,
            starts_at=starts_at,
            request=request,
            now=now,
        )


def consent_language_missing_message() -> str:
    """Why the terms cannot be agreed to here, in the reader's language."""
    return _(
        "These terms are not yet written in your language, so you cannot agree to "
        "them in it. You can read and agree to them in one of the languages below."
    )


def consent_accept(
    *, user, language: str = settings.LANGUAGE_CODE, request=None
) -> ConsentRecord:
    """Record that `user` agreed to the current terms, read in `language`.

    Nobody can agree to a text they were not given in their language: a version
    without a text in `language` is refused (BookingError, code "language") and
    nothing is written."""
    terms = consent_current_terms()
    if terms is None:
        raise BookingError(_("The terms are not published yet."))
    if terms.text_in(language) is None:
        raise BookingError(consent_language_missing_message(), code="language")
    with transaction.atomic():
        record, created = ConsentRecord.objects.get_or_create(
            user=user,
            terms=terms,
            withdrawn_at=None,
            defaults={"language": language},
        )
        if created:
            audit_record(
                actor=user,
                action=AuditAction.CONSENT_ACCEPT,
                target=record,
                request=request,
                detail={
                    "terms": terms.pk,
                    "version": terms.version,
                    "language": language,
                },
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
            # Her home may no longer be a client's (update() sends no post_save).
            transaction.on_commit(lambda: home_role_forget(user_id=user.pk))
            audit_record(
                actor=user,
                action=AuditAction.CONSENT_WITHDRAW,
                target=user,
                request=request,
                detail={"consent_records": withdrawn},
            )
            transaction.on_commit(
                lambda: call_rights.calls_end_for_client(
                    user_id=user.pk, reason=call_rights.CONSENT_WITHDRAWN
                )
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


def booking_mark_no_show(
    *, booking: Booking, by_user=None, request=None, now: datetime | None = None
) -> Booking:
    """Mark a booking as not taken place: by its specialist, or by the no-show task
    (no `by_user`: the system). Only after its start and only while it is confirmed
    (`booking_no_show_allowed`), checked on the row as it is now: else a
    `BookingError` says so and nothing changes."""
    with transaction.atomic():
        booking = _booking_locked(booking)
        if not booking_no_show_allowed(booking=booking, now=now):
            raise BookingError(
                _(
                    "You can mark a session as not taken place only after its start, "
                    "and only while it is confirmed."
                ),
                code="no_show_not_allowed",
            )
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
        transaction.on_commit(
            lambda: call_rights.calls_end_for_bookings(
                booking_ids=ids, reason=call_rights.ANONYMISED
            )
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


def encryption_keys_rotate(
    *, batch_size: int = 500, encrypt_plain_secrets: bool = False
) -> "KeyRotation":
    """Encrypt every encrypted value again with the first (newest) key. Run after
    putting a new key first in FIELD_ENCRYPTION_KEYS, and before removing the old
    one.

    Row by row: each value is read again under a row lock (`SELECT ... FOR UPDATE`)
    and written in the same short transaction, so a note saved meanwhile either
    waits for the lock or has been saved before the read; it is never overwritten
    with the older text. The batches only list the ids to visit."""
    rewritten = 0
    for model, column in encrypted_fields():
        for pk in _row_ids(model, batch_size=batch_size):
            rewritten += _encrypted_value_rotate(model=model, column=column, pk=pk)
    secrets, plain = _mfa_secrets_rotate(
        batch_size=batch_size, encrypt_plain=encrypt_plain_secrets
    )
    rewritten += secrets
    audit_record(
        actor=None,
        action=AuditAction.KEYS_ROTATE,
        detail={"values": rewritten, "plain_secrets": plain},
    )
    return KeyRotation(values=rewritten, plain_secrets=plain)


@dataclass(frozen=True)
class KeyRotation:
    """What `encryption_keys_rotate` did: values encrypted again, and second-factor
    secrets found stored in clear (refused at sign-in; left as they are unless
    asked to encrypt them)."""

    values: int
    plain_secrets: int


def _row_ids(model, *, batch_size: int):
    """Every primary key of `model`'s table, in order, a batch at a time (rows
    added meanwhile were written with the newest key already)."""
    last_pk = None
    while True:
        rows = model._base_manager.order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        ids = list(rows.values_list("pk", flat=True)[:batch_size])
        yield from ids
        if len(ids) < batch_size:
            return
        last_pk = ids[-1]


def _encrypted_value_rotate(*, model, column: str, pk) -> int:
    """Re-encrypt one row's value under its row lock; 1 if it was rewritten. Raw
    SQL, so the token is rotated as it is (Fernet keeps its timestamp) and not
    decrypted into Python and encrypted anew."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(model._meta.pk.column)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {table} WHERE {pk_column} = %s{lock}",  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
        if row is None or not row[0]:
            return 0
        cursor.execute(
            f"UPDATE {table} SET {quote(column)} = %s WHERE {pk_column} = %s",  # noqa: S608
            [rotate_token(row[0]), pk],
        )
    return 1


def _mfa_secrets_rotate(*, batch_size: int, encrypt_plain: bool) -> tuple[int, int]:
    """Staff members' TOTP secrets and recovery-code seeds (allauth keeps them in a
    JSON column) encrypted again with the newest key, one authenticator at a time
    under its row lock. Returns (rewritten, found in clear).

    A secret in clear is refused at sign-in (`accounts.adapter.MFAAdapter.decrypt`):
    whoever could write to the database could otherwise plant a secret of their own.
    It is left as it is, so that a rotation never makes such a secret valid, unless
    `encrypt_plain` (an operator upgrading from before encryption, after checking)."""
    from allauth.mfa.models import Authenticator

    from core.encryption import encrypt_text, is_token

    rewritten = plain = 0
    for pk in _row_ids(Authenticator, batch_size=batch_size):
        with transaction.atomic():
            authenticator = (
                Authenticator.objects.select_for_update().filter(pk=pk).first()
            )
            if authenticator is None:
                continue
            data = dict(authenticator.data)
            for key in ("secret", "seed"):
                value = data.get(key)
                if not (isinstance(value, str) and value):
                    continue
                if is_token(value):
                    data[key] = rotate_token(value)
                else:
                    plain += 1
                    if encrypt_plain:
                        data[key] = encrypt_text(value)
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                rewritten += 1
    return rewritten, plain
