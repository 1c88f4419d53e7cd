"""The lesson page: light on queries, no right answers in the HTML unless the trainer
let the phone check them, forms that work without JS.
"""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, PageViewRestriction

from core.transliteration import latin_to_cyrillic
from learning.models import LessonProgress, PracticeAnswer, ProgressEvent
from tests.accounts.factories import user_create
from tests.learning.factories import course_create, question_block
from tests.support.html import inline_scripts
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


def form_url(lesson) -> str:
    """Where the lesson's plain forms post (learning/urls.py)."""
    return reverse("learning_lesson_form", args=[lesson.pk])


def event_id_in(html):
    return re.search(r'name="event_id" value="([0-9a-f-]{36})"', html).group(1)


class LessonPageTests:
    def test_anyone_can_read_a_published_lesson(self, client):
        _, lessons = course_create()
        response = client.get(lessons[0].url)
        assert response.status_code == 200
        assert "Kirish matni." in response.content.decode()
        invitation = uz(
            "Create a free account to keep your progress. Next time you will continue "
            "where you stopped."
        )
        assert invitation in response.content.decode()

    def test_unpublished_lesson_is_404(self, client):
        _, lessons = course_create(live=False)
        assert client.get(lessons[0].url).status_code == 404

    def test_lesson_page_takes_at_most_15_queries(
        self, client, django_assert_max_num_queries
    ):
        _, lessons = course_create(lessons=3)
        user = user_create()
        client.force_login(user)
        client.get(
            lessons[0].url
        )  # warm caches shared by every request (site root paths)
        with django_assert_max_num_queries(15):
            response = client.get(lessons[1].url)
        assert response.status_code == 200

    def test_no_right_answer_reaches_the_browser(self, client):
        _, lessons = course_create(check_on_phone=False)
        html = client.get(lessons[0].url).content.decode()
        assert "correct" not in html.lower()
        assert "Izoh" not in html  # feedback text only after answering
        assert "-check" not in html  # no data block to check on the phone

    def test_steps_are_numbered(self, client):
        _, lessons = course_create()
        html = client.get(lessons[0].url).content.decode()
        assert uz("Step %(number)s", number=1) in html
        assert uz("Step %(number)s", number=2) in html


