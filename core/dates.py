"""Dates and date ranges as people read them in each interface language.

A format string cannot write them. Russian puts the month in the genitive after a
day ("6 декабря"), which Django's "E" gives but its Russian MONTH_DAY_FORMAT ("j F")
does not ("6 Декабрь"). Uzbek and Karakalpak join case endings to the date itself:
"6-dekabrdan 12-dekabrgacha", "6-dekabrden 12-dekabrge shekem"; a translator
writing "%(start)s-dan" cannot know which ending the month takes, so every phrase
with a date in it ("from ... to ...", "until ...") is made here, whole, and the
messages take it as one placeholder: "Enrolment is open %(period)s."

Taken from Django (its locale data is right there): the Russian genitive month
names (format "E"), the Uzbek Latin month names (lower-cased, as Uzbek writes them
in running text) and the English, Russian and Uzbek weekday names. Written here
because Django lacks them: Karakalpak (Django has no catalog for it) and Uzbek in
Cyrillic, whose month names keep the Russian spelling ("сентябрь", "декабрь").

The order follows each language's official usage: "2026-yil 6-dekabr" (year first,
as in Uzbek laws and decrees, so that an ending joins the month: "2026-yil
6-dekabrgacha"), "2026-jıl 6-dekabr", "6 декабря 2026 г.", "6 December 2026".
Times are 24-hour everywhere, in Tashkent time for aware datetimes.
"""

import datetime

from django.utils import dateformat, timezone, translation

from .transliteration import latin_to_cyrillic

CYRILLIC_UZBEK = "uz-cyrl"

# Uzbek in Cyrillic: the month alone keeps the soft sign, before an ending it drops
# it ("28 декабрь", "1 январдан"), as in the Cyrillic texts of Uzbek laws (lex.uz).
UZ_CYRILLIC_MONTHS = {
    1: ("январь", "январ"),
    2: ("февраль", "феврал"),
    3: ("март", "март"),
    4: ("апрель", "апрел"),
    5: ("май", "май"),
    6: ("июнь", "июн"),
    7: ("июль", "июл"),
    8: ("август", "август"),
    9: ("сентябрь", "сентябр"),
    10: ("октябрь", "октябр"),
    11: ("ноябрь", "ноябр"),
    12: ("декабрь", "декабр"),
}

# Karakalpak: the month, its ablative ("from") and its dative ("to", before
# "shekem"). Endings follow vowel harmony (-dan/-den, -ǵa/-ge) and the last sound:
# -tan/-ten and -qa/-ke after a voiceless consonant (mart, avgust), -nan/-nen after
# m, n, ń (iyun). The months written with a soft sign in Karakalpak Cyrillic
# (апрель, сентябрь, декабрь...) take the front endings ("11-sentyabrde",
# "26-dekabrde", "13-aprelde" in Karakalpak texts); January ("yanvarda") and the
# months without it (mart: "20-martta", may, avgust: "25 avgustta") take the back
# ones. Karakalpak writes sentyabr and oktyabr with y, unlike Uzbek.
KAA_MONTHS = {
    1: ("yanvar", "yanvardan", "yanvarǵa"),
    2: ("fevral", "fevralden", "fevralge"),
    3: ("mart", "marttan", "martqa"),
    4: ("aprel", "aprelden", "aprelge"),
    5: ("may", "maydan", "mayǵa"),
    6: ("iyun", "iyunnen", "iyunge"),
    7: ("iyul", "iyulden", "iyulge"),
    8: ("avgust", "avgusttan", "avgustqa"),
    9: ("sentyabr", "sentyabrden", "sentyabrge"),
    10: ("oktyabr", "oktyabrden", "oktyabrge"),
    11: ("noyabr", "noyabrden", "noyabrge"),
    12: ("dekabr", "dekabrden", "dekabrge"),
}
KAA_WEEKDAYS = (
    "dúyshembi",
    "siyshembi",
    "sárshembi",
    "piyshembi",
    "juma",
    "shembi",
    "ekshembi",
)

# The case a date phrase stands in: alone, "from" it, or "until" it.
BARE, FROM, UNTIL = "bare", "from", "until"


def _language() -> str:
    language = (translation.get_language() or "uz").lower()
    if language.startswith(CYRILLIC_UZBEK):
        return CYRILLIC_UZBEK
    return language.split("-")[0]


