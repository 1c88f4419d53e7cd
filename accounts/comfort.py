"""Comfort settings: larger text and high contrast.

Anyone can choose them, before signing in: the choice is kept on the device in a
cookie and, once the person signs in, on their account, so that it follows them to
another phone. The server applies them as classes on `<html>`, so they work without
JavaScript and show from the first paint.
"""

from dataclasses import dataclass

COOKIE_NAME = "komak_comfort"
COOKIE_MAX_AGE = 5 * 365 * 24 * 60 * 60  # seconds; a choice made once should stay

LARGE_TEXT = "text-large"
HIGH_CONTRAST = "contrast-high"


@dataclass(frozen=True)
class Comfort:
    large_text: bool = False
    high_contrast: bool = False

    @classmethod
    def from_cookie(cls, value: str | None) -> "Comfort":
        words = set((value or "").split("."))
        return cls(large_text=LARGE_TEXT in words, high_contrast=HIGH_CONTRAST in words)

    @classmethod
    def from_user(cls, user) -> "Comfort":
        return cls(large_text=user.large_text, high_contrast=user.high_contrast)

    def is_default(self) -> bool:
        return self == Comfort()

    def html_classes(self) -> str:
        classes = []
        if self.large_text:
            classes.append(LARGE_TEXT)
        if self.high_contrast:
            classes.append(HIGH_CONTRAST)
        return " ".join(classes)

    def cookie_value(self) -> str:
        return ".".join(self.html_classes().split()) or "default"


def comfort_for_request(request) -> Comfort:
    """The account's settings for a signed-in person, the device's otherwise."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Comfort.from_user(user)
    return Comfort.from_cookie(request.COOKIES.get(COOKIE_NAME))


def comfort_cookie_set(response, comfort: Comfort) -> None:
    response.set_cookie(
        COOKIE_NAME,
        comfort.cookie_value(),
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
    )
