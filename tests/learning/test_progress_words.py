"""The words the lesson page gives its progress script (static/js/progress.js)."""

import json
import re

import pytest
from django.utils import translation

from learning.templatetags.learning_tags import plural_table, progress_words
from tests.accounts.factories import user_create
from tests.learning.factories import course_create

SINGULAR = "%(count)s step waiting to be sent."
PLURAL = "%(count)s steps waiting to be sent."


def as_script(table, number):
    """What waitingWords() in progress.js picks for `number`."""
    pick = table["pick"]
    index = pick[number] if number < len(pick) else pick[100 + number % 100]
    return table["forms"][index]


class PluralTableTests:
    @pytest.mark.parametrize("language", ["uz", "uz-cyrl", "ru", "kaa", "en"])
    @pytest.mark.parametrize("number", [0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 111, 1234])
    def test_the_script_picks_what_ngettext_picks(self, language, number):
        with translation.override(language):
            table = plural_table(SINGULAR, PLURAL)
            assert as_script(table, number) == translation.ngettext(
                SINGULAR, PLURAL, number
            )

    def test_english_has_two_forms(self):
        with translation.override("en"):
            table = plural_table(SINGULAR, PLURAL)
        assert table["forms"] == [PLURAL, SINGULAR]
        assert table["pick"][:3] == [0, 1, 0]


@pytest.mark.django_db
class LessonPageWordsTests:
    def test_a_learner_gets_the_words_and_an_owner(self, client):
        _, lessons = course_create()
        user = user_create()
        client.force_login(user)
        html = client.get(lessons[0].url).content.decode()
        found = re.search(
            r'<script id="progress-words" type="application/json">(.*?)</script>', html
        )
        with translation.override("uz"):
            expected = json.loads(json.dumps(progress_words()))
        assert json.loads(found.group(1)) == expected
        assert f'data-learner="{user.pk}"' in html
        assert "data-sync-status" in html and "data-refused" in html

    def test_a_visitor_gets_no_progress_script(self, client):
        _, lessons = course_create()
        html = client.get(lessons[0].url).content.decode()
        assert "progress-words" not in html
        assert "data-learner" not in html