def _local(value: datetime.date) -> datetime.date:
    """An aware datetime in Tashkent time; a date or naive datetime as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _django(value: datetime.date, format_string: str, language: str) -> str:
    with translation.override(language):
        return str(dateformat.format(value, format_string))


def _uzbek(value, *, year: bool, case: str, cyrillic: bool) -> str:
    if cyrillic:
        alone, stem = UZ_CYRILLIC_MONTHS[value.month]
        month = alone if case == BARE else stem
        year_word, endings = "йил", {BARE: "", FROM: "дан", UNTIL: "гача"}
    else:
        month = _django(value, "F", "uz").lower()
        year_word, endings = "yil", {BARE: "", FROM: "dan", UNTIL: "gacha"}
    text = f"{value.day}-{month}{endings[case]}"
    return f"{value.year}-{year_word} {text}" if year else text


def _karakalpak(value, *, year: bool, case: str) -> str:
    alone, ablative, dative = KAA_MONTHS[value.month]
    month = {BARE: alone, FROM: ablative, UNTIL: f"{dative} shekem"}[case]
    text = f"{value.day}-{month}"
    return f"{value.year}-jıl {text}" if year else text


def _russian(value, *, year: bool) -> str:
    text = _django(value, "j E", "ru")
    return f"{text} {value.year} г." if year else text


def _english(value, *, year: bool) -> str:
    return _django(value, "j F Y" if year else "j F", "en")


def _phrase(value, *, year: bool, case: str = BARE) -> str:
    """The date in the active language, in the form `case` needs."""
    language = _language()
    if language in ("uz", CYRILLIC_UZBEK):
        return _uzbek(value, year=year, case=case, cyrillic=language == CYRILLIC_UZBEK)
    if language == "kaa":
        return _karakalpak(value, year=year, case=case)
    if language == "ru":
        text = _russian(value, year=year)
        return {BARE: text, FROM: f"с {text}", UNTIL: f"до {text}"}[case]
    text = _english(value, year=year)
    return {BARE: text, FROM: f"from {text}", UNTIL: f"until {text}"}[case]


def _weekday(value) -> str:
    language = _language()
    if language == "kaa":
        return KAA_WEEKDAYS[value.weekday()]
    if language == CYRILLIC_UZBEK:
        return latin_to_cyrillic(_django(value, "l", "uz")).lower()
    if language == "en":
        return _django(value, "l", "en")
    return _django(value, "l", language).lower()


def _with_weekday(text: str, value, weekday: bool) -> str:
    return f"{_weekday(value)}, {text}" if weekday else text


def day_month(value, *, weekday: bool = False) -> str:
    """ "6 December", "6-dekabr", "6 декабря"; with `weekday`, "Monday, 6 December"."""
    value = _local(value)
    return _with_weekday(_phrase(value, year=False), value, weekday)


def full_date(value, *, weekday: bool = False) -> str:
    """ "6 December 2026", "2026-yil 6-dekabr", "6 декабря 2026 г."."""
    value = _local(value)
    return _with_weekday(_phrase(value, year=True), value, weekday)


def date_time(value: datetime.datetime, *, year: bool = True) -> str:
    """ "6 December 2026, 14:30", "2026-yil 6-dekabr, 14:30"; Tashkent time."""
    value = _local(value)
    return f"{_phrase(value, year=year)}, {value:%H:%M}"


def _years_shown(start, end, with_year: bool | None) -> bool:
    if with_year is not None:
        return with_year
    this_year = timezone.localdate().year
    return not start.year == end.year == this_year


def date_from(value, *, with_year: bool | None = None) -> str:
    """ "from 6 December", "6-dekabrdan", "с 6 декабря", "6-dekabrden"."""
    value = _local(value)
    return _phrase(value, year=_years_shown(value, value, with_year), case=FROM)


def date_until(value, *, with_year: bool | None = None, by: bool = False) -> str:
    """ "until 6 December", "6-dekabrgacha", "до 6 декабря", "6-dekabrge shekem".

    `by` is for deadlines, and changes English only ("by 6 December"): the other
    languages say the same for both.
    """
    value = _local(value)
    text = _phrase(value, year=_years_shown(value, value, with_year), case=UNTIL)
    if by and _language() == "en":
        return "by " + text.removeprefix("until ")
    return text


def date_range(start, end, *, with_year: bool | None = None) -> str:
    """Both ends of a period, in one phrase.

    "from 6 to 12 December", "6-dekabrdan 12-dekabrgacha", "с 6 по 12 декабря",
    "6-dekabrden 12-dekabrge shekem". Years are shown when the ends fall in
    different years or not in this one, unless `with_year` says otherwise; a year
    said once at the start covers both ends when they share it.
    """
    start, end = _local(start), _local(end)
    years = _years_shown(start, end, with_year)
    language = _language()
    if start == end:
        text = _phrase(start, year=years)
        return {
            "en": f"on {text}",
            "uz": f"{text} kuni",
            CYRILLIC_UZBEK: f"{text} куни",
            "kaa": f"{text} kúni",
        }.get(language, text)
    same_year = start.year == end.year
    if language in ("uz", CYRILLIC_UZBEK, "kaa"):
        return (
            f"{_phrase(start, year=years, case=FROM)} "
            f"{_phrase(end, year=years and not same_year, case=UNTIL)}"
        )
    if language == "ru":
        words = ("с", "по")
    else:
        words = ("from", "to")
    last = _russian if language == "ru" else _english
    if same_year and start.month == end.month:
        first = str(start.day)
    elif same_year:
        first = last(start, year=False)
    else:
        first = last(start, year=True)
    return f"{words[0]} {first} {words[1]} {last(end, year=years)}"
