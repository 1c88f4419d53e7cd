"""Phone numbers in one canonical form, so that "+998 90 123-45-67", "901234567",
"8 90 123 45 67" and the same digits typed on an Arabic keyboard all match."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UZBEK_COUNTRY_CODE = "998"
# Spaces (any kind), hyphens and dashes, brackets, dots, and the invisible direction
# marks that right-to-left keyboards put around digits.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().\u200e\u200f\u2066-\u2069]")
# The old domestic way of writing a number in Uzbekistan: 8, then the 9 digits.
DOMESTIC_TRUNK_PREFIX = "8"


def ascii_digits(text: str) -> str:
    """`text` with every decimal digit of any script (Arabic-Indic "٩٠", Persian,
    full-width...) written as 0-9; other characters are kept as they are."""
    return "".join(
        str(unicodedata.decimal(character))
        if not character.isascii() and unicodedata.decimal(character, None) is not None
        else character
        for character in text
    )


def normalize_phone(raw: str) -> str:
    """Return a phone number as `+` and digits, assuming Uzbekistan for 9-digit numbers
    and for 10 digits after the domestic prefix 8.

    Raises ValidationError with a plain message when the text is not a phone number.
    """
    digits = ascii_digits(SEPARATORS.sub("", raw or ""))
    international = digits.startswith(("+", "00"))
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(
            _(
                "Write the phone number with digits only, for example +998 90 123 45 67."  # noqa: E501
            ),
            code="invalid_phone",
        )
    if len(digits) == 9:
        digits = UZBEK_COUNTRY_CODE + digits
    elif (
        not international
        and len(digits) == 10
        and digits.startswith(DOMESTIC_TRUNK_PREFIX)
    ):
        digits = UZBEK_COUNTRY_CODE + digits[1:]
    if not 10 <= len(digits) <= 15:
        raise ValidationError(
            _(
                "This phone number is too short or too long. Example: +998 90 123 45 67."  # noqa: E501
            ),
            code="invalid_phone",
        )
    return "+" + digits


def phone_display(number: str) -> str:
    """An Uzbek number in the groups people read and dial by: "+998 90 111 00 04".
    Anything else is returned as stored. The spaces also let a narrow screen wrap
    the number between groups instead of inside them."""
    match = re.fullmatch(r"\+998(\d{2})(\d{3})(\d{2})(\d{2})", number or "")
    if match is None:
        return number or ""
    return "+998 " + " ".join(match.groups())
