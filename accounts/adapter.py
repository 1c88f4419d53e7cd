"""allauth adapters: sign-up stays open to everyone; every code request is audited
alike; staff keep their second factor, which authenticator apps show by username."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from core.encryption import DecryptionError


class PlainSecretRefused(DecryptionError):
    """A second-factor secret that is not in the encrypted form."""


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return True

    def get_login_redirect_url(self, request) -> str:
        """Each role's own home (accounts/homes.py). An explicit, safe ?next= is
        handled by allauth before this is asked, and wins."""
        from .homes import home_url_for

        return home_url_for(request.user)

    # Limits on guessing passwords (ACCOUNT_RATE_LIMITS["login_failed"],
    # docs/security.md): counted per person, not per spelling. allauth counts under
    # the text as typed, while `PhoneNumberBackend` signs in with any spelling of
    # the number, so each spelling would get its own five tries.

    def get_client_ip(self, request) -> str:
        """The client behind our proxies (core/proxy.py), the address every limit
        per address counts; allauth's own reading fails with an error when a
        request carries fewer forwarded addresses than TRUSTED_PROXY_COUNT."""
        from django.core.exceptions import PermissionDenied

        from core.proxy import request_client_address

        address = request_client_address(request)
        if not address:
            raise PermissionDenied("The client's address is unknown.")
        return address

    def _login_limit_keys(self, credentials: dict) -> list[str]:
        from .selectors import sign_in_limit_keys

        return sign_in_limit_keys(
            login=credentials.get("username") or credentials.get("phone") or "",
            email=credentials.get("email") or "",
        )

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return self._login_limit_keys(credentials)[0]

    def pre_authenticate(self, request, **credentials) -> None:
        """Count this try against every account the typed text could sign in to
        (almost always one: `accounts.selectors.sign_in_limit_keys`); the
        address is counted once. Refused with allauth's plain message once any of
        them has had its five failed tries."""
        from allauth.account import app_settings as account_settings
        from allauth.core.internal import ratelimit

        rates = (account_settings.RATE_LIMITS or {}).get("login_failed") or ""
        per_account = ",".join(
            rate.strip() for rate in rates.split(",") if rate.strip().endswith("/key")
        )
        self._login_failed_rl_usage = None
        counted = []
        for index, key in enumerate(self._login_limit_keys(credentials)):
            usage = ratelimit.consume(
                request,
                app="allauth.account",
                action="login_failed",
                key=key,
                config=None if index == 0 else {"login_failed": per_account},
            )
            if not usage:
                raise self.validation_error("too_many_login_attempts")
            counted.extend(usage.usage)
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=counted)

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        """After a password reset: the person's count starts again, under every
        name it is kept."""
        from allauth.core.internal import ratelimit

        for key in self._login_limit_keys(credentials):
            ratelimit.clear(
                request, app="allauth.account", action="login_failed", key=key
            )

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
        as session notes (FIELD_ENCRYPTION_KEYS, core/encryption.py)."""
        from core.encryption import encrypt_text

        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        """Only ever an encrypted value: a secret in clear is refused
        (`PlainSecretRefused`), or whoever could write to the database could plant
        a secret of their own and pass the second step with it."""
        from core.encryption import decrypt_text, is_token

        if not isinstance(encrypted_text, str) or not is_token(encrypted_text):
            raise PlainSecretRefused(
                "A second-factor secret is stored in clear and is refused; "
                "remove the authenticator so that its owner sets it up again."
            )
        return decrypt_text(encrypted_text)

    def can_delete_authenticator(self, authenticator) -> bool:
        """Staff must keep their second factor (accounts/middleware.py)."""
        from .middleware import staff_needs_two_factors

        return not staff_needs_two_factors(authenticator.user)
