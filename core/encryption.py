"""Encryption at rest for health-related data: session notes, a booking's topic and
the client's pre-call check.

`EncryptedTextField` (and `EncryptedJSONField`, for a small set of measurements)
stores a Fernet token (AES-128-CBC with HMAC-SHA256, from `cryptography`) instead of
the value, so a database dump or backup shows only ciphertext. Keys come from
`settings.FIELD_ENCRYPTION_KEYS` (the FIELD_ENCRYPTION_KEYS environment variable,
comma-separated): the first encrypts, every one decrypts (MultiFernet), so a new key
can be put first and `manage.py rotate_encryption_keys` re-encrypts every value with
it before the old one is removed.

Without keys (dev and test only; production refuses to start) one key is derived from
SECRET_KEY, so the embedded profile needs no setup.
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored value none of the configured keys can open: a key is missing."""


def derived_development_key(secret_key: str) -> str:
    digest = hashlib.sha256(b"komak-field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys() -> tuple[str, ...]:
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ())
    if keys:
        return keys
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (or SECRET_KEY in dev).")
    return (derived_development_key(settings.SECRET_KEY),)


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "Each FIELD_ENCRYPTION_KEYS entry must be a Fernet key "
            "(32 url-safe base64-encoded bytes; Fernet.generate_key())."
        ) from error


def cipher() -> MultiFernet:
    """The keys as they are configured now (settings may change in tests)."""
    return _multi_fernet(configured_keys())


def encrypt_text(text: str) -> str:
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DecryptionError(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS: "
            "is a key missing?"
        ) from error


def is_token(value: str) -> bool:
    """Whether `value` looks like a Fernet token (version byte 0x80, base64url)."""
    return value.startswith("gAAAAA")


def rotate_token(token: str) -> str:
    """The same value encrypted with the first (newest) key."""
    try:
        return cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise DecryptionError("A stored value cannot be decrypted.") from error


class EncryptedTextField(models.TextField):
    """A text field kept encrypted in the database; Python code sees plain text.

    Each save encrypts afresh (with a random IV), so equal texts give different
    tokens: such a field cannot be searched or filtered in SQL, by design.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)


class EncryptedJSONField(EncryptedTextField):
    """A small JSON value (numbers, text, true/false) kept encrypted as one token;
    Python code sees the decoded value, and None for an empty column.

    A subclass of `EncryptedTextField`, so `encrypted_fields()` and key rotation
    find it like the others.
    """

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else None

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value) if value else None
        return value

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        return encrypt_text(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), sort_keys=True)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, column) in the project kept by an `EncryptedTextField`."""
    from django.apps import apps

    return [
        (model, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
