"""Uzbek Latin to Cyrillic: the table of cases from the official spelling rules.

The cases follow the 1995 Latin alphabet (law of 6 May 1995) and the spelling rules
approved by the Cabinet of Ministers (resolution No. 339, 24 August 1995): oʻ and gʻ
typed in every apostrophe form, n followed by gʻ, ye/yo/yu/ya at the start of a word
and after vowels, e at the start of a word and after vowels, ts in loanwords, the
tutuq belgisi as ъ, the apostrophe between s and h, capitals, numbers, web addresses
and names that stay in Latin.
"""

import re

import pytest
from django.test import Client

from core.transliteration import html_to_cyrillic, latin_to_cyrillic

CASES = [
    # o‘ in every apostrophe form
    ("o‘zbek", "ўзбек"),
    ("o'zbek", "ўзбек"),
    ("oʻzbek", "ўзбек"),
    ("o’zbek", "ўзбек"),
    ("o`zbek", "ўзбек"),
    ("Oʻzbekiston", "Ўзбекистон"),
    ("bo‘lim", "бўлим"),
    ("to‘g‘ri", "тўғри"),
    ("O‘qituvchi", "Ўқитувчи"),
    # g‘
    ("g‘isht", "ғишт"),
    ("G‘alla", "Ғалла"),
    ("tog‘", "тоғ"),
    ("bog'", "боғ"),
    ("og`ir", "оғир"),
    ("Farg‘ona", "Фарғона"),
    ("Qoraqalpog‘iston", "Қорақалпоғистон"),
    # n followed by g‘, and ng
    ("qo‘ng‘iroq", "қўнғироқ"),
    ("Qo‘ng‘irot", "Қўнғирот"),
    ("ming‘irlamoq", "минғирламоқ"),
    ("dong‘i", "донғи"),
    ("tong", "тонг"),
    ("yangi", "янги"),
    ("singil", "сингил"),
    ("keng", "кенг"),
    # sh, ch and s’h
    ("shahar", "шаҳар"),
    ("choy", "чой"),
    ("Shoshilinch", "Шошилинч"),
    ("Is’hoq", "Исҳоқ"),
    ("as’hob", "асҳоб"),
    ("mus'haf", "мусҳаф"),
    # ye, yo, yu, ya at the start of a word
    ("yer", "ер"),
    ("yetti", "етти"),
    ("yosh", "ёш"),
    ("yo‘l", "йўл"),
    ("yulduz", "юлдуз"),
    ("yaxshi", "яхши"),
    ("Yevropa", "Европа"),
    ("Yoqub", "Ёқуб"),
    # ... and after vowels
    ("oyoq", "оёқ"),
    ("qoya", "қоя"),
    ("poyezd", "поезд"),
    ("qayerda", "қаерда"),
    ("quyosh", "қуёш"),
    ("ayol", "аёл"),
    ("suyak", "суяк"),
    ("xiyobon", "хиёбон"),
    ("kuyov", "куёв"),
    ("tayyor", "тайёр"),
    ("dunyo", "дунё"),
    ("bayroq", "байроқ"),
    ("mayin", "майин"),
    # e
    ("ekran", "экран"),
    ("Eshik", "Эшик"),
    ("eski", "эски"),
    ("ertaga", "эртага"),
    ("kelmoq", "келмоқ"),
    ("telefon", "телефон"),
    ("aeroport", "аэропорт"),
    ("poeziya", "поэзия"),
    # ts in loanwords
    ("litsey", "лицей"),
    ("politsiya", "полиция"),
    ("tsirk", "цирк"),
    ("ofitsiant", "официант"),
    ("otsiz", "отсиз"),
    # tutuq belgisi
    ("ta’lim", "таълим"),
    ("ma'lumot", "маълумот"),
    ("san’at", "санъат"),
    ("mas’uliyat", "масъулият"),
    ("sur’at", "суръат"),
    ("e’lon", "эълон"),
    ("she’r", "шеър"),
    ("ma’no", "маъно"),
    ("va’da", "ваъда"),
    # capitals and all-caps
    ("TA’LIM", "ТАЪЛИМ"),
    ("O‘ZBEKISTON", "ЎЗБЕКИСТОН"),
    ("YANGILIKLAR", "ЯНГИЛИКЛАР"),
    ("SHAHAR", "ШАҲАР"),
    ("G‘ALABA", "ҒАЛАБА"),
    ("YO‘Q", "ЙЎҚ"),
    ("Yangi", "Янги"),
    ("Chorshanba", "Чоршанба"),
    ("CHOY", "ЧОЙ"),
    # x and h, place names
    ("xat", "хат"),
    ("hamma", "ҳамма"),
    ("Xorazm", "Хоразм"),
    ("Toshkent", "Тошкент"),
    ("Samarqand", "Самарқанд"),
    ("Buxoro", "Бухоро"),
    ("Andijon", "Андижон"),
    ("Navoiy", "Навоий"),
    ("Jizzax", "Жиззах"),
    ("Surxondaryo", "Сурхондарё"),
    ("Qashqadaryo", "Қашқадарё"),
    # numbers
    ("2026-yil", "2026-йил"),
    ("5-dars", "5-дарс"),
    ("10 daqiqa", "10 дақиқа"),
    ("3G tarmog‘i", "3G тармоғи"),
    ("soat 14:30 da", "соат 14:30 да"),
    # addresses and protected names
    ("my.gov.uz saytida", "my.gov.uz сайтида"),
    ("https://komak.uz/uz/kurslar/ manzili", "https://komak.uz/uz/kurslar/ манзили"),
    ("ali@mail.uz ga yozing", "ali@mail.uz га ёзинг"),
    ("www.gov.uz", "www.gov.uz"),
    ("WhatsApp orqali", "WhatsApp орқали"),
    ("Telegram kanali", "Telegram канали"),
    # ts: one letter in loanwords, two letters where a suffix begins
    ("ketsa", "кетса"),
    ("kutsangiz", "кутсангиз"),
    ("oʻtsa", "ўтса"),
    ("patsiyent", "пациент"),
    ("aksiyalar", "акциялар"),
    ("konsertga", "концертга"),
    # protected names with an Uzbek suffix, and a mixed-case abbreviation
    ("WhatsAppda", "WhatsAppда"),
    ("JShShIR raqami", "ЖШШИР рақами"),
]


