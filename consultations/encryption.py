"""Kept only for old migrations: the encrypted fields live in core/encryption.py.

Migrations keep the import paths of their day: consultations 0002 and 0003 and
wellbeing 0001 name `consultations.encryption.EncryptedTextField`,
`EncryptedJSONField`, `cipher`, `encrypt_text` and `decrypt_text`. This module
re-exports just those; new code imports `core.encryption`.
"""

from core.encryption import (
    EncryptedJSONField,
    EncryptedTextField,
    cipher,
    decrypt_text,
    encrypt_text,
)

__all__ = [
    "EncryptedJSONField",
    "EncryptedTextField",
    "cipher",
    "decrypt_text",
    "encrypt_text",
]