class LessonFormTests:
    def test_mark_as_done_without_javascript(self, client):
        _, lessons = course_create()
        user = user_create()
        client.force_login(user)
        page = client.get(lessons[0].url).content.decode()
        form_id = re.search(
            r'value="complete">\s*<input type="hidden" name="event_id" value="([0-9a-f-]{36})"',  # noqa: E501
            page,
        ).group(1)
        data = {"action": "complete", "event_id": form_id}
        first = client.post(form_url(lessons[0]), data)
        again = client.post(form_url(lessons[0]), data)  # the form sent twice
        assert first.status_code == again.status_code == 302
        assert first["Location"] == lessons[0].url + "#lesson-done"
        assert LessonProgress.objects.get(user=user, lesson=lessons[0]).completed
        assert ProgressEvent.objects.filter(user=user, kind="complete").count() == 1
        html = client.get(lessons[0].url).content.decode()
        assert uz("You have finished this lesson.") in html

    def test_answering_without_javascript_stores_and_shows_feedback(self, client):
        _, lessons = course_create()
        user = user_create()
        client.force_login(user)
        question = next(iter(lessons[0].questions()))
        response = client.post(
            form_url(lessons[0]),
            {"action": "answer", "question": question, "choice": "1"},
        )
        assert response.status_code == 302
        assert response["Location"] == f"{lessons[0].url}#q-{question}"
        answer = PracticeAnswer.objects.get(user=user, question_id=question)
        assert answer.correct is False
        html = client.get(lessons[0].url).content.decode()
        assert "Izoh 1" in html
        assert uz("Not quite. Read the note under your answer and try again.") in html

    def test_visitor_sees_feedback_but_nothing_is_stored(self, client):
        _, lessons = course_create()
        question = next(iter(lessons[0].questions()))
        response = client.post(
            form_url(lessons[0]),
            {"action": "answer", "question": question, "choice": "0"},
        )
        assert response.status_code == 200
        assert uz("Right!") in response.content.decode()
        assert ProgressEvent.objects.count() == 0

    def test_visitor_mark_as_done_goes_to_sign_up(self, client):
        _, lessons = course_create()
        response = client.post(form_url(lessons[0]), {"action": "complete"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_signup"))
        assert ProgressEvent.objects.count() == 0

    def test_answer_without_a_choice_is_explained_next_to_the_question(self, client):
        _, lessons = course_create()
        client.force_login(user_create())
        question = next(iter(lessons[0].questions()))
        response = client.post(
            form_url(lessons[0]), {"action": "answer", "question": question}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert uz("Choose an answer, then press Check.") in html
        assert f'aria-describedby="q-{question}-error"' in html
        assert PracticeAnswer.objects.count() == 0

    @pytest.mark.parametrize(
        "data",
        [
            {"action": "dance"},
            {"action": "answer", "question": "nope", "choice": "0"},
        ],
    )
    def test_bad_forms_get_400_and_save_nothing(self, client, data):
        _, lessons = course_create()
        client.force_login(user_create())
        response = client.post(form_url(lessons[0]), data)
        assert response.status_code == 400
        assert ProgressEvent.objects.count() == 0

    def test_bad_choice_values_get_400(self, client):
        _, lessons = course_create()
        client.force_login(user_create())
        question = next(iter(lessons[0].questions()))
        for choice in ("x", "9", "-1"):
            response = client.post(
                form_url(lessons[0]),
                {"action": "answer", "question": question, "choice": choice},
            )
            assert response.status_code == 400
        assert ProgressEvent.objects.count() == 0

    def test_a_refused_answer_keeps_the_answers_already_given(self, client):
        _, lessons = course_create()
        client.force_login(user_create())
        first, second = lessons[0].questions()
        client.post(
            form_url(lessons[0]), {"action": "answer", "question": first, "choice": "1"}
        )
        response = client.post(
            form_url(lessons[0]), {"action": "answer", "question": second}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert uz("Choose an answer, then press Check.") in html
        # The first answer is still ticked, with its feedback under it.
        assert "Izoh 1" in html
        assert PracticeAnswer.objects.get(question_id=first).choices == [1]

    def test_the_forms_post_to_their_own_address(self, client):
        _, lessons = course_create()
        client.force_login(user_create())
        html = client.get(lessons[0].url).content.decode()
        address = form_url(lessons[0])
        assert f'action="{address}" data-complete-form' in html
        for question in lessons[0].questions():
            assert f'action="{address}#q-{question}" data-question-form' in html

    def test_the_lesson_page_itself_takes_no_post(self, client):
        _, lessons = course_create()
        client.force_login(user_create())
        question = next(iter(lessons[0].questions()))
        response = client.post(
            lessons[0].url, {"action": "answer", "question": question, "choice": "0"}
        )
        assert response.status_code == 405
        assert ProgressEvent.objects.count() == 0

    def test_the_pages_csrf_token_is_needed(self):
        _, lessons = course_create()
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user_create())
        refused = browser.post(form_url(lessons[0]), {"action": "complete"})
        assert refused.status_code == 403
        assert ProgressEvent.objects.count() == 0
        html = browser.get(lessons[0].url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        taken = browser.post(
            form_url(lessons[0]), {"action": "complete", "csrfmiddlewaretoken": token}
        )
        assert taken.status_code == 302
        assert ProgressEvent.objects.filter(kind="complete").count() == 1

    def test_a_missing_or_unpublished_lesson_is_404(self, client):
        _, drafts = course_create(live=False)
        client.force_login(user_create())
        missing = reverse("learning_lesson_form", args=[999999])
        for address in (form_url(drafts[0]), missing):
            response = client.post(address, {"action": "complete"})
            assert response.status_code == 404, address
        assert ProgressEvent.objects.count() == 0

    def test_a_lesson_closed_to_the_reader_takes_nothing_from_her(self, client):
        _, lessons = course_create()
        PageViewRestriction.objects.create(
            page=lessons[0], restriction_type=PageViewRestriction.LOGIN
        )
        question = next(iter(lessons[0].questions()))
        answer = {"action": "answer", "question": question, "choice": "0"}
        refused = client.post(form_url(lessons[0]), answer)
        # Back to the lesson, which asks her to sign in; no feedback given.
        assert refused.status_code == 302
        assert refused["Location"] == lessons[0].url
        user = user_create()
        client.force_login(user)
        assert client.post(form_url(lessons[0]), answer).status_code == 302
        assert PracticeAnswer.objects.get(question_id=question).user == user


class LessonFormLanguageTests:
    """The plain forms of a lesson read in Uzbek Cyrillic: the answer comes back on
    the Cyrillic page, in Cyrillic, and is kept on the Uzbek lesson."""

    def test_a_cyrillic_reader_gets_her_answer_back_in_cyrillic(self, client):
        _, lessons = course_create()
        call_command("sync_locale_trees")
        cyrillic = lessons[0].get_translation(
            Locale.objects.get(language_code="uz-cyrl")
        )
        user = user_create()
        client.force_login(user)
        html = client.get(cyrillic.url).content.decode()
        question = next(iter(lessons[0].questions()))
        action = re.search(
            rf'action="([^"#]+)#q-{question}" data-question-form', html
        ).group(1)
        assert action == f"/uz-cyrl/learning/lessons/{cyrillic.pk}/form/"
        refused = client.post(action, {"action": "answer", "question": question})
        assert refused.status_code == 400
        page = refused.content.decode()
        assert '<html lang="uz-cyrl"' in page
        assert latin_to_cyrillic(uz("Choose an answer, then press Check.")) in page
        taken = client.post(
            action, {"action": "answer", "question": question, "choice": "0"}
        )
        assert taken["Location"] == f"{cyrillic.url}#q-{question}"
        answer = PracticeAnswer.objects.get(user=user, question_id=question)
        assert answer.lesson_id == lessons[0].pk
        shown = client.get(cyrillic.url).content.decode()
        assert latin_to_cyrillic(uz("Right!")) in shown


class TranscriptTests:
    """Issue 18: a lesson without a video offered "the words of the video"."""

    TRANSCRIPT = {"type": "transcript", "value": {"text": "Videoda aytilgan soʻzlar."}}

    def lesson_with(self, *blocks):
        _, lessons = course_create(lessons=1)
        lesson = lessons[0]
        for block in blocks:
            lesson.body.append((block["type"], block["value"]))
        lesson.save_revision().publish()
        return lesson

    def test_a_lesson_without_a_video_does_not_offer_the_videos_words(self, client):
        lesson = self.lesson_with(self.TRANSCRIPT)
        html = client.get(lesson.url).content.decode()
        assert uz("Transcript: the words of the video") not in html
        assert "Videoda aytilgan soʻzlar." not in html
        assert "Kirish matni." in html  # the rest of the lesson is there

    def test_a_lesson_with_a_video_offers_its_transcript(self, client):
        video = {"type": "video", "value": {"video": None, "title": "Quvvatlash"}}
        lesson = self.lesson_with(video, self.TRANSCRIPT)
        html = client.get(lesson.url).content.decode()
        assert uz("Transcript: the words of the video") in html
        assert "Videoda aytilgan soʻzlar." in html


def phone_check_in(html, question_id):
    """The data block a question checked on the phone carries, or None."""
    found = re.search(
        rf'<script id="q-{question_id}-check" type="application/json">(.*?)</script>',
        html,
    )
    return json.loads(found.group(1)) if found else None


class CheckOnPhoneTests:
    """A lesson's practice question the trainer left "checked on the phone" carries
    its right answers and feedback in the page, as data; one marked secret does not
    (docs/offline.md)."""

    def test_the_mark_on_puts_right_answers_and_feedback_in_the_page(self, client):
        _, lessons = course_create(check_on_phone=True)
        client.force_login(user_create())
        html = client.get(lessons[0].url).content.decode()
        single, several = lessons[0].questions()
        assert phone_check_in(html, single) == {
            "right": [0],
            "feedback": ["Izoh 0", "Izoh 1", "Izoh 2"],
        }
        assert phone_check_in(html, several) == {
            "right": [0, 2],
            "feedback": ["Izoh 0", "Izoh 1", "Izoh 2", "Izoh 3"],
        }
        # Data, not code: the CSP allows no inline script.
        assert inline_scripts(html) == []

    def test_the_mark_on_also_for_a_visitor(self, client):
        _, lessons = course_create(check_on_phone=True)
        html = client.get(lessons[0].url).content.decode()
        single, _several = lessons[0].questions()
        assert phone_check_in(html, single)["right"] == [0]

    def test_the_mark_off_keeps_the_answer_on_the_server(self, client):
        _, lessons = course_create(check_on_phone=False)
        client.force_login(user_create())
        html = client.get(lessons[0].url).content.decode()
        for question_id in lessons[0].questions():
            assert phone_check_in(html, question_id) is None
        assert "Izoh" not in html

    def test_one_question_on_and_one_off_in_the_same_lesson(self, client):
        _, lessons = course_create(lessons=1, check_on_phone=True)
        lesson = lessons[0]
        secret = next(block for block in lesson.body if block.block_type == "question")
        secret.value["check_on_phone"] = False
        for number, option in enumerate(secret.value["options"]):
            option["feedback"] = f"Sir {number}"
        lesson.save_revision().publish()
        html = client.get(lesson.url).content.decode()
        open_question = [key for key in lesson.questions() if key != secret.id][0]
        assert phone_check_in(html, secret.id) is None
        assert phone_check_in(html, open_question)["right"] == [0, 2]
        # The secret question's feedback is not anywhere in the page.
        assert "Sir " not in html

    def test_a_question_saved_before_the_mark_existed_is_checked_on_the_phone(
        self, client
    ):
        _, lessons = course_create(lessons=1)
        lesson = lessons[0]
        old = question_block("Eski savol?")  # no `check_on_phone` in its data
        lesson.body.append((old["type"], old["value"]))
        lesson.save_revision().publish()
        lesson.refresh_from_db()
        html = client.get(lesson.url).content.decode()
        added = [block for block in lesson.body if block.block_type == "question"][-1]
        assert added.value["check_on_phone"] is True
        assert phone_check_in(html, added.id)["right"] == [0]

    def test_the_page_gives_the_script_the_servers_verdicts_in_its_language(
        self, client
    ):
        _, lessons = course_create(check_on_phone=True)
        client.force_login(user_create())
        html = client.get(lessons[0].url).content.decode()
        words = json.loads(
            re.search(
                r'<script id="progress-words" type="application/json">(.*?)</script>',
                html,
            ).group(1)
        )
        assert words["verdicts"] == {
            "right": uz("Right!"),
            "partly": uz("Partly right: there is another right answer too."),
            "wrong": uz("Not quite. Read the note under your answer and try again."),
        }
        assert words["checkedLater"] == uz(
            "Saved on this phone. Your answer will be checked when the phone is "
            "online again."
        )
