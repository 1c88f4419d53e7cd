"""Changing one's phone number, which signs in (docs/sign-in.md, "Changing the phone
number").

A code goes by SMS to the NEW number, and the number changes only when that code is
typed back: from an unlocked phone or a forgotten session, nobody can tie their own
number to someone else's account. The old number is then told by SMS that it no
longer signs in (no code in that message).

This is allauth's own phone-verification process (`ChangePhoneVerificationProcess`:
a code from `generate_user_code` kept in the session, `ACCOUNT_PHONE_VERIFICATION_*`
for its 5 minutes and 5 tries, `ACCOUNT_RATE_LIMITS["verify_phone"]` for the limits
per number, per address and per person), with Ko'mak's SMS texts and two changes:

- asking again for the same number while its code still works sends the same code
  again (a double tap, or "I got no SMS", never leaves two different codes about);
- whether another account has the number is said only after the right code, so
  that the form cannot be used to find out which numbers have accounts: only
  whoever holds the phone learns it, and never whose account it is.

Once the code is right, `user_phone_change` makes the change, records it and tells
the old number.
"""

import time

from allauth.account.internal.flows.phone_verification import (
    PHONE_VERIFICATION_SESSION_KEY,
    ChangePhoneVerificationProcess,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.core import ratelimit
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from audit.models import AuditAction
from audit.services import audit_record
from core.notifications import Message
from core.transliteration import in_reader_script

from .models import User
from .otp import SmsRecipient, code_lifetime_minutes, sms_deliver
from .services import phone_pseudonym


class PhoneChangeProcess(ChangePhoneVerificationProcess):
    """A pending change of the signed-in person's number, kept in their session."""

    @classmethod
    def initiate(cls, request, phone: str) -> "PhoneChangeProcess":
        """Send a code to `phone` (allauth's `RateLimited` when the limits say no).
        No second password: the code to the new number is the proof, and the old
        number is told (WCAG 2.2, 3.3.8: nothing to remember)."""
        pending = cls.pending(request)
        if pending is not None and pending.is_valid() and pending.phone == phone:
            pending.send_again()
            return pending
        process = cls(request, state=cls.initial_state(user=request.user, phone=phone))
        process.send()
        return process

    @classmethod
    def pending(cls, request) -> "PhoneChangeProcess | None":
        """The signed-in person's change waiting for its code in this session,
        expired or not."""
        state = request.session.get(PHONE_VERIFICATION_SESSION_KEY)
        if not state or state.get("user_id") != user_id_to_str(request.user):
            return None
        return cls(request, state=state)

    def send_again(self) -> None:
        """The same code once more, good for another 5 minutes from now; the wrong
        tries already made still count."""
        ratelimit.consume(
            self.request, action="verify_phone", key=self.phone, raise_exception=True
        )
        self.record_resend()
        self.state["at"] = time.time()
        self.send_sms(skip_enumeration_sms=False)
        self.persist()

    def send_sms(self, skip_enumeration_sms: bool) -> None:
        phone_change_code_sms_send(phone=self.phone, code=self.code)

    @property
    def tries_left(self) -> int:
        return self.max_attempts - self.state.get("failed_attempts", 0)


def phone_change_code_sms_send(*, phone: str, code: str) -> bool:
    """The code that proves the person holds their new number, sent to it."""
    text = gettext(
        "Koʻmak code to confirm your new phone number: %(code)s. It works for "
        "%(minutes)d minutes. Never tell it to anyone. If you did not ask for it, "
        "ignore this message."
    ) % {"code": code, "minutes": code_lifetime_minutes()}
    # In the page's language, which the person is reading; Uzbek in its script.
    text = in_reader_script(text)
    message = Message(
        subject=in_reader_script(gettext("Confirm your new phone number")),
        text=text,
        sms_text=text,
    )
    return sms_deliver(
        recipient=SmsRecipient(phone_number=phone),
        message=message,
        what="The phone confirmation code SMS",
    )


def phone_removed_sms_send(*, phone: str) -> bool:
    """Tell the old number that it no longer signs in to the account. Neither the
    new number nor a code: the old number may already be someone else's."""
    text = gettext(
        "Koʻmak: this phone number was taken off your account and no longer signs "
        "you in. If you did not do this, sign in with your password and check your "
        "details, or ask Koʻmak for help."
    )
    text = in_reader_script(text)
    message = Message(
        subject=in_reader_script(gettext("Your phone number was changed")),
        text=text,
        sms_text=text,
    )
    return sms_deliver(
        recipient=SmsRecipient(phone_number=phone),
        message=message,
        what="The phone change notice SMS",
    )


class PhoneTakenError(Exception):
    """Another account already has this phone number."""


def user_phone_change(*, user: User, phone: str | None, request=None) -> bool:
    """Give the person the phone number `phone` (None removes it), once the new
    number has been proven by a code (`PhoneChangeProcess`).

    Returns False when the account already has that number (the same confirmation
    sent twice changes nothing twice). Raises `PhoneTakenError` when another account
    has it. The change is recorded (`phone_change`, both numbers as pseudonyms) and,
    once committed, the old number is told by SMS that it no longer signs in."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = locked.phone_number
        if old == phone:
            user.phone_number = phone
            return False
        others = User.objects.filter(phone_number=phone).exclude(pk=user.pk)
        if phone and others.exists():
            raise PhoneTakenError
        locked.phone_number = phone
        try:
            with transaction.atomic():
                locked.save(update_fields=["phone_number"])
        except IntegrityError as error:  # taken a moment ago
            raise PhoneTakenError from error
        audit_record(
            actor=user,
            action=AuditAction.PHONE_CHANGE,
            target=user,
            request=request,
            detail={
                "change": "changed" if phone else "removed",
                "old_phone_pseudonym": phone_pseudonym(old),
                "new_phone_pseudonym": phone_pseudonym(phone),
            },
        )
        if old:
            transaction.on_commit(lambda: phone_removed_sms_send(phone=old))
    user.phone_number = phone
    return True
