"""The WHO-5 Well-Being Index: its five statements, its six answers, its scoring and
the rules that make a score worth the specialist's attention.

WHO-5 (World Health Organization, 1998; Topp et al., "The WHO-5 Well-Being Index: a
systematic review of the literature", Psychother Psychosom 2015;84:167-176): each
statement is answered for the last two weeks on a scale from 5 ("All of the time")
to 0 ("At no time"). The raw score is the sum, 0-25; the percentage is the raw score
times 4. A raw score of 12 or less (50 % or less) is the usual cut-off for poor
wellbeing, and a change of 10 percentage points is a meaningful change.

The English texts are the official wording; they are the msgids the translations
start from. Nothing here imports Django models: it is the rule, kept in one place.
"""

from django.utils.translation import gettext_lazy as _

ITEM_COUNT = 5
ANSWER_MIN = 0
ANSWER_MAX = 5
RAW_MAX = ITEM_COUNT * ANSWER_MAX  # 25
# Raw score at or below which wellbeing is poor (50 %).
LOW_RAW_SCORE = 12
THRESHOLD_PERCENT = 50
# A fall of this many percentage points from the previous answer alerts too.
FALL_PERCENT = 10

ALERT_LOW = "low"
ALERT_FALL = "fall"

INTRODUCTION = _(
    "Please answer each of the five statements about how you have been feeling "
    "over the last two weeks."
)

ITEMS = [
    _("I have felt cheerful and in good spirits"),
    _("I have felt calm and relaxed"),
    _("I have felt active and vigorous"),
    _("I woke up feeling fresh and rested"),
    _("My daily life has been filled with things that interest me"),
]

# Highest first, as on the official form.
ANSWERS = [
    (5, _("All of the time")),
    (4, _("Most of the time")),
    (3, _("More than half of the time")),
    (2, _("Less than half of the time")),
    (1, _("Some of the time")),
    (0, _("At no time")),
]


def raw_score(items: list[int]) -> int:
    """The sum of the five answers; refuses anything but five answers from 0 to 5."""
    if len(items) != ITEM_COUNT:
        raise ValueError(f"WHO-5 has {ITEM_COUNT} answers, not {len(items)}")
    for value in items:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("each WHO-5 answer is a whole number")
        if not ANSWER_MIN <= value <= ANSWER_MAX:
            raise ValueError("each WHO-5 answer is from 0 to 5")
    return sum(items)


def percentage(raw: int) -> int:
    """The raw score (0-25) as a percentage (0-100)."""
    return raw * 4


def alerts_for(*, raw: int, previous_raw: int | None) -> list[str]:
    """Why this score needs the specialist's attention: "low" for a raw score of 12
    or less, "fall" for 10 percentage points or more below the previous answer.
    A rise, or a first answer above the threshold, raises nothing."""
    found = []
    if raw <= LOW_RAW_SCORE:
        found.append(ALERT_LOW)
    if (
        previous_raw is not None
        and percentage(previous_raw) - percentage(raw) >= FALL_PERCENT
    ):
        found.append(ALERT_FALL)
    return found