# Russian loanwords keep their Russian spelling in Uzbek Cyrillic, ц and ь included,
# with Uzbek suffixes after the stem (core.transliteration.LOANWORD_STEMS).
LOANWORDS = [
    ("konsultatsiya", "консультация"),
    ("konsultatsiyaga", "консультацияга"),
    ("Konsultatsiyalar", "Консультациялар"),
    ("KONSULTATSIYA", "КОНСУЛЬТАЦИЯ"),
    ("konsultantga", "консультантга"),
    ("psixolog", "психолог"),
    ("psixologlar", "психологлар"),
    ("Psixologga", "Психологга"),
    ("psixologiya", "психология"),
    ("psixologik", "психологик"),
    ("psixiatrga", "психиатрга"),
    ("sotsial", "социал"),
    ("sotsialga", "социалга"),
    ("informatsiya", "информация"),
    ("informatsiyani", "информацияни"),
    ("stansiya", "станция"),
    ("stansiyada", "станцияда"),
    ("registratsiya", "регистрация"),
    ("registratsiyadan", "регистрациядан"),
    ("operatsiya", "операция"),
    ("operatsiyadan", "операциядан"),
    ("reabilitatsiyaga", "реабилитацияга"),
    ("kompyuter", "компьютер"),
    ("kompyuterda", "компьютерда"),
    ("filmlar", "фильмлар"),
    ("demensiyasi", "деменцияси"),
    ("Psixolog bilan konsultatsiya", "Психолог билан консультация"),
]


@pytest.mark.parametrize(("latin", "cyrillic"), LOANWORDS)
def test_russian_loanwords_keep_their_spelling(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


def test_the_table_holds_at_least_80_cases():
    assert len(CASES) >= 80
    assert len({latin for latin, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("latin", "cyrillic"), CASES)
def test_latin_to_cyrillic(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


class HtmlToCyrillicTests:
    def test_text_and_readable_attributes_change_markup_does_not(self):
        page = (
            '<a href="/uz/kurslar/" class="card" title="Kurslar">'
            '<img src="/media/rasm.png" alt="Telefon rasmi">Oʻqish &amp; yozish</a>'
        )
        assert html_to_cyrillic(page) == (
            '<a href="/uz/kurslar/" class="card" title="Курслар">'
            '<img src="/media/rasm.png" alt="Телефон расми">Ўқиш &amp; ёзиш</a>'
        )

    def test_escaped_apostrophes_are_read_as_apostrophes(self):
        # Django escapes ' in variables as &#x27;; oʻ must still become ў.
        assert html_to_cyrillic("<p>O&#x27;qing</p>") == "<p>Ўқинг</p>"

    def test_scripts_styles_code_and_translate_no_stay(self):
        page = (
            "<script>const yoq = 'shahar';</script><style>.yangi{color:red}</style>"
            '<code>shahar</code><span translate="no">Ali Valiyev</span> shahar'
        )
        assert html_to_cyrillic(page) == (
            "<script>const yoq = 'shahar';</script><style>.yangi{color:red}</style>"
            '<code>shahar</code><span translate="no">Ali Valiyev</span> шаҳар'
        )

    def test_text_that_needs_escaping_stays_escaped(self):
        written = html_to_cyrillic("<p>5 &lt; 10, bosing</p>")
        assert written == "<p>5 &lt; 10, босинг</p>"


# Latin letters or apostrophes that may stay in a Cyrillic page: protected names,
# addresses, and codes with digits.
_LATIN_LEFT = re.compile(r"[A-Za-z\u2018\u2019\u02bb\u02bc'`]+")
_ALLOWED = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w.-]+|\b[\w.-]+\.(?:uz|ru|com|net|info)\b\S*"
    r"|\b(?:WhatsApp|Telegram|Android|Chrome|Windows|OneID|Wi-Fi|Google|QR|Win)(?![A-Za-z])"
    r"|\w*\d\w*"
)


def visible_text(document: str) -> str:
    document = re.sub(r"(?s)<(script|style|code)\b.*?</\1>", " ", document)
    document = re.sub(r"(?s)<[^>]+>", " ", document)
    return document


@pytest.mark.django_db
class DemoLessonInCyrillicTests:
    """Every demo lesson in Cyrillic keeps no Latin outside what is protected."""

    def test_no_latin_letters_are_left(self, settings, tmp_path):
        from django.core.management import call_command

        from learning.models import LessonPage

        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        client = Client()
        lessons = LessonPage.objects.live().filter(locale__language_code="uz-cyrl")
        assert lessons.count() >= 18
        leftovers = {}
        for lesson in lessons:
            assert lesson.url.startswith("/uz-cyrl/")
            response = client.get(lesson.url)
            assert response.status_code == 200
            main = response.content.decode().split("<main", 1)[1].split("</main>")[0]
            text = visible_text("<main" + main + "</main>")
            leftover = _LATIN_LEFT.findall(_ALLOWED.sub(" ", text))
            if leftover:
                leftovers[lesson.url] = sorted(set(leftover))
        assert leftovers == {}
