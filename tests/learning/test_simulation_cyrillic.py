"""The demo's prize-SMS practice under `/uz-cyrl/`: every screen in Cyrillic.

Trainers write simulations in Uzbek Latin; core/transliteration.py writes the page in
Cyrillic as it is sent. Played here with plain form posts (JavaScript off). With
JavaScript on, static/js/simulation.js posts the same form and reads the next screen
from the same HTML page the redirect leads to (there is no separate JSON or partial),
so what these pages show is what the enhanced player shows.
"""

import re

import pytest
from django.core.management import call_command
from wagtail.models import Locale

from learning.models import LessonPage
from tests.accounts.factories import user_create
from tests.cms.test_transliteration import visible_text

pytestmark = pytest.mark.django_db

LESSON_SLUG = "soxta-yutuq-xabarlari"
PLAY_PATH = re.compile(r'href="(/uz-cyrl/learning/simulations/\d+/[^/"]+/)')
# Latin left in the phone: nothing but digits and signs may stay, once the pretend
# address (marked translate="no" to keep its Latin letters) is set aside.
LATIN = re.compile(r"[A-Za-z\u2018\u2019\u02bb\u02bc'`]+")


def phone_text(html: str) -> str:
    """The visible text of the pretend phone and the buttons under it."""
    root = html.split("data-simulation-root", 1)[1].split("</main>", 1)[0]
    root = re.sub(r'(?s)<p [^>]*translate="no"[^>]*>.*?</p>', " ", root)
    return " ".join(visible_text("<div " + root).split())


@pytest.fixture
def cyrillic_play(client, settings, tmp_path):
    """A signed-in learner's client and the `/uz-cyrl/` address of the practice,
    found as a learner finds it: from the lesson page."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    lesson = LessonPage.objects.get(slug=LESSON_SLUG, locale__language_code="uz")
    cyrillic = lesson.get_translation(Locale.objects.get(language_code="uz-cyrl"))
    client.force_login(user_create())
    page = client.get(cyrillic.url)
    assert page.status_code == 200
    html = page.content.decode()
    # The invitation on the lesson page, loanword included.
    assert "Машқ: “ютуқ” ҳақида СМС" in html
    return client, PLAY_PATH.search(html).group(1)


def choose(client, url: str, screen: str, choice: int) -> str:
    """Post a choice as the screen's form does, then load where it leads."""
    html = client.get(url).content.decode()
    run = re.search(r'name="run" value="(\d*)"', html).group(1)
    posted = client.post(
        url, {"action": "choose", "run": run, "screen": screen, "choice": choice}
    )
    assert posted.status_code == 303
    # The next screen stays in Cyrillic: the redirect keeps the language.
    assert posted["Location"].startswith(url)
    return client.get(posted["Location"]).content.decode()


class SimulationInCyrillicTests:
    def test_screens_choices_and_endings_are_in_cyrillic(self, cyrillic_play):
        client, url = cyrillic_play
        sms = client.get(url).content.decode()
        sms_text = phone_text(sms)
        # "aksiya" is a Russian loanword: акция, not аксия (LOANWORD_STEMS).
        assert "Табриклаймиз! Сиз “Байрам акцияси”да 5 000 000 сўм ютдингиз." in (
            sms_text
        )
        assert "аксия" not in sms.lower()
        for choice in (
            "Ҳаволани очаман",
            "Юборувчига қўнғироқ қиламан",
            "Хабарни ўчириб, рақамни блоклайман",
        ):
            assert f">{choice}</button>" in sms
        # The pretend address keeps the Latin letters of a real one.
        assert '<p class="pretend-link" translate="no">yutuq-olish.example</p>' in sms
        assert LATIN.findall(sms_text) == []

        call = choose(client, url, "sms", 1)
        call_text = phone_text(call)
        assert "Акция ташкилотчиси" in call_text
        assert "Ютуғингизни юборишимиз учун" in call_text
        assert ">Гўшакни қўйиб, рақамни блоклайман</button>" in call
        assert LATIN.findall(call_text) == []

        safe = choose(client, url, "qongiroq", 1)
        assert 'data-simulation-result="safe"' in safe
        safe_text = phone_text(safe)
        assert "Тўғри қилдингиз!" in safe_text
        assert "Сиз қатнашмаган танловда ютиб бўлмайди." in safe_text
        assert LATIN.findall(safe_text) == []

    def test_the_form_and_an_unsafe_ending_are_in_cyrillic(self, cyrillic_play):
        client, url = cyrillic_play
        form = choose(client, url, "sms", 0)
        form_text = phone_text(form)
        assert "Ютуқни олиш" in form_text
        for label in ("Карта рақами", "Карта амал қилиш муддати", "СМС код"):
            assert label in form_text
        assert ">Маълумотларни юбораман</button>" in form
        assert LATIN.findall(form_text) == []

        unsafe = choose(client, url, "sayt", 0)
        assert 'data-simulation-result="unsafe"' in unsafe
        unsafe_text = phone_text(unsafe)
        assert "Фирибгар картангиздаги пулни ечиб олди" in unsafe_text
        assert "Ютуқ бериш учун ҳеч ким карта муддатини ва СМС кодни сўрамайди." in (
            unsafe_text
        )
        assert LATIN.findall(unsafe_text) == []

    def test_the_latin_page_stays_latin(self, cyrillic_play):
        """The same practice under /uz/ is not touched: the Cyrillic is made only
        for the reader who chose it."""
        client, url = cyrillic_play
        latin_url = url.replace("/uz-cyrl/", "/uz/", 1)
        lesson_id = int(latin_url.split("/")[-3])
        uzbek = LessonPage.objects.get(pk=lesson_id).get_translation(
            Locale.objects.get(language_code="uz")
        )
        latin_url = re.sub(r"/\d+/", f"/{uzbek.pk}/", latin_url, count=1)
        html = client.get(latin_url).content.decode()
        assert "“Bayram aksiyasi”da" in html
        assert "Байрам" not in html
