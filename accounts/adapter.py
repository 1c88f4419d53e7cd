"""allauth adapters: sign-up stays open to everyone; every code request is audited
alike; staff keep their second factor, which authenticator apps show by username."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return True

    # Sign-in by phone code (accounts/otp.py, docs/sign-in.md): allauth's phone
    # methods, backed by the user's own unique `phone_number`.

    def phone_form_field(self, **kwargs):
        from .otp import PhoneNumberField

        return PhoneNumberField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        from .phone import normalize_phone

        return normalize_phone(phone)

    def get_user_by_phone(self, phone: str):
        """An active person with this number, or None: an inactive account gets no
        code, exactly like an unknown number."""
        from django.contrib.auth import get_user_model

        return (
            get_user_model().objects.filter(phone_number=phone, is_active=True).first()
        )

    def get_phone(self, user) -> tuple[str, bool] | None:
        """Never "verified": Ko'mak keeps no such mark, and a verified number would
        make allauth offer codes for re-authentication, which asks for the
        password on purpose (staff settings, account deletion)."""
        return (user.phone_number, False) if user.phone_number else None

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone_number = phone
        user.save(update_fields=["phone_number"])

    def set_phone_verified(self, user, phone: str) -> None:
        """Nothing to store: receiving the code proved the number for this
        sign-in only."""

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs):
        from .otp import login_code_sms_send

        code_request_record(phone)
        login_code_sms_send(user=user, code=code)

    def get_login_stages(self) -> list[str]:
        return [
            "accounts.otp.PhoneCodeStage"
            if path == "allauth.account.stages.LoginByCodeStage"
            else path
            for path in super().get_login_stages()
        ]

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        """No SMS to a number without an account: it would cost money and could be
        used to pester strangers; the page looks the same either way, and so does
        the audit record."""
        code_request_record(phone)


def code_request_record(phone: str) -> None:
    """Audit a code request the same way for a known and an unknown number."""
    from allauth.core import context

    from audit.models import AuditAction

    from .services import phone_code_event_record

    phone_code_event_record(
        action=AuditAction.PHONE_CODE_REQUEST, phone=phone, request=context.request
    )


class MFAAdapter(DefaultMFAAdapter):
    """Staff often have no e-mail address; the app shows "Koʻmak: <username>"."""

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are kept encrypted with the same keys
        as session notes (FIELD_ENCRYPTION_KEYS, consultations/encryption.py)."""
        from consultations.encryption import encrypt_text

        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        from consultations.encryption import decrypt_text, is_token

        # A secret stored before encryption came is read as it is; the next
        # `rotate_encryption_keys` encrypts it.
        if not is_token(encrypted_text):
            return encrypted_text
        return decrypt_text(encrypted_text)

    def can_delete_authenticator(self, authenticator) -> bool:
        """Staff must keep their second factor (accounts/middleware.py)."""
        from .middleware import staff_needs_two_factors

        return not staff_needs_two_factors(authenticator.user)
