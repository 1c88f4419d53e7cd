"""Phone numbers in one canonical form, so that "+998 90 123-45-67" and "901234567"
match.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UZBEK_COUNTRY_CODE = "998"


def normalize_phone(raw: str) -> str:
    """Return a phone number as `+` and digits, assuming Uzbekistan for 9-digit numbers.

    Raises ValidationError with a plain message when the text is not a phone number.
    """
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not digits.isdigit():
        raise ValidationError(
            _(
                "Write the phone number with digits only, for example +998 90 123 45 67."  # noqa: E501
            ),
            code="invalid_phone",
        )
    if len(digits) == 9:
        digits = UZBEK_COUNTRY_CODE + digits
    if not 10 <= len(digits) <= 15:
        raise ValidationError(
            _(
                "This phone number is too short or too long. Example: +998 90 123 45 67."  # noqa: E501
            ),
            code="invalid_phone",
        )
    return "+" + digits
